package renderer_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
	"github.com/modulario/modulario/themes"
)

// comuneSites are the embed origins of the tests.
var comuneSites = []string{"https://www.comune.example", "http://localhost:8081"}

func withEmbedOrigins(origins ...string) func(*renderer.Config) {
	return func(c *renderer.Config) { c.EmbedOrigins = origins }
}

func TestEmbedFrameAncestors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withEmbedOrigins(comuneSites...))
	r := e.get("/embed/segnalazione").expect(t, http.StatusOK,
		"<h1>Segnalazione di disservizio</h1>", `name="consenso"`,
		`action="/servizi/segnalazione/privacy?embed=1"`)
	wantCSP(t, r, embedFrameAncestors)
	// The pages of the flow in embed mode, not only the start.
	wantCSP(t, e.get("/servizi/segnalazione/privacy?embed=1"), embedFrameAncestors)
	for _, path := range []string{"/", "/servizi/segnalazione", "/servizi/segnalazione/privacy?embed=0", "/privacy", "/embed.js", "/non-esiste"} {
		wantCSP(t, e.get(path), "frame-ancestors 'none';")
	}

	// Without configured origins the page still renders (a direct visit)
	// but no site may frame it.
	off := newEnv(t)
	wantCSP(t, off.get("/embed/segnalazione").expect(t, http.StatusOK, "<h1>Segnalazione di disservizio</h1>"),
		"frame-ancestors 'none';")
}

// TestEmbedFrameAncestorsOnlyFlow: embed=1 can be added to any URL, but
// only the pages of the embedded flow may be framed. The tracking page and
// its actions (withdraw, rate from there, appointments) and the lookup stay
// unframeable, so an allowed site cannot trick a citizen into clicking them.
func TestEmbedFrameAncestorsOnlyFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withEmbedOrigins(comuneSites...))
	tracking := e.submitted()
	wantCSP(t, e.get(tracking+"/ricevuta?embed=1").expect(t, http.StatusOK), embedFrameAncestors)
	for _, path := range []string{tracking, tracking + "/annulla", "/pratiche/cerca",
		tracking + "/appuntamenti/1/annulla", tracking + "/appuntamenti/1/sposta"} {
		wantCSP(t, e.get(path+"?embed=1"), "frame-ancestors 'none';")
	}
	for _, path := range []string{tracking + "/annulla", tracking + "/integrazione", "/pratiche/cerca"} {
		wantCSP(t, e.postForm(path+"?embed=1", url.Values{}), "frame-ancestors 'none';")
	}
	// The embed layout itself is harmless there: only the framing is refused.
	e.get(tracking+"?embed=1").expect(t, http.StatusOK, `<main id="main">`)
}

// embedFrameAncestors is the frame-ancestors directive of the flow pages
// with comuneSites configured.
const embedFrameAncestors = "frame-ancestors https://www.comune.example http://localhost:8081;"

func wantCSP(t *testing.T, r *response, want string) {
	t.Helper()
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, want) || strings.Count(csp, "frame-ancestors") != 1 {
		t.Fatalf("Content-Security-Policy = %q, want it to contain %q", csp, want)
	}
}

func TestEmbedOriginsValidated(t *testing.T) {
	t.Parallel()
	for _, o := range []string{"www.comune.example", "ftp://comune.example", "https://comune.example/servizi",
		"https://comune.example?x=1", "https://a.example 'unsafe-inline'", "https://*.comune.example", "https://u@comune.example"} {
		if err := renderer.CheckEmbedOrigin(o); err == nil {
			t.Errorf("CheckEmbedOrigin(%q) accepted it", o)
		}
	}
	for _, o := range []string{"https://www.comune.example", "http://localhost:8081", "https://www.comune.example/"} {
		if err := renderer.CheckEmbedOrigin(o); err != nil {
			t.Errorf("CheckEmbedOrigin(%q) = %v", o, err)
		}
	}
	db, err := storage.Open(filepath.Join(t.TempDir(), "test.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = renderer.New(renderer.Config{Forms: storage.NewFormService(db), Drafts: storage.NewDraftService(db),
		Submissions: storage.NewSubmissionService(db), Attachments: storage.NewAttachmentService(db),
		EmbedOrigins: []string{"https://www.comune.example", "https://x.example; script-src *"}})
	if err == nil || !strings.Contains(err.Error(), "script-src") {
		t.Fatalf("New with a bad embed origin: err = %v", err)
	}
}

func TestEmbedLayout(t *testing.T) {
	t.Parallel()
	e := newEnvDB(t, func(db *storage.DB, c *renderer.Config) {
		c.EmbedOrigins = comuneSites
		def, err := os.ReadFile("testdata/form.json")
		if err != nil {
			t.Fatal(err)
		}
		def = bytes.Replace(def, []byte(`"slug": "segnalazione"`), []byte(`"slug": "garante"`), 1)
		def = bytes.Replace(def, []byte(`"privacy": "Il Comune`), []byte(`"privacy": "Reclami al [Garante](https://www.garanteprivacy.it). Il Comune`), 1)
		path := filepath.Join(t.TempDir(), "garante.json")
		if err := os.WriteFile(path, def, 0o600); err != nil {
			t.Fatal(err)
		}
		publish(t, storage.NewFormService(db), path)
	})
	r := e.get("/embed/segnalazione?lang=en").expect(t, http.StatusOK, `<html lang="en">`, `<main id="main">`,
		`href="#main"`, `action="/servizi/segnalazione/privacy?lang=en&amp;embed=1"`, "js/embed-frame.js",
		// Full width with a small side padding: the form lines up with
		// the host page's text instead of a centred fixed-width column,
		// and the focus ring of a full-width field stays inside the frame.
		`<main id="main">
<div class="container-fluid px-2 py-3">`)
	for _, chrome := range []string{"<header", "<footer", `class="breadcrumb`, "modulario-lang"} {
		if strings.Contains(r.Body, chrome) {
			t.Errorf("embed page has %q", chrome)
		}
	}
	// Links written in Markdown by staff open a new window in embed mode.
	checkEmbedLinks(t, e, e.get("/embed/garante").expect(t, http.StatusOK,
		`<a href="https://www.garanteprivacy.it" target="_blank" rel="noopener">Garante<span class="visually-hidden"> (si apre in una nuova finestra)</span></a>`).Body)
	if r := e.get("/servizi/garante/privacy"); strings.Contains(r.Body, "nuova finestra") {
		t.Error("outside embed mode a Markdown link is marked as opening a new window")
	}
	// The same page outside embed mode keeps the site's chrome and no
	// frame script.
	r = e.get("/servizi/segnalazione/privacy").expect(t, http.StatusOK, "<header", "<footer", `class="breadcrumb`,
		`<div class="container my-4">`)
	if strings.Contains(r.Body, "embed-frame") || strings.Contains(r.Body, "embed=1") {
		t.Error("page outside embed mode loads the frame script or links in embed mode")
	}
}

// TestEmbedFlowStaysEmbedded walks privacy → step (with errors) → saved →
// review → receipt → rating inside embed mode and checks every link and form
// of every page: inside the flow they carry embed=1, leaving it they open a
// new window and say so.
func TestEmbedFlowStaysEmbedded(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withEmbedOrigins(comuneSites...))
	// Every page of the flow may be framed by the comune's sites.
	page := func(r *response) *response {
		t.Helper()
		checkEmbedLinks(t, e, r.Body)
		wantCSP(t, r, embedFrameAncestors)
		return r
	}

	start := page(e.get("/embed/segnalazione").expect(t, http.StatusOK))
	action := formAction(t, start.Body)
	page(e.postForm(action, url.Values{}).expect(t, http.StatusUnprocessableEntity, "Per continuare"))
	step1 := e.postForm(action, url.Values{"consenso": {"1"}}).
		redirectsTo(t, `^/servizi/segnalazione/[^/]+/passo/1\?embed=1$`)
	b := base(step1)
	r := page(e.get(step1).expect(t, http.StatusOK, `<h2>Il problema</h2>`))
	if formAction(t, r.Body) != step1 {
		t.Fatalf("step form posts to %q, want %q", formAction(t, r.Body), step1)
	}
	page(e.postForm(step1, url.Values{"_action": {"next"}}).expect(t, http.StatusUnprocessableEntity))
	page(e.get(b+"/privacy?embed=1").expect(t, http.StatusOK, `href="`+step1+`"`))

	saved := page(e.postForm(step1, url.Values{"/descrizione": {"Bozza"}, "_action": {"save"}}).expect(t, http.StatusOK))
	if !strings.Contains(saved.Body, `href="https://moduli.comune.example`+b+`/passo/1"`) ||
		!strings.Contains(saved.Body, `href="`+b+`/passo/1?embed=1"`) {
		t.Fatalf("saved page: want a top-level resume link and an embedded continue button:\n%s", excerpt(saved.Body))
	}

	e.postForm(step1, url.Values{"/tipo": {"strade"}, "/descrizione": {"Una buca in via Roma"},
		"/data": {"2026-03-01"}, "_action": {"next"}}).redirectsTo(t, `/passo/3\?embed=1$`)
	e.postForm(b+"/passo/3?embed=1", url.Values{"/nome": {"Mario"}, "/email": {"mario@example.it"}}).
		redirectsTo(t, `/riepilogo\?embed=1$`)
	page(e.get(b+"/riepilogo?embed=1").expect(t, http.StatusOK, "Conferma e invia", `action="`+b+`/invia?embed=1"`))
	receipt := e.postForm(b+"/invia?embed=1", nil).redirectsTo(t, `^/pratiche/[^/]+/ricevuta\?embed=1$`)
	r = page(e.get(receipt).expect(t, http.StatusOK, "Richiesta inviata", "(si apre in una nuova finestra)"))
	tracking := strings.TrimSuffix(receipt, "/ricevuta?embed=1")
	if !strings.Contains(r.Body, `href="https://moduli.comune.example`+tracking+`" class="modulario-tracking" target="_blank" rel="noopener"`) {
		t.Fatalf("receipt: the tracking link must open top-level in a new window:\n%s", excerpt(r.Body))
	}
	page(e.postForm(formAction(t, r.Body), url.Values{}).expect(t, http.StatusUnprocessableEntity))
	page(e.get("/embed/non-esiste?lang=en").expect(t, http.StatusNotFound, "(opens in a new window)"))
}

// formAction returns the action of the last POST form of body.
func formAction(t *testing.T, body string) string {
	t.Helper()
	action := ""
	walkHTML(t, body, func(n *html.Node) {
		if n.Data == "form" && strings.EqualFold(nodeAttr(n, "method"), "post") {
			action = nodeAttr(n, "action")
		}
	})
	if action == "" {
		t.Fatal("page has no POST form")
	}
	return action
}

// checkEmbedLinks fails unless every link and form of an embed page that
// points into Modulario keeps embed mode or opens a new window, announced.
func checkEmbedLinks(t *testing.T, e *env, body string) {
	t.Helper()
	// Every web link: to Modulario or to another site.
	own := func(ref string) bool {
		return strings.HasPrefix(ref, "/") && !strings.HasPrefix(ref, "/static/") ||
			strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://")
	}
	checked := 0
	walkHTML(t, body, func(n *html.Node) {
		switch {
		case n.Data == "a" && own(nodeAttr(n, "href")) && !nodeHasAttr(n, "download"):
			checked++
			href := nodeAttr(n, "href")
			if nodeAttr(n, "target") == "_blank" {
				if nodeAttr(n, "rel") != "noopener" || !strings.Contains(nodeText(n), "nuova finestra") && !strings.Contains(nodeText(n), "new window") {
					t.Errorf("link %q opens a new window without rel=noopener and a note", href)
				}
				if strings.Contains(href, "embed=1") {
					t.Errorf("link %q leaves the flow but keeps embed mode", href)
				}
			} else if !strings.Contains(href, "embed=1") {
				t.Errorf("link %q leaves embed mode in the same frame", href)
			}
		case n.Data == "form":
			checked++
			if a := nodeAttr(n, "action"); !strings.Contains(a, "embed=1") {
				t.Errorf("form action %q leaves embed mode", a)
			}
		case n.Data == "header" || n.Data == "footer":
			t.Errorf("embed page has a <%s>", n.Data)
		}
	})
	if checked == 0 {
		t.Errorf("no link or form checked on:\n%s", excerpt(body))
	}
}

func walkHTML(t *testing.T, body string, visit func(*html.Node)) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.ElementNode {
			visit(n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(doc)
}

func nodeAttr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func nodeHasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}

func TestEmbedScript(t *testing.T) {
	t.Parallel()
	assets, err := themes.LoadAssets()
	if err != nil {
		t.Skipf("assets not built: %v", err)
	}
	e := newEnv(t, func(c *renderer.Config) { c.Assets = assets })
	r := e.get("/embed.js").expect(t, http.StatusOK, "data-modulario-fallback", "modulario:resize",
		"event.origin !== f.origin", "event.source !== f.iframe.contentWindow", "data-parametri")
	for name, want := range map[string]string{
		"Content-Type":                 "text/javascript; charset=utf-8",
		"Cache-Control":                "public, max-age=300",
		"Cross-Origin-Resource-Policy": "cross-origin",
		"X-Content-Type-Options":       "nosniff",
	} {
		if got := r.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	// Compressed too, with the same headers, and revalidated by ETag.
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/embed.js", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	gz := e.do(req)
	if gz.Header.Get("Content-Encoding") != "gzip" || gz.Header.Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("gzip response headers: %v", gz.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader([]byte(gz.Body)))
	if err != nil {
		t.Fatal(err)
	}
	if plain, _ := io.ReadAll(zr); string(plain) != r.Body {
		t.Fatal("gzip body differs from the plain one")
	}
	req, _ = http.NewRequest(http.MethodGet, e.srv.URL+"/embed.js", nil)
	req.Header.Set("If-None-Match", r.Header.Get("ETag"))
	if nm := e.do(req); nm.Status != http.StatusNotModified || nm.Header.Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("revalidation: status %d, Cache-Control %q", nm.Status, nm.Header.Get("Cache-Control"))
	}
	// The frame script is a hashed asset loaded by embed pages only.
	page := e.get("/embed/segnalazione").expect(t, http.StatusOK, `<script src="/static/js/embed-frame.`)
	if strings.Contains(page.Body, "/static/missing/") {
		t.Fatal("embed page refers to a missing asset")
	}
	e.get(assets.URL("js/embed-frame.js")).expect(t, http.StatusOK, "window.parent === window",
		"modulario:navigated", "ResizeObserver")

	// Without assets there is nothing to serve.
	newEnv(t).get("/embed.js").expect(t, http.StatusNotFound)
}
