package renderer_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
)

// env is a running citizen side over a real bbolt store.
type env struct {
	t      *testing.T
	srv    *httptest.Server
	db     *storage.DB
	client *http.Client
}

// newEnv starts the renderer with the testdata form published.
func newEnv(t *testing.T, mutate ...func(*renderer.Config)) *env {
	t.Helper()
	return newEnvDB(t, func(_ *storage.DB, cfg *renderer.Config) {
		for _, m := range mutate {
			m(cfg)
		}
	})
}

// newEnvDB is newEnv for configs that need the store itself.
func newEnvDB(t *testing.T, mutate func(*storage.DB, *renderer.Config)) *env {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "test.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	forms := storage.NewFormService(db)
	publish(t, forms, "testdata/form.json")
	cfg := renderer.Config{
		Forms:       forms,
		Drafts:      storage.NewDraftService(db),
		Submissions: storage.NewSubmissionService(db),
		Attachments: storage.NewAttachmentService(db),
		Ratings:     storage.NewRatingService(db),
		BaseURL:     "https://moduli.comune.example",
		SiteName:    "Comune di Esempio",
		DraftTTL:    24 * time.Hour,
	}
	mutate(db, &cfg)
	s, err := renderer.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	return &env{t: t, srv: srv, db: db, client: client}
}

// publish imports a definition file and publishes it.
func publish(t testing.TB, forms *storage.FormService, path string) {
	t.Helper()
	def, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var meta modulario.Form
	if err := json.Unmarshal(def, &meta); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, _, err := forms.SaveDraft(ctx, meta, def); err != nil {
		t.Fatal(err)
	}
	if _, err := forms.PublishDraft(ctx, meta.Slug); err != nil {
		t.Fatal(err)
	}
}

// response is a read response.
type response struct {
	Status   int
	Header   http.Header
	Body     string
	Location string
}

func (e *env) do(req *http.Request) *response {
	e.t.Helper()
	res, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &response{Status: res.StatusCode, Header: res.Header, Body: string(b), Location: res.Header.Get("Location")}
}

func (e *env) get(path string) *response {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	return e.do(req)
}

func (e *env) postForm(path string, values url.Values) *response {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.do(req)
}

func (e *env) post(path, contentType string, body io.Reader) *response {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, body)
	req.Header.Set("Content-Type", contentType)
	return e.do(req)
}

// expect fails unless the response has status and contains every snippet.
func (r *response) expect(t *testing.T, status int, snippets ...string) *response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; location %q; body:\n%s", r.Status, status, r.Location, excerpt(r.Body))
	}
	for _, s := range snippets {
		if !strings.Contains(r.Body, s) {
			t.Fatalf("body lacks %q:\n%s", s, excerpt(r.Body))
		}
	}
	return r
}

// redirectsTo fails unless r is a 303 to a path matching pattern.
func (r *response) redirectsTo(t *testing.T, pattern string) string {
	t.Helper()
	if r.Status != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303; body:\n%s", r.Status, excerpt(r.Body))
	}
	if !regexp.MustCompile(pattern).MatchString(r.Location) {
		t.Fatalf("location = %q, want %s", r.Location, pattern)
	}
	return r.Location
}

func excerpt(s string) string {
	if i := strings.Index(s, `<main id="main">`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 4000 {
		s = s[:4000]
	}
	return s
}

// start consents to the privacy notice and returns the step-1 path.
func (e *env) start() string {
	e.t.Helper()
	return e.postForm("/servizi/segnalazione/privacy", url.Values{"consenso": {"1"}}).
		redirectsTo(e.t, `^/servizi/segnalazione/[^/]+/passo/1$`)
}

// base returns the draft prefix of a step path.
func base(stepPath string) string {
	return stepPath[:strings.Index(stepPath, "/passo/")]
}
