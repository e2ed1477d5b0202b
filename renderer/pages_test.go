package renderer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
	"github.com/modulario/modulario/themes"
)

var previewKey = []byte("0123456789abcdef0123456789abcdef")

// site is the site services of a test env.
type site struct {
	pages    *storage.PageService
	settings *storage.SettingsService
	media    *storage.MediaService
}

// newSiteEnv is newEnv with pages, settings, media and previews wired.
func newSiteEnv(t *testing.T, mutate ...func(*renderer.Config)) (*env, *site) {
	t.Helper()
	st := &site{}
	e := newEnvDB(t, func(db *storage.DB, cfg *renderer.Config) {
		st.pages, st.settings, st.media = storage.NewPageService(db), storage.NewSettingsService(db), storage.NewMediaService(db)
		cfg.Pages, cfg.Settings, cfg.Media, cfg.PreviewKey = st.pages, st.settings, st.media, previewKey
		for _, m := range mutate {
			m(cfg)
		}
	})
	return e, st
}

func savePage(t *testing.T, pages *storage.PageService, p modulario.Page) {
	t.Helper()
	if err := pages.SavePage(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
}

func TestCatalogueGroupsAndSearch(t *testing.T) {
	t.Parallel()
	e, st := newSiteEnv(t)
	pages := st.pages
	savePage(t, pages, modulario.Page{Slug: "rifiuti", Title: "Raccolta differenziata", Published: true,
		Category: "Ambiente e territorio", Description: "Calendario del porta a porta.", Body: "Testo"})
	savePage(t, pages, modulario.Page{Slug: "anagrafe", Title: "Anagrafe", Published: true, Body: "Orari"})
	savePage(t, pages, modulario.Page{Slug: "bozza", Title: "Pagina in bozza", Body: "x"})
	r := e.get("/").expect(t, http.StatusOK, "Ambiente e territorio", `href="/servizi/segnalazione"`,
		`href="/pagine/rifiuti"`, "Calendario del porta a porta.", `href="/pagine/anagrafe"`,
		`class="chip chip-simple chip-lg" href="#categoria-1"`, `name="q"`)
	if strings.Contains(r.Body, "Pagina in bozza") {
		t.Fatal("an unpublished page is listed")
	}
	// "Altri servizi" (no category) comes after the named categories.
	if strings.Index(r.Body, "Altri servizi</h2>") < strings.Index(r.Body, "Ambiente e territorio</h2>") {
		t.Fatal("uncategorised group is not last")
	}
	r = e.get("/servizi?q=PORTA+calendario").expect(t, http.StatusOK, `href="/pagine/rifiuti"`, `value="PORTA calendario"`)
	if strings.Contains(r.Body, `href="/servizi/segnalazione"`) || strings.Contains(r.Body, `href="/pagine/anagrafe"`) {
		t.Fatal("search kept entries that do not match")
	}
	e.get("/servizi?q=disservizio").expect(t, http.StatusOK, `href="/servizi/segnalazione"`, "Risultati per «disservizio»: 1")
	e.get("/servizi?q=%3Cscript%3E").expect(t, http.StatusOK, "Nessun servizio o pagina corrisponde a «&lt;script&gt;»")
}

func TestLandingPageShortcode(t *testing.T) {
	t.Parallel()
	e, st := newSiteEnv(t)
	pages := st.pages
	savePage(t, pages, modulario.Page{Slug: "strade", Title: "Strade e illuminazione", Published: true,
		Description: "Segnala un guasto.",
		Body:        "## Come fare\n\nUsa il modulo.\n\n{{< modulo \"segnalazione\" >}}\n\n{{< modulo \"inesistente\" >}}\n\n<script>alert(1)</script>"})
	savePage(t, pages, modulario.Page{Slug: "nascosta", Title: "Nascosta", Body: "x"})
	r := e.get("/pagine/strade").expect(t, http.StatusOK, "<h1>Strade e illuminazione</h1>", "<h2>Come fare</h2>",
		`class="btn btn-primary" href="/servizi/segnalazione"`, "Compila il modulo", "Segnalazione di disservizio",
		"Servizio non disponibile", "«inesistente»")
	if strings.Contains(r.Body, "<script>alert") {
		t.Fatal("raw HTML from the author reached the page")
	}
	e.get("/pagine/strade?lang=en").expect(t, http.StatusOK, `href="/servizi/segnalazione?lang=en"`, "Fill in the form")
	e.get("/pagine/nascosta").expect(t, http.StatusNotFound)
	e.get("/pagine/mai-esistita").expect(t, http.StatusNotFound)
}

// saveDraftVersion stores a changed definition of the test form as an
// unpublished draft and returns its version number.
func saveDraftVersion(t *testing.T, forms *storage.FormService, title string) int {
	t.Helper()
	def, err := os.ReadFile("testdata/form.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	_ = json.Unmarshal(def, &doc)
	doc["title"] = title
	def, _ = json.Marshal(doc)
	form, _, err := forms.SaveDraft(context.Background(), modulario.Form{Slug: "segnalazione", Title: title}, def)
	if err != nil {
		t.Fatal(err)
	}
	return form.Draft
}

func TestPreviewFlowStoresNothing(t *testing.T) {
	t.Parallel()
	e, _ := newSiteEnv(t)
	forms := storage.NewFormService(e.db)
	version := saveDraftVersion(t, forms, "Segnalazione rivista")
	token := modulario.SignPreview(previewKey, "segnalazione", version, time.Now().Add(time.Hour))
	step1 := e.get("/anteprima/"+token).redirectsTo(t, `^/servizi/segnalazione/[^/]+/passo/1$`)
	b := base(step1)
	r := e.get(step1).expect(t, http.StatusOK, "Segnalazione rivista", "modulario-preview-banner", "Anteprima.")
	if r.Header.Get("X-Robots-Tag") == "" || !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'self'") {
		t.Fatalf("preview headers: %v", r.Header)
	}
	e.postForm(step1, url.Values{"/tipo": {"strade"}, "/descrizione": {"Una buca in via Roma"}, "_action": {"next"}}).
		redirectsTo(t, `/passo/3$`)
	e.postForm(b+"/passo/3", url.Values{"/nome": {"Mario"}, "/email": {"mario@example.it"}}).
		redirectsTo(t, `/riepilogo$`)
	e.get(b+"/riepilogo").expect(t, http.StatusOK, "Segnalazione rivista", "Conferma e invia", "Anteprima.")
	e.postForm(b+"/invia", nil).expect(t, http.StatusOK,
		"Anteprima: tutte le risposte sono valide, nessuna richiesta è stata inviata")
	n, err := storage.NewSubmissionService(e.db).CountSubmissions(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("submissions = %d, %v; want none", n, err)
	}
	// The live version is untouched and ordinary pages cannot be framed.
	r = e.get("/servizi/segnalazione").expect(t, http.StatusOK, "Segnalazione di disservizio")
	if strings.Contains(r.Body, "Segnalazione rivista") || !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Fatal("the live service shows the draft or may be framed")
	}
}

func TestPreviewBadTokens(t *testing.T) {
	t.Parallel()
	e, _ := newSiteEnv(t)
	e.get("/anteprima/nonsense").expect(t, http.StatusNotFound, "Il link di anteprima non è valido.")
	forged := modulario.SignPreview([]byte("another key of thirty-two bytes!"), "segnalazione", 1, time.Now().Add(time.Hour))
	e.get("/anteprima/"+forged).expect(t, http.StatusNotFound)
	expired := modulario.SignPreview(previewKey, "segnalazione", 1, time.Now().Add(-time.Minute))
	e.get("/anteprima/"+expired).expect(t, http.StatusGone, "scaduto")
	missing := modulario.SignPreview(previewKey, "segnalazione", 9, time.Now().Add(time.Hour))
	e.get("/anteprima/"+missing).expect(t, http.StatusNotFound)
	// Without a key previews are off.
	off := newEnv(t)
	off.get("/anteprima/"+modulario.SignPreview(nil, "segnalazione", 1, time.Now().Add(time.Hour))).expect(t, http.StatusNotFound)
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSettingsOnEveryPage(t *testing.T) {
	t.Parallel()
	e, st := newSiteEnv(t)
	settings, media := st.settings, st.media
	ctx := context.Background()
	logo := &modulario.Media{Name: "stemma.png", ContentType: "image/png", Data: pngBytes(t), Alt: "Stemma"}
	if err := media.PutMedia(ctx, logo); err != nil {
		t.Fatal(err)
	}
	err := settings.SaveSettings(ctx, &modulario.Settings{
		SiteName: "Comune di Vattelapesca", Region: "Regione Esempio", LogoMedia: logo.ID,
		Contacts: "Piazza Municipio 1 — **PEC** protocollo@pec.example.it", AccessibilityURL: "https://form.agid.gov.it/view/xyz",
		PrivacyPolicy: "Titolare: il *Sindaco*.", LegalNotes: "Note del comune.",
		FooterLinks: []modulario.FooterLink{{Label: "Albo pretorio", URL: "https://albo.example.it"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/servizi/segnalazione"} {
		e.get(path).expect(t, http.StatusOK, "Comune di Vattelapesca", "Regione Esempio",
			`src="/media/`+logo.ID+`"`, "<strong>PEC</strong>", `href="https://albo.example.it">Albo pretorio`,
			`href="https://form.agid.gov.it/view/xyz" data-element="accessibility-link"`)
	}
	e.get("/privacy").expect(t, http.StatusOK, "Titolare: il <em>Sindaco</em>.")
	e.get("/note-legali").expect(t, http.StatusOK, "Note del comune.")
	r := e.get("/media/"+logo.ID).expect(t, http.StatusOK)
	if r.Header.Get("Content-Type") != "image/png" || r.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(r.Header.Get("Cache-Control"), "immutable") || r.Body != string(logo.Data) {
		t.Fatalf("logo served with %v", r.Header)
	}
	e.get("/media/sconosciuto").expect(t, http.StatusNotFound)
}

func TestRecolouredStylesheet(t *testing.T) {
	t.Parallel()
	assets, err := themes.LoadAssets()
	if err != nil {
		t.Skip("run make assets first")
	}
	var offset atomic.Int64
	e, st := newSiteEnv(t, func(cfg *renderer.Config) {
		cfg.Assets = assets
		cfg.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	stock := assets.URL("css/bootstrap-italia.min.css")
	e.get("/").expect(t, http.StatusOK, `href="`+stock+`"`)
	if err := st.settings.SaveSettings(context.Background(), &modulario.Settings{PrimaryColor: "#a31d2b"}); err != nil {
		t.Fatal(err)
	}
	// Settings are cached for a few seconds, then the new colour shows.
	e.get("/").expect(t, http.StatusOK, `href="`+stock+`"`)
	offset.Store(int64(10 * time.Second))
	r := e.get("/").expect(t, http.StatusOK)
	css := regexp.MustCompile(`href="(/static/css/bootstrap-italia\.min\.[0-9a-f]+\.css)"`).FindStringSubmatch(r.Body)
	if css == nil || css[1] == stock {
		t.Fatalf("page links %v, want a recoloured stylesheet", css)
	}
	res := e.get(css[1]).expect(t, http.StatusOK, "#a31d2b", "--bs-primary-rgb: 163, 29, 43")
	if strings.Contains(res.Body, "#06c") || strings.Contains(res.Body, "#0066cc") {
		t.Fatal("recoloured stylesheet keeps the default primary")
	}
	if !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("cache-control = %q", res.Header.Get("Cache-Control"))
	}
}
