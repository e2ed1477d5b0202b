package renderer_test

import (
	"bytes"
	"context"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
)

// startForm publishes a testdata form on e and consents to its notice.
func (e *env) startForm(slug string) string {
	e.t.Helper()
	publish(e.t, storage.NewFormService(e.db), "testdata/"+slug+".json")
	return e.postForm("/servizi/"+slug+"/privacy", url.Values{"consenso": {"1"}}).
		redirectsTo(e.t, `^/servizi/`+slug+`/[^/]+/passo/1$`)
}

// Not parallel: it points TMPDIR at a directory of its own.
func TestMultipartTempFilesRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	e := newEnv(t)
	step1 := e.start()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("/tipo", "strade")
	fw, _ := w.CreateFormFile("/foto", "grande.png")
	_, _ = fw.Write(bytes.Repeat([]byte{0x89}, 9<<20)) // past the 8 MB kept in memory
	_ = w.Close()
	// The English page proves the language survives the cleanup middleware.
	e.post(step1+"?lang=en", w.FormDataContentType(), &body).expect(t, http.StatusUnprocessableEntity, "There")
	left, _ := filepath.Glob(filepath.Join(tmp, "multipart-*"))
	if len(left) > 0 {
		t.Fatalf("temporary upload files left behind: %v", left)
	}
}

func TestRootLevelErrorShownOnLastStep(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	step1 := e.startForm("contatti")
	b := base(step1)
	e.postForm(step1, nil).redirectsTo(t, `/passo/2$`)
	// The last step shows the rule of no field as plain text.
	r := e.postForm(b+"/passo/2", url.Values{"/nota": {"ciao"}}).expect(t, http.StatusUnprocessableEntity, `id="errori"`)
	noLink := regexp.MustCompile(`(?s)id="errori".*?<ul>\s*<li>[^<]+</li>\s*</ul>`)
	if !noLink.MatchString(r.Body) {
		t.Fatalf("error summary lacks a plain-text entry:\n%s", excerpt(r.Body))
	}
	// Reach the review, then clear the contact on step 1: the final post
	// leads to the last step, which shows why.
	e.postForm(step1, url.Values{"/email": {"a@example.it"}}).redirectsTo(t, `/passo/2$`)
	e.postForm(b+"/passo/2", url.Values{"/nota": {"ciao"}}).redirectsTo(t, `/riepilogo$`)
	e.postForm(step1, url.Values{"/email": {""}, "/telefono": {""}}).redirectsTo(t, `/passo/2$`)
	to := e.postForm(b+"/invia", nil).redirectsTo(t, `/passo/2\?verifica=1$`)
	if r := e.get(to).expect(t, http.StatusUnprocessableEntity, `id="errori"`); !noLink.MatchString(r.Body) {
		t.Fatalf("verifica page lacks the error:\n%s", excerpt(r.Body))
	}
}

// follow walks redirects by hand and fails after a few hops.
func (e *env) follow(path string) (string, *response) {
	e.t.Helper()
	for range 5 {
		r := e.get(path)
		if r.Status != http.StatusSeeOther {
			return path, r
		}
		path = r.Location
	}
	e.t.Fatalf("redirect loop through %s", path)
	return "", nil
}

func TestHiddenStepDoesNotLoop(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	step1 := e.startForm("tipo")
	b := base(step1)
	e.postForm(step1, url.Values{"/tipo": {"a"}, "/nome": {"Anna"}}).redirectsTo(t, `/passo/2$`)
	// Switching to "b" hides step 2, the furthest reached; the 422 saves it.
	e.postForm(step1, url.Values{"/tipo": {"b"}, "/nome": {""}}).expect(t, http.StatusUnprocessableEntity)
	for _, p := range []string{"/passo/2", "/passo/3", "/riepilogo"} {
		if at, r := e.follow(b + p); !strings.HasSuffix(at, "/passo/1") || r.Status != http.StatusOK {
			t.Fatalf("%s ended at %s with %d", p, at, r.Status)
		}
	}
	// With step 1 complete the citizen moves on past the hidden step.
	e.postForm(step1, url.Values{"/tipo": {"b"}, "/nome": {"Anna"}}).redirectsTo(t, `/passo/3$`)
	if at, _ := e.follow(b + "/passo/2"); !strings.HasSuffix(at, "/passo/3") {
		t.Fatalf("hidden step 2 ended at %s", at)
	}
}

func TestDoubleSubmitShowsSameReceipt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := fillAll(t, e, "strade", nil)
	locs := make([]string, 5)
	var wg sync.WaitGroup
	for i := range locs {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+b+"/invia", nil)
			if res, err := e.client.Do(req); err == nil {
				res.Body.Close()
				locs[i] = res.Header.Get("Location")
			}
		})
	}
	wg.Wait()
	for _, l := range locs {
		if !strings.HasSuffix(l, "/ricevuta") || l != locs[0] {
			t.Fatalf("concurrent final posts went to %q", locs)
		}
	}
}

func TestForgedActionsChangeNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := fillAll(t, e, "strade", nil)
	step3 := b + "/passo/3"
	person := url.Values{"/nome": {"Anna"}, "/email": {"anna@example.it"}}
	for i := 0; i < 5; i++ {
		e.postForm(step3, with(person, "_action", "add:/testimoni")).redirectsTo(t, `/passo/3#`)
	}
	for _, action := range []string{"add:/../x", "remove:/tipo", "remove:/testimoni", "removefile:/nome",
		"add:/testimoni/0", "remove:/testimoni/99", "boh", "add:/descrizione"} {
		e.postForm(step3, with(person, "_action", action)).redirectsTo(t, `/passo/3$`)
	}
	r := e.get(step3).expect(t, http.StatusOK, "Anna", `id="f-testimoni-2-nome"`)
	if strings.Contains(r.Body, `id="f-testimoni-3-nome"`) {
		t.Fatal("add ignored maxItems 3")
	}
	e.get(b+"/passo/1").expect(t, http.StatusOK, `value="strade" checked`)
	e.get(b+"/riepilogo").expect(t, http.StatusOK, "Buche e strade dissestate")
}

func with(v url.Values, k, x string) url.Values {
	out := url.Values{k: {x}}
	for key, vals := range v {
		out[key] = vals
	}
	return out
}

func TestBackFromFirstStepKeepsDraft(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	step1 := e.start()
	b := base(step1)
	e.postForm(step1, url.Values{"/descrizione": {"Testo conservato"}, "_action": {"back"}}).
		redirectsTo(t, `^`+regexp.QuoteMeta(b)+`/privacy$`)
	e.get(b+"/privacy").expect(t, http.StatusOK, "Hai già dichiarato", `checked disabled`, `href="`+step1+`"`)
	e.get(step1).expect(t, http.StatusOK, "Testo conservato")
	e.get("/servizi/segnalazione/sconosciuto/privacy").expect(t, http.StatusGone)
}

func TestErrorLogsCarryNoTokenAndSkipCanceled(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	e := newEnv(t, func(c *renderer.Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	step1 := e.start()
	token := strings.Split(step1, "/")[3]
	// A client that went away is neither a 500 nor an error line.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	e.srv.Config.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, step1, nil).WithContext(ctx))
	if rec.Code == http.StatusInternalServerError || strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("canceled request: status %d, logs %s", rec.Code, logs.String())
	}
	// A real failure logs the route, not the token of the URL.
	_ = e.db.Close()
	e.get(step1).expect(t, http.StatusInternalServerError)
	out := logs.String()
	if !strings.Contains(out, "/servizi/:slug/:token/passo/:n") || strings.Contains(out, token) {
		t.Fatalf("log = %s", out)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// closableForms reports every form as archived once closed is set.
type closableForms struct {
	modulario.FormService
	mu     sync.Mutex
	closed bool
}

func (f *closableForms) FindForm(ctx context.Context, slug string) (*modulario.Form, error) {
	form, err := f.FormService.FindForm(ctx, slug)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil && f.closed {
		form.Archived = true
	}
	return form, err
}

func TestDraftOfArchivedFormIsGone(t *testing.T) {
	t.Parallel()
	forms := &closableForms{}
	e := newEnv(t, func(c *renderer.Config) { forms.FormService = c.Forms; c.Forms = forms })
	b := fillAll(t, e, "strade", nil)
	forms.mu.Lock()
	forms.closed = true
	forms.mu.Unlock()
	e.get(b+"/passo/1").expect(t, http.StatusGone, "non è più disponibile")
	e.postForm(b+"/invia", nil).expect(t, http.StatusGone, "non è più disponibile")
}

func TestHeadOnPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	step1 := e.start()
	for _, p := range []string{"/", "/servizi/segnalazione", step1} {
		req, _ := http.NewRequest(http.MethodHead, e.srv.URL+p, nil)
		if r := e.do(req); r.Status != http.StatusOK || r.Body != "" {
			t.Fatalf("HEAD %s = %d with %d bytes", p, r.Status, len(r.Body))
		}
	}
}
