package renderer_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/themes"
)

func TestInvalidStepKeepsValues(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	step1 := e.start()
	r := e.postForm(step1, url.Values{"/tipo": {"strade"}, "/descrizione": {"corta"}, "/data": {"ieri"}})
	r.expect(t, http.StatusUnprocessableEntity, `class="alert alert-danger" role="alert"`, "Ci sono 2 errori",
		`href="#f-descrizione"`, `aria-invalid="true"`, `aria-describedby="f-descrizione-help f-descrizione-error"`,
		`id="f-descrizione-error"`, ">corta</textarea>", `value="ieri"`, `value="strade" checked`, "<title>Errori (2): ")
	// The draft did not advance: step 3 sends back to step 1.
	e.get(base(step1)+"/passo/3").redirectsTo(t, `/passo/1$`)
	e.get(base(step1)+"/riepilogo").redirectsTo(t, `/passo/1$`)
}

func TestPrivacyConsentRequired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.postForm("/servizi/segnalazione/privacy", nil).expect(t, http.StatusUnprocessableEntity,
		"C&#39;è 1 errore", `aria-invalid="true"`, `href="#consenso"`)
	e.get("/servizi/sconosciuto").expect(t, http.StatusNotFound, "Pagina non trovata")
}

// fillAll completes every step choosing tipo and returns the draft prefix.
func fillAll(t *testing.T, e *env, tipo string, extra url.Values) string {
	step1 := e.start()
	v := url.Values{"/tipo": {tipo}, "/descrizione": {"Una descrizione abbastanza lunga"}}
	for k, x := range extra {
		v[k] = x
	}
	e.postForm(step1, v)
	b := base(step1)
	if tipo == "perdita" {
		e.postForm(b+"/passo/2", url.Values{"/contatore": {"C-123"}}).redirectsTo(t, `/passo/3$`)
	}
	e.postForm(b+"/passo/3", url.Values{"/nome": {"Anna"}, "/email": {"anna@example.it"}}).redirectsTo(t, `/riepilogo$`)
	return b
}

func TestConditionalBranchBothWays(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := fillAll(t, e, "perdita", nil)
	e.get(b+"/riepilogo").expect(t, http.StatusOK, "Numero del contatore", "C-123", "La perdita")
	// Back and edit: switching to "strade" hides step 2 and drops its answer.
	e.get(b+"/passo/1").expect(t, http.StatusOK, `value="perdita" checked`, "Una descrizione abbastanza lunga")
	e.postForm(b+"/passo/1", url.Values{"/tipo": {"strade"}, "/descrizione": {"Una descrizione abbastanza lunga"}}).
		redirectsTo(t, `/passo/3$`)
	r := e.get(b+"/riepilogo").expect(t, http.StatusOK, "Buche e strade dissestate")
	if strings.Contains(r.Body, "C-123") || strings.Contains(r.Body, "La perdita") {
		t.Fatal("stale hidden answer still on the review")
	}
	// Step 2 is skipped going back too.
	e.postForm(b+"/passo/3", url.Values{"_action": {"back"}, "/nome": {"Anna"}, "/email": {"anna@example.it"}}).
		redirectsTo(t, `/passo/1$`)
	e.get(b+"/passo/2").redirectsTo(t, `/passo/3$`)
	// And the other way: "perdita" brings step 2 back and requires it.
	e.postForm(b+"/passo/1", url.Values{"/tipo": {"perdita"}, "/descrizione": {"Una descrizione abbastanza lunga"}}).
		redirectsTo(t, `/passo/2$`)
	e.postForm(b+"/invia", nil).redirectsTo(t, `/passo/2\?verifica=1$`)
	e.get(b+"/passo/2?verifica=1").expect(t, http.StatusUnprocessableEntity, "C&#39;è 1 errore", "Numero del contatore")
	e.postForm(b+"/passo/2", url.Values{"/contatore": {"C-9"}}).redirectsTo(t, `/passo/3$`)
	e.postForm(b+"/invia", nil).redirectsTo(t, `^/pratiche/[^/]+/ricevuta$`)
}

func TestRepeatAddRemoveWithoutJS(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := fillAll(t, e, "strade", nil)
	step3 := b + "/passo/3"
	e.get(step3).expect(t, http.StatusOK, `value="add:/testimoni"`, "Nessun elemento inserito.")
	e.postForm(step3, url.Values{"/nome": {"Anna"}, "_action": {"add:/testimoni"}}).
		redirectsTo(t, `/passo/3#f-testimoni$`)
	e.postForm(step3, url.Values{"/nome": {"Anna"}, "/testimoni/0/nome": {"Luca"}, "_action": {"add:/testimoni"}})
	r := e.get(step3).expect(t, http.StatusOK, `name="/testimoni/1/nome"`, `value="Luca"`,
		`value="remove:/testimoni/0"`, `value="remove:/testimoni/1"`, `value="Anna"`)
	_ = r
	// An empty second witness is an error (nome required inside items).
	e.postForm(step3, url.Values{"/nome": {"Anna"}, "/email": {"anna@example.it"}, "/testimoni/0/nome": {"Luca"}}).
		expect(t, http.StatusUnprocessableEntity, `href="#f-testimoni-1-nome"`)
	e.postForm(step3, url.Values{"/nome": {"Anna"}, "/email": {"anna@example.it"}, "/testimoni/0/nome": {"Luca"},
		"_action": {"remove:/testimoni/1"}}).redirectsTo(t, `/passo/3#f-testimoni$`)
	r = e.get(step3)
	if strings.Contains(r.Body, `/testimoni/1/nome`) {
		t.Fatal("removed item still rendered")
	}
	e.postForm(step3, url.Values{"/nome": {"Anna"}, "/email": {"anna@example.it"}, "/testimoni/0/nome": {"Luca"}}).
		redirectsTo(t, `/riepilogo$`)
	e.get(b+"/riepilogo").expect(t, http.StatusOK, "Testimoni 1", "Luca")
}

// jpeg is the start of a real JPEG file (SOI + APP0 JFIF header).
var jpeg = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01}, make([]byte, 64)...)

func multipartBody(t *testing.T, fields map[string]string, fileField, fileName string, content []byte) (string, *bytes.Buffer) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if fileField != "" {
		fw, err := w.CreateFormFile(fileField, fileName)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	_ = w.Close()
	return w.FormDataContentType(), &buf
}

func TestUpload(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	step1 := e.start()
	fields := map[string]string{"/tipo": "strade", "/descrizione": "Una descrizione abbastanza lunga"}
	ct, body := multipartBody(t, fields, "/foto", "foto.jpg", []byte("<html><body><?php system($_GET['c']); ?></body></html>"))
	e.post(step1, ct, body).expect(t, http.StatusUnprocessableEntity, "non è di un tipo ammesso", "JPEG, PNG", `href="#f-foto"`)

	ct, body = multipartBody(t, fields, "/foto", "foto.jpg", jpeg)
	e.post(step1, ct, body).redirectsTo(t, `/passo/3$`)
	b := base(step1)
	// Back on step 1 the file is shown with a remove button, and kept when
	// the step is posted again without a file.
	e.get(step1).expect(t, http.StatusOK, "foto.jpg", `value="removefile:/foto"`)
	ct, body = multipartBody(t, fields, "", "", nil)
	e.post(step1, ct, body).redirectsTo(t, `/passo/3$`)
	e.postForm(b+"/passo/3", url.Values{"/nome": {"Anna"}, "/email": {"anna@example.it"}}).redirectsTo(t, `/riepilogo$`)
	e.get(b+"/riepilogo").expect(t, http.StatusOK, "foto.jpg")
	receipt := e.postForm(b+"/invia", nil).redirectsTo(t, `/ricevuta$`)
	e.get(strings.TrimSuffix(receipt, "/ricevuta")).expect(t, http.StatusOK, "foto.jpg")

	// Removing a file.
	step1 = e.start()
	ct, body = multipartBody(t, fields, "/foto", "foto.jpg", jpeg)
	e.post(step1, ct, body)
	e.postForm(step1, url.Values{"_action": {"removefile:/foto"}}).redirectsTo(t, `/passo/1#f-foto$`)
	if r := e.get(step1); strings.Contains(r.Body, "removefile:/foto") {
		t.Fatal("file still shown after removal")
	}
}

func TestSaveAndResume(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	step1 := e.start()
	r := e.postForm(step1, url.Values{"/descrizione": {"Bozza"}, "_action": {"save"}})
	r.expect(t, http.StatusOK, "Richiesta salvata", "https://moduli.comune.example"+step1, "valido fino al")
	e.get(step1).expect(t, http.StatusOK, ">Bozza</textarea>")
}

func TestEnglish(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.get("/?lang=en").expect(t, http.StatusOK, `<html lang="en">`, "Services", `href="/servizi/segnalazione?lang=en"`)
	step1 := e.postForm("/servizi/segnalazione/privacy?lang=en", url.Values{"consenso": {"1"}}).
		redirectsTo(t, `/passo/1\?lang=en$`)
	e.postForm(step1, url.Values{"/tipo": {"strade"}}).expect(t, http.StatusUnprocessableEntity,
		"There is 1 error", "Fields marked with an asterisk are required", `/passo/1?lang=en"`)
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	e.do(req).expect(t, http.StatusOK, `<html lang="en">`)
	e.get("/").expect(t, http.StatusOK, `<html lang="it">`, "Vai al contenuto")
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{"/", "/healthz", "/servizi/nessuno", "/privacy", "/accessibilita", "/note-legali"} {
		r := e.get(path)
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") ||
			!strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP = %q", path, csp)
		}
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff",
			"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s: %s = %q, want %q", path, h, got, want)
			}
		}
		if r.Header.Get("Permissions-Policy") == "" {
			t.Errorf("%s: no Permissions-Policy", path)
		}
		if strings.Contains(r.Body, "<script>") || strings.Contains(r.Body, "style=") {
			t.Errorf("%s: inline script or style", path)
		}
	}
	e.get("/healthz").expect(t, http.StatusOK, "ok")
	e.get("/accessibilita").expect(t, http.StatusOK, "Dichiarazione di accessibilità", `data-element="accessibility-link"`,
		`data-element="privacy-policy-link"`)
}

func TestAssetsAndErrorPages(t *testing.T) {
	t.Parallel()
	assets, err := themes.LoadAssets()
	if err != nil {
		t.Skipf("assets not built: %v", err)
	}
	e := newEnv(t, func(c *renderer.Config) { c.Assets = assets })
	r := e.get("/").expect(t, http.StatusOK, `<script src="/static/js/modulario.`, `defer`)
	if strings.Contains(r.Body, "/static/missing/") {
		t.Fatalf("page refers to a missing asset:\n%s", r.Body[:min(len(r.Body), 2000)])
	}
	e.get("/non-esiste").expect(t, http.StatusNotFound, "Pagina non trovata", `<html lang="it">`)
	e.postForm("/", nil).expect(t, http.StatusMethodNotAllowed, "Operazione non consentita")
}
