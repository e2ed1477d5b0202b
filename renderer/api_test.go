package renderer_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/modulario/modulario/renderer"
)

const apiPath = "/api/v1/forms/segnalazione/submissions"

func TestAPISubmit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *renderer.Config) { c.MaxBodyBytes = 2 << 20 })
	valid := `{"tipo":"strade","descrizione":"Una buca profonda in via Roma","nome":"Anna","email":"anna@example.it"}`
	long := `{"tipo":"strade","descrizione":"` + strings.Repeat("a", 1<<20) + `","nome":"Anna","email":"anna@example.it"}`
	tests := []struct {
		name, contentType, body string
		status                  int
		contains                []string
	}{
		{"valid", "application/json", valid, 201, []string{`"number":"`, `"status":"received"`, `"tracking_url":"https://moduli.comune.example/pratiche/`}},
		{"invalid", "application/json", `{"tipo":"nessuno","email":"x"}`, 422,
			[]string{`"pointer":"/tipo"`, `"pointer":"/email"`, `"pointer":"/descrizione"`, `"status":422`}},
		{"unknown field", "application/json", `{"tipo":"strade","descrizione":"Una buca profonda","nome":"A","email":"a@b.it","extra":1}`, 422,
			[]string{`"pointer":"/extra"`}},
		{"hidden answer is not pruned", "application/json", `{"tipo":"strade","descrizione":"Una buca profonda","nome":"A","email":"a@b.it","contatore":"1"}`, 422,
			[]string{`"pointer":"/contatore"`}},
		{"malformed", "application/json", `{"tipo":`, 400, []string{`"status":400`}},
		{"duplicate key", "application/json", `{"tipo":"strade","tipo":"altro"}`, 400, []string{"duplicate key"}},
		{"not an object", "application/json", `[1,2]`, 400, nil},
		{"too deep", "application/json", strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40), 400, []string{"nested"}},
		{"wrong content type", "text/plain", valid, 415, nil},
		{"one megabyte string", "application/json", long, 422, []string{`"pointer":"/descrizione"`}},
		{"oversized", "application/json", `{"a":"` + strings.Repeat("a", 3<<20) + `"}`, 413, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.post(apiPath, tt.contentType, strings.NewReader(tt.body))
			if r.Status != tt.status {
				t.Fatalf("status = %d, want %d: %.300s", r.Status, tt.status, r.Body)
			}
			if tt.status >= 400 && r.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("content type = %q", r.Header.Get("Content-Type"))
			}
			for _, s := range tt.contains {
				if !strings.Contains(r.Body, s) {
					t.Errorf("body lacks %s: %.500s", s, r.Body)
				}
			}
		})
	}
	e.post("/api/v1/forms/nessuno/submissions", "application/json", strings.NewReader(valid)).
		expect(t, http.StatusNotFound)
}

func TestAPISubmitCreatesTrackable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ct, body := multipartBody(t, map[string]string{
		"data": `{"tipo":"strade","descrizione":"Una buca profonda in via Roma","nome":"Anna","email":"anna@example.it"}`,
	}, "/foto", "foto.jpg", jpeg)
	r := e.post(apiPath, ct, body).expect(t, http.StatusCreated)
	var out struct{ Number, TrackingURL string }
	out.TrackingURL = ""
	var raw map[string]string
	if err := json.Unmarshal([]byte(r.Body), &raw); err != nil {
		t.Fatal(err)
	}
	out.Number, out.TrackingURL = raw["number"], raw["tracking_url"]
	if r.Location != out.TrackingURL {
		t.Fatalf("Location %q != tracking_url %q", r.Location, out.TrackingURL)
	}
	path := strings.TrimPrefix(out.TrackingURL, "https://moduli.comune.example")
	e.get(path).expect(t, http.StatusOK, out.Number, "foto.jpg")

	ct, body = multipartBody(t, map[string]string{"data": `{"tipo":"strade"}`}, "/foto", "foto.jpg", []byte("<html></html>"))
	e.post(apiPath, ct, body).expect(t, http.StatusUnprocessableEntity, `"pointer":"/foto"`)

	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+apiPath+"?lang=en", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	e.do(req).expect(t, http.StatusUnprocessableEntity, "There are")
}
