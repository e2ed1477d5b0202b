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
		{"duplicate key", "application/json", `{"tipo":"strade","tipo":"altro"}`, 400, []string{"La chiave «tipo» compare due volte"}},
		{"not an object", "application/json", `[1,2]`, 400, nil},
		{"too deep", "application/json", strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40), 400, []string{"più di 32 livelli"}},
		{"wrong content type", "text/plain", valid, 415, nil},
		{"one megabyte string", "application/json", long, 422, []string{`"pointer":"/descrizione"`}},
		{"text over the default cap", "application/json", `{"tipo":"strade","descrizione":"Una buca profonda","nome":"A","email":"a@b.it",` +
			`"testimoni":[{"nome":"` + strings.Repeat("a", 1001) + `"}]}`, 422,
			[]string{`"pointer":"/testimoni/0/nome","message":"Inserisci al massimo 1000 caratteri"`}},
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

// TestAPIUnreadableDocument checks that every reason a document cannot be
// read is told whole in the reader's language, with no text from Go.
func TestAPIUnreadableDocument(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct{ name, body, it, en string }{
		{"syntax", "{\n  \"tipo\": strade\n}", "Il JSON non è valido alla riga 2, colonna 11.",
			"The JSON is not valid at line 2, column 11."},
		{"syntax after accents", `{"città":"Roma" "x":1}`, "Il JSON non è valido alla riga 1, colonna 17.",
			"The JSON is not valid at line 1, column 17."},
		{"incomplete", `{"tipo":`, "Il JSON è incompleto: il documento finisce prima di chiudere tutti i valori.",
			"The JSON is incomplete: the document ends before every value is closed."},
		{"incomplete string", `{"tipo":"str`, "Il JSON è incompleto: il documento finisce prima di chiudere tutti i valori.",
			"The JSON is incomplete: the document ends before every value is closed."},
		{"duplicate key", `{"nome":"A","nome":"B"}`, "La chiave «nome» compare due volte nello stesso oggetto.",
			"The key “nome” appears twice in the same object."},
		{"long duplicate key", `{"` + strings.Repeat("k", 100) + `":1,"` + strings.Repeat("k", 100) + `":2}`,
			"La chiave «" + strings.Repeat("k", 40) + "…» compare due volte nello stesso oggetto.",
			"The key “" + strings.Repeat("k", 40) + "…” appears twice in the same object."},
		{"trailing document", `{}{}`, "Dopo il documento JSON ci sono altri dati: invia un solo oggetto.",
			"There is more data after the JSON document: send a single object."},
		{"trailing garbage", `{"a":1} x`, "Dopo il documento JSON ci sono altri dati: invia un solo oggetto.",
			"There is more data after the JSON document: send a single object."},
		{"too deep", strings.Repeat(`[`, 100000), "Il documento JSON ha più di 32 livelli di annidamento.",
			"The JSON document is nested more than 32 levels deep."},
		{"number out of range", `{"lettura":1e999999}`, "Il numero 1e999999 è fuori dall'intervallo ammesso.",
			"The number 1e999999 is out of the allowed range."},
		{"invalid UTF-8", "{\"nome\":\"a\xff\"}", "Il testo contiene caratteri non validi (UTF-8 non valido o carattere NUL).",
			"The text contains invalid characters (invalid UTF-8 or a NUL character)."},
		{"NUL", `{"nome":"a\u0000"}`, "Il testo contiene caratteri non validi (UTF-8 non valido o carattere NUL).",
			"The text contains invalid characters (invalid UTF-8 or a NUL character)."},
		{"not an object", `[1]`, "Il documento deve essere un oggetto JSON.", "The document must be a JSON object."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for lang, want := range map[string]string{"it": tt.it, "en": tt.en} {
				r := e.post(apiPath+"?lang="+lang, "application/json", strings.NewReader(tt.body))
				var p struct{ Detail string }
				if err := json.Unmarshal([]byte(r.Body), &p); err != nil || r.Status != http.StatusBadRequest {
					t.Fatalf("%s: status %d, body %.300s (%v)", lang, r.Status, r.Body, err)
				}
				if p.Detail != want {
					t.Errorf("%s: detail %q, want %q", lang, p.Detail, want)
				}
			}
		})
	}
}

// TestAPIErrorCountSingular checks the 422 detail agrees with the number of
// errors, as the HTML summary does.
func TestAPIErrorCountSingular(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	valid := `"tipo":"strade","descrizione":"Una buca profonda in via Roma","nome":"Anna","email":"anna@example.it"`
	for _, tt := range []struct{ body, detail string }{
		{`{` + valid + `,"extra":1}`, `"detail":"C'è 1 errore"`},
		{`{` + valid + `,"extra":1,"altro":2}`, `"detail":"Ci sono 2 errori"`},
	} {
		e.post(apiPath, "application/json", strings.NewReader(tt.body)).expect(t, http.StatusUnprocessableEntity, tt.detail)
	}
	e.post(apiPath+"?lang=en", "application/json", strings.NewReader(`{`+valid+`,"extra":1}`)).
		expect(t, http.StatusUnprocessableEntity, `"detail":"There is 1 error"`)
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
