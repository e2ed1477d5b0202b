package renderer_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/notify"
	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
)

const (
	hostileAPI   = "/api/v1/forms/ostile/submissions"
	hostileValid = `{"nome":"Anna","email":"anna@example.it","cf":"RSSMRA85T10A562S"}`
	// hostileMaxBody is the body limit of the hostile environment.
	hostileMaxBody = 1 << 20
)

// hostileCase is one hostile request with its expected status; it must
// leave no submission, outbox message or file behind.
type hostileCase struct {
	name, method, path, contentType string
	body                            func() io.Reader
	status                          int
	// multipart builds a multipart body and its content type instead.
	multipart func() (string, io.Reader)
}

// withField returns the valid document with one answer set to raw JSON.
func withField(name, raw string) string {
	fields := []string{`"nome":"Anna"`, `"email":"anna@example.it"`, `"cf":"RSSMRA85T10A562S"`}
	for i, f := range fields {
		if strings.HasPrefix(f, `"`+name+`":`) {
			fields = append(fields[:i], fields[i+1:]...)
			break
		}
	}
	return "{" + strings.Join(append(fields, `"`+name+`":`+raw), ",") + "}"
}

func jsonCase(name, body string, status int) hostileCase {
	return hostileCase{name: name, method: http.MethodPost, path: hostileAPI, contentType: "application/json",
		body: func() io.Reader { return strings.NewReader(body) }, status: status}
}

func fileCase(t *testing.T, name, fileName string, content []byte, status int) hostileCase {
	return hostileCase{name: name, method: http.MethodPost, path: hostileAPI, status: status,
		multipart: func() (string, io.Reader) {
			return multipartBody(t, map[string]string{"data": hostileValid}, "/foto", fileName, content)
		}}
}

func hostileCases(t *testing.T) []hostileCase {
	nested := func(n int) string { return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) }
	manyItems := `["` + strings.Repeat(`x","`, 20000) + `x"]`
	php := []byte("<?php system($_GET['c']); ?>")
	gifPHP := append([]byte("GIF89a"), php...)
	htmlJPEG := append([]byte("<html><script>alert(1)</script>"), jpeg...)
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>`)
	cases := []hostileCase{
		// Size and shape.
		jsonCase("oversized body", `{"note":"`+strings.Repeat("a", 2*hostileMaxBody)+`"}`, http.StatusRequestEntityTooLarge),
		jsonCase("oversized text field", withField("note", `"`+strings.Repeat("a", 2001)+`"`), http.StatusUnprocessableEntity),
		jsonCase("oversized short field", withField("nome", `"`+strings.Repeat("é", 101)+`"`), http.StatusUnprocessableEntity),
		jsonCase("nested 40 deep", nested(40), http.StatusBadRequest),
		jsonCase("nested 100000 deep", nested(100000), http.StatusBadRequest),
		jsonCase("array of 20000 items", withField("elenco", manyItems), http.StatusRequestEntityTooLarge),
		jsonCase("array over maxItems", withField("elenco", `["a","b","c","d","e","f"]`), http.StatusUnprocessableEntity),
		jsonCase("array of objects", withField("elenco", `[{"a":1}]`), http.StatusUnprocessableEntity),
		jsonCase("huge number", withField("note", `1e999999`), http.StatusBadRequest),
		jsonCase("empty body", ``, http.StatusBadRequest),
		jsonCase("null document", `null`, http.StatusBadRequest),
		jsonCase("string document", `"x"`, http.StatusBadRequest),
		jsonCase("trailing garbage", hostileValid+`{}`, http.StatusBadRequest),
		jsonCase("duplicate key", `{"nome":"Anna","nome":"Bea","email":"a@b.it","cf":"RSSMRA85T10A562S"}`, http.StatusBadRequest),
		jsonCase("__proto__ key", withField("__proto__", `{"admin":true}`), http.StatusUnprocessableEntity),
		// Encoding.
		jsonCase("invalid UTF-8", withField("note", "\"a\xff\xfeb\""), http.StatusBadRequest),
		jsonCase("raw NUL byte", withField("note", "\"a\x00b\""), http.StatusBadRequest),
		jsonCase("escaped NUL in name", withField("nome", `"Anna\u0000"`), http.StatusBadRequest),
		jsonCase("NUL in a key", `{"nome\u0000":"x"}`, http.StatusBadRequest),
		// Confusables in the codice fiscale.
		jsonCase("Cyrillic А in codice fiscale", `{"nome":"Anna","email":"a@b.it","cf":"RSSMRА85T10A562S"}`, http.StatusUnprocessableEntity),
		jsonCase("Cyrillic С and Р in codice fiscale", `{"nome":"Anna","email":"a@b.it","cf":"RSSMRA85T10A562С"}`, http.StatusUnprocessableEntity),
		jsonCase("fullwidth codice fiscale", `{"nome":"Anna","email":"a@b.it","cf":"ＲＳＳＭＲＡ85T10A562S"}`, http.StatusUnprocessableEntity),
		jsonCase("zero-width space in codice fiscale", `{"nome":"Anna","email":"a@b.it","cf":"RSSMRA85T10\u200bA562S"}`, http.StatusUnprocessableEntity),
		jsonCase("codice fiscale with bad check letter", `{"nome":"Anna","email":"a@b.it","cf":"RSSMRA85T10A562T"}`, http.StatusUnprocessableEntity),
		// Header injection in email fields.
		jsonCase("CRLF Bcc in email", `{"nome":"Anna","email":"a@b.it\r\nBcc: x@evil.example","cf":"RSSMRA85T10A562S"}`, http.StatusUnprocessableEntity),
		jsonCase("LF Bcc in email", `{"nome":"Anna","email":"a@b.it\nBcc: x@evil.example","cf":"RSSMRA85T10A562S"}`, http.StatusUnprocessableEntity),
		jsonCase("two addresses in email", `{"nome":"Anna","email":"a@b.it, x@evil.example","cf":"RSSMRA85T10A562S"}`, http.StatusUnprocessableEntity),
		jsonCase("display name in email", `{"nome":"Anna","email":"Anna <a@b.it>","cf":"RSSMRA85T10A562S"}`, http.StatusUnprocessableEntity),
		// Uploads: polyglots and traversal in names.
		fileCase(t, "PHP named .jpg", "foto.jpg", php, http.StatusUnprocessableEntity),
		fileCase(t, "GIF with PHP named .jpg", "foto.jpg", gifPHP, http.StatusUnprocessableEntity),
		fileCase(t, "HTML then JPEG named .jpg", "foto.jpg", htmlJPEG, http.StatusUnprocessableEntity),
		fileCase(t, "SVG with script named .jpg", "foto.jpg", svg, http.StatusUnprocessableEntity),
		fileCase(t, "PHP with traversal name", "../../../var/www/shell.php.jpg", php, http.StatusUnprocessableEntity),
		fileCase(t, "file over maxSize", "foto.jpg", append(append([]byte{}, jpeg...), make([]byte, 70000)...), http.StatusUnprocessableEntity),
		// Methods and content types.
		{name: "GET on the API", method: http.MethodGet, path: hostileAPI, status: http.StatusMethodNotAllowed},
		{name: "PUT on the API", method: http.MethodPut, path: hostileAPI, contentType: "application/json", status: http.StatusMethodNotAllowed},
		{name: "DELETE on the API", method: http.MethodDelete, path: hostileAPI, status: http.StatusMethodNotAllowed},
		{name: "DELETE a tracking page", method: http.MethodDelete, path: "/pratiche/abc", status: http.StatusMethodNotAllowed},
		{name: "text/plain", method: http.MethodPost, path: hostileAPI, contentType: "text/plain", status: http.StatusUnsupportedMediaType,
			body: func() io.Reader { return strings.NewReader(hostileValid) }},
		{name: "XML", method: http.MethodPost, path: hostileAPI, contentType: "application/xml", status: http.StatusUnsupportedMediaType,
			body: func() io.Reader { return strings.NewReader("<a/>") }},
		{name: "no content type", method: http.MethodPost, path: hostileAPI, status: http.StatusUnsupportedMediaType,
			body: func() io.Reader { return strings.NewReader(hostileValid) }},
		{name: "multipart without boundary", method: http.MethodPost, path: hostileAPI, contentType: "multipart/form-data", status: http.StatusBadRequest,
			body: func() io.Reader { return strings.NewReader(hostileValid) }},
		// Forged and traversing tokens and slugs.
		{name: "form slug traversal", method: http.MethodPost, path: "/api/v1/forms/..%2f..%2fetc%2fpasswd/submissions", contentType: "application/json",
			status: http.StatusNotFound, body: func() io.Reader { return strings.NewReader(hostileValid) }},
		{name: "forged tracking token", method: http.MethodGet, path: "/pratiche/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", status: http.StatusNotFound},
		{name: "tracking token traversal", method: http.MethodGet, path: "/pratiche/..%2f..%2fetc%2fpasswd", status: http.StatusNotFound},
		{name: "forged receipt", method: http.MethodGet, path: "/pratiche/forged/ricevuta", status: http.StatusNotFound},
		{name: "forged attachment", method: http.MethodGet, path: "/allegati/forged/forged", status: http.StatusNotFound},
		{name: "forged draft step", method: http.MethodGet, path: "/servizi/ostile/forged/passo/1", status: http.StatusGone},
		{name: "forged draft review", method: http.MethodGet, path: "/servizi/ostile/forged/riepilogo", status: http.StatusGone},
		{name: "forged draft submit", method: http.MethodPost, path: "/servizi/ostile/forged/invia", contentType: "application/x-www-form-urlencoded",
			status: http.StatusGone, body: func() io.Reader { return strings.NewReader("") }},
		{name: "forged rating", method: http.MethodPost, path: "/pratiche/forged/valutazione", contentType: "application/x-www-form-urlencoded",
			status: http.StatusNotFound, body: func() io.Reader { return strings.NewReader("voto=5") }},
		{name: "open redirect path", method: http.MethodGet, path: "//evil.example/%2e%2e", status: http.StatusNotFound},
	}
	// The staff side's cases (CSRF on every kind of staff POST, open
	// redirects, session fixation, oversized and traversal requests, roles,
	// and XSS in editor Markdown and texts rendered escaped on citizen and
	// admin pages) are in builder/hostile_test.go, hostile_cases_test.go
	// and hostile_xss_test.go.
	return cases
}

// hostileEnv is newEnv with the rule engine on and the hostile form (two
// email rules) published, so an accepted request would queue messages.
func hostileEnv(t *testing.T) (*env, string) {
	t.Helper()
	e := newEnv(t, func(c *renderer.Config) {
		c.MaxBodyBytes = hostileMaxBody
		c.Rules = notify.NewEngine(c.Forms)
	})
	publish(t, storage.NewFormService(e.db), "testdata/hostile/form.json")
	return e, filepath.Dir(e.db.Path())
}

// TestHostileInputs sends each hostile request and checks its status, that
// nothing answers 500, and that no submission, outbox row or file appears.
func TestHostileInputs(t *testing.T) {
	e, dir := hostileEnv(t)
	cases := hostileCases(t)
	if len(cases) < 40 {
		t.Fatalf("only %d hostile cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ct, body := tc.contentType, io.Reader(nil)
			if tc.body != nil {
				body = tc.body()
			}
			if tc.multipart != nil {
				ct, body = tc.multipart()
			}
			req, _ := http.NewRequest(tc.method, e.srv.URL+tc.path, body)
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			r := e.do(req)
			if r.Status >= 500 || r.Status != tc.status {
				t.Errorf("status = %d, want %d: %.300s", r.Status, tc.status, r.Body)
			}
			assertNoSideEffects(t, e, dir)
		})
	}
}

// assertNoSideEffects fails if a submission, an outbox message or a file
// beside the database exists.
func assertNoSideEffects(t *testing.T, e *env, dir string) {
	t.Helper()
	ctx := context.Background()
	if n, err := storage.NewSubmissionService(e.db).CountSubmissions(ctx); err != nil || n != 0 {
		t.Errorf("submissions stored: %d (%v)", n, err)
	}
	if msgs, err := storage.NewOutboxService(e.db).ListOutbox(ctx, modulario.OutboxFilter{Limit: 10}); err != nil || len(msgs) != 0 {
		t.Errorf("outbox messages queued: %d (%v)", len(msgs), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files beside the database: %d entries", len(entries))
	}
}

// xssPayloads are script injections for every text field kind.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`javascript:alert(1)`,
	`<svg/onload=alert(1)>`,
	`=HYPERLINK("http://evil.example","x")`, // CSV formula: exports come later
}

// TestHostileAnswersRenderedEscaped stores payloads in a short text, a long
// text and an array item, then checks the receipt and tracking pages show
// them as text, never as markup.
func TestHostileAnswersRenderedEscaped(t *testing.T) {
	e, _ := hostileEnv(t)
	for _, p := range xssPayloads {
		doc := `{"nome":` + strconvQuote(p) + `,"note":` + strconvQuote(p) + `,"elenco":[` + strconvQuote(p[:min(len(p), 50)]) + `],` +
			`"email":"anna@example.it","cf":"RSSMRA85T10A562S"}`
		r := e.post(hostileAPI, "application/json", strings.NewReader(doc)).expect(t, http.StatusCreated)
		track := r.Body[strings.Index(r.Body, "/pratiche/"):]
		track = track[:strings.Index(track, `"`)]
		for _, page := range []string{track, track + "/ricevuta"} {
			body := e.get(page).expect(t, http.StatusOK).Body
			for _, raw := range []string{"<script>alert", "<img src=x", "<svg/onload"} {
				if strings.Contains(body, raw) {
					t.Errorf("%s renders %q unescaped", page, raw)
				}
			}
			if strings.Contains(body, `href="javascript:`) {
				t.Errorf("%s has a javascript: link", page)
			}
		}
	}
}

// strconvQuote quotes s as a JSON string.
func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestReplayedDraftCreatesOneSubmission posts the final step of a web
// draft twice: the second post creates nothing new.
func TestReplayedDraftCreatesOneSubmission(t *testing.T) {
	e, _ := hostileEnv(t)
	step := e.postForm("/servizi/ostile/privacy", url.Values{"consenso": {"1"}}).
		redirectsTo(t, `^/servizi/ostile/[^/]+/passo/1$`)
	b := base(step)
	e.postForm(step, url.Values{"/nome": {"Anna"}, "/email": {"anna@example.it"}, "/cf": {"RSSMRA85T10A562S"}}).
		redirectsTo(t, `/riepilogo$`)
	first := e.postForm(b+"/invia", url.Values{}).redirectsTo(t, `^/pratiche/`)
	again := e.postForm(b+"/invia", url.Values{})
	if again.Status >= 500 || (again.Status == http.StatusSeeOther && again.Location != first) {
		t.Errorf("replayed final post: status %d location %q, first receipt %q", again.Status, again.Location, first)
	}
	e.postForm(step, url.Values{"/nome": {"Bea"}}).expect(t, http.StatusGone)
	ctx := context.Background()
	if n, _ := storage.NewSubmissionService(e.db).CountSubmissions(ctx); n != 1 {
		t.Errorf("submissions after a replay: %d, want 1", n)
	}
	if msgs, _ := storage.NewOutboxService(e.db).ListOutbox(ctx, modulario.OutboxFilter{Limit: 10}); len(msgs) != 2 {
		t.Errorf("outbox messages after a replay: %d, want 2", len(msgs))
	}
}
