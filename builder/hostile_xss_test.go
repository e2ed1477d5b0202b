package builder_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
)

// xssText is a hostile one-line text (titles, labels, options); xssMD a
// hostile Markdown text (descriptions, help, pages). Both carry the marker
// "ZQX" so that a test can tell the text was rendered at all.
const (
	xssText = `ZQX "><script>alert(1)</script><img src=x onerror=alert(1)>`
	xssMD   = "ZQX testo\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n" +
		"[clic](javascript:alert(1)) [due](JaVaScRiPt:alert(1)) <a href=\"javascript:alert(1)\">tre</a>\n\n" +
		"<div onclick=\"alert(1)\"><iframe src=\"javascript:alert(1)\"></iframe></div>\n\n" +
		"![x](javascript:alert(1))\n"
	xssShortcode = `{{< modulo "\"><script>alert(1)</script>" >}}`
)

// hostileDefinition is a form whose every staff-written text is hostile.
func hostileDefinition(slug string) string {
	def := map[string]any{
		"slug": slug, "title": xssText, "summary": xssText, "description": xssMD, "category": "Ostile ZQX", "office": "urp",
		"requirements": xssMD, "privacy": xssMD, "confirmation": xssMD,
		"schema": map[string]any{
			"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
			"properties": map[string]any{
				"scelta": map[string]any{"title": xssText, "type": "string",
					"oneOf": []any{map[string]any{"const": "a", "title": xssText}, map[string]any{"const": "b", "title": "Normale"}}},
				"nome": map[string]any{"title": xssText, "type": "string", "maxLength": 80},
			},
			"required": []string{"nome"},
		},
		"ui": map[string]any{
			"steps":  []any{map[string]any{"title": xssText, "intro": xssMD, "fields": []string{"scelta", "nome"}}},
			"fields": map[string]any{"scelta": map[string]any{"widget": "radio", "help": xssMD}, "nome": map[string]any{"help": xssMD, "placeholder": xssText}},
		},
	}
	b, _ := json.Marshal(def)
	return string(b)
}

// checkEscaped fails on every problem unescaped finds in page.
func checkEscaped(t *testing.T, what, page string) {
	t.Helper()
	for _, p := range unescaped(page) {
		t.Errorf("%s: %s", what, p)
	}
}

// unescaped parses page and lists every executable trace of a payload: an
// inline or foreign script, an event-handler attribute, a javascript: URL,
// a framed foreign URL.
func unescaped(page string) []string {
	var out []string
	low := strings.ToLower(page)
	// Escaped payloads show as text ("&lt;img src=x onerror=…"): only a
	// raw tag is a failure here; the parse below finds the rest.
	for _, bad := range []string{"<script>alert", "<img src=x onerror", "<div onclick", "<iframe src=\"javascript"} {
		if strings.Contains(low, bad) {
			out = append(out, fmt.Sprintf("raw %q in the page", bad))
		}
	}
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return append(out, err.Error())
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			out = append(out, checkElement(n)...)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// checkElement lists the problems of one element.
func checkElement(n *html.Node) []string {
	var out []string
	if n.Data == "iframe" || n.Data == "object" || n.Data == "embed" {
		for _, a := range n.Attr {
			if a.Key == "src" && !strings.HasPrefix(a.Val, "/") {
				out = append(out, fmt.Sprintf("<%s src=%q>", n.Data, a.Val))
			}
		}
	}
	if n.Data == "script" {
		src := ""
		for _, a := range n.Attr {
			if a.Key == "src" {
				src = a.Val
			}
		}
		if !strings.HasPrefix(src, "/static/") || (n.FirstChild != nil && strings.TrimSpace(n.FirstChild.Data) != "") {
			out = append(out, fmt.Sprintf("a script that is not a static file (src %q)", src))
		}
	}
	for _, a := range n.Attr {
		if strings.HasPrefix(a.Key, "on") {
			out = append(out, fmt.Sprintf("event handler %s=%q on <%s>", a.Key, a.Val, n.Data))
		}
		v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
		if (a.Key == "href" || a.Key == "src" || a.Key == "action" || a.Key == "formaction") &&
			(strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:text")) {
			out = append(out, fmt.Sprintf("%s=%q on <%s>", a.Key, a.Val, n.Data))
		}
	}
	return out
}

// TestHostileCheckerFinds proves the checker sees each kind of payload
// and passes escaped ones.
func TestHostileCheckerFinds(t *testing.T) {
	for _, bad := range []string{`<script>alert(1)</script>`, `<script src="https://evil.example/x.js"></script>`,
		`<img src=x onerror=alert(1)>`, `<a href=" JaVa Script:alert(1)">x</a>`, `<iframe src="https://evil.example"></iframe>`,
		`<form action="javascript:alert(1)"></form>`, `<p onmouseover="alert(1)">x</p>`} {
		if len(unescaped("<!doctype html><p>x</p>"+bad)) == 0 {
			t.Errorf("the checker misses %s", bad)
		}
	}
	ok := `<!doctype html><script src="/static/app.js"></script><p>&lt;script&gt;alert(1)&lt;/script&gt; ` +
		`&lt;img src=x onerror=alert(1)&gt; [x](javascript:alert(1))</p><iframe src="/anteprima/x"></iframe>`
	if p := unescaped(ok); len(p) != 0 {
		t.Errorf("escaped payloads flagged: %v", p)
	}
}

// citizenSite is the renderer on the builder's store.
func citizenSite(t *testing.T, e *env) *client {
	t.Helper()
	r, err := renderer.New(renderer.Config{Forms: e.Forms, Drafts: storage.NewDraftService(e.db),
		Submissions: storage.NewSubmissionService(e.db), Attachments: storage.NewAttachmentService(e.db),
		Pages: e.Pages, Settings: e.Settings, Media: e.Media, PreviewKey: []byte("preview-key"),
		BaseURL: "http://example.test", SiteName: "Comune di Prova"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	c := e.newClient()
	c.base = srv.URL
	return c
}

// storeHostileTexts saves every payload through the editor: the JSON, the
// no-code field page (label, help, options, informative text), a landing
// page with a hostile short code, and the comune settings.
func storeHostileTexts(t *testing.T, e *env, ed, admin *client) (slug, info string) {
	t.Helper()
	slug = createForm(t, ed, "Modulo ostile")
	res, body := ed.post("/admin/moduli/"+slug+"/json", url.Values{"definition": {hostileDefinition(slug)}})
	wantStatus(t, "JSON save", res, body, http.StatusSeeOther)
	res, body = ed.post("/admin/moduli/"+slug+"/pubblica", nil)
	wantStatus(t, "publish 1", res, body, http.StatusSeeOther)
	res, body = ed.post("/admin/moduli/"+slug+"/campi/nome", url.Values{"label": {xssText + " nome"}, "help": {xssMD},
		"placeholder": {xssText}, "required": {"1"}})
	wantStatus(t, "field save", res, body, http.StatusSeeOther)
	res, body = ed.post("/admin/moduli/"+slug+"/campi/scelta", url.Values{"label": {xssText + " scelta"}, "help": {xssMD},
		"opt_rows": {"2"}, "opt_value_0": {"a"}, "opt_label_0": {xssText + " a"}, "opt_value_1": {"b"}, "opt_label_1": {"Normale"}})
	wantStatus(t, "options save", res, body, http.StatusSeeOther)
	info = addField(t, ed, slug, 0, formedit.TypeInfo, "Informazioni")
	res, body = ed.post("/admin/moduli/"+slug+"/campi/"+info, url.Values{"text": {xssMD}, "label": {xssText}})
	wantStatus(t, "info save "+info, res, body, http.StatusSeeOther)
	res, body = ed.post("/admin/moduli/"+slug+"/pubblica", nil)
	wantStatus(t, "publish 2", res, body, http.StatusSeeOther)
	res, body = ed.post("/admin/pagine", url.Values{"title": {xssText}, "slug": {"ostile"}, "description": {xssText},
		"category": {xssText}, "published": {"1"}, "body": {xssMD + "\n" + xssShortcode + "\n\n{{< modulo \"" + slug + "\" >}}\n"}})
	wantStatus(t, "page save", res, body, http.StatusSeeOther)
	res, body = admin.post("/admin/impostazioni", url.Values{"site_name": {"Comune ZQX <script>alert(1)</script>"},
		"privacy_policy": {xssMD}, "contacts": {xssMD}, "legal_notes": {xssMD},
		"link_label_0": {xssText}, "link_url_0": {"https://example.it/"}})
	wantStatus(t, "settings save", res, body, http.StatusSeeOther)
	res, body = admin.post("/admin/calendari/nuovo", url.Values{"slug": {"ostile"}, "name": {xssText}, "office": {"urp"},
		"kind": {"place"}, "place": {xssText}, "address": {xssText}, "bring": {xssMD}, "video_info": {xssMD},
		"hours_1": {"09:00-12:00"}, "slot_minutes": {"30"}, "capacity": {"1"}, "notice_hours": {"0"}, "horizon_days": {"30"},
		"change_hours": {"0"}, "closures": {"2026-12-24 " + xssText}, "openings": {"2026-12-19 09:00-10:00 " + xssText}})
	wantStatus(t, "calendar save", res, body, http.StatusSeeOther)
	res, body = admin.post("/admin/impostazioni", url.Values{"site_name": {"Comune"},
		"link_label_0": {"x"}, "link_url_0": {"javascript:alert(1)"}})
	wantStatus(t, "javascript: footer link", res, body, http.StatusUnprocessableEntity)
	return slug, info
}

func TestHostileStaffXSS(t *testing.T) {
	t.Parallel()
	e, ed := editorEnv(t)
	e.addUser(modulario.RoleAdmin, "admin@comune.example")
	admin := e.login("admin@comune.example")
	slug, info := storeHostileTexts(t, e, ed, admin)
	citizen := citizenSite(t, e)
	f, err := e.Forms.FindForm(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	preview := "/anteprima/" + modulario.SignPreview([]byte("preview-key"), slug, f.Published, time.Now().Add(time.Hour))
	res, _ := citizen.post("/servizi/"+slug+"/privacy", url.Values{"consenso": {"1"}})
	firstStep := res.Header.Get("Location")
	if !strings.Contains(firstStep, "/passo/") {
		t.Fatalf("privacy consent redirected to %q", firstStep)
	}
	pages := []struct {
		name string
		c    *client
		path string
	}{
		{"citizen/home", citizen, "/"}, {"citizen/catalogue", citizen, "/servizi"},
		{"citizen/service page", citizen, "/servizi/" + slug}, {"citizen/privacy step", citizen, "/servizi/" + slug + "/privacy"},
		{"citizen/first step", citizen, firstStep}, {"citizen/landing page", citizen, "/pagine/ostile"},
		{"citizen/preview", citizen, preview}, {"citizen/privacy policy", citizen, "/privacy"},
		{"citizen/legal notes", citizen, "/note-legali"},
		{"admin/forms list", ed, "/admin/moduli"}, {"admin/editor", ed, "/admin/moduli/" + slug},
		{"admin/field page", ed, "/admin/moduli/" + slug + "/campi/nome"},
		{"admin/options page", ed, "/admin/moduli/" + slug + "/campi/scelta"},
		{"admin/info page", ed, "/admin/moduli/" + slug + "/campi/" + info},
		{"admin/form settings", ed, "/admin/moduli/" + slug + "/impostazioni"},
		{"admin/JSON", ed, "/admin/moduli/" + slug + "/json"},
		{"admin/versions", ed, "/admin/moduli/" + slug + "/versioni"},
		{"admin/versions diff", ed, "/admin/moduli/" + slug + "/versioni/confronta?da=1&a=2"},
		{"admin/pages list", ed, "/admin/pagine"}, {"admin/page editor", ed, "/admin/pagine/ostile"},
		{"admin/settings", admin, "/admin/impostazioni"}, {"admin/audit", admin, "/admin/registro"},
		{"admin/calendars", admin, "/admin/calendari"}, {"admin/calendar page", admin, "/admin/calendari/ostile"},
		{"admin/calendar delete", admin, "/admin/calendari/ostile/elimina"},
		{"admin/agenda index", admin, "/admin/agenda"}, {"admin/agenda day", admin, "/admin/agenda/ostile?giorno=2026-12-24"},
		{"admin/agenda week", admin, "/admin/agenda/ostile?giorno=2026-12-24&vista=settimana"},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			p.c.t = t
			res, body := p.c.get(p.path)
			if loc := res.Header.Get("Location"); res.StatusCode == http.StatusSeeOther && strings.HasPrefix(p.name, "citizen/preview") {
				res, body = p.c.get(loc)
			}
			wantStatus(t, p.path, res, body, http.StatusOK)
			if !strings.Contains(body, "ZQX") {
				t.Errorf("%s: the hostile text is not on the page", p.path)
			}
			checkEscaped(t, p.path, body)
		})
	}
	t.Run("admin/page preview", func(t *testing.T) {
		ed.t = t
		res, body := ed.post("/admin/pagine/ostile", url.Values{"title": {xssText}, "_action": {"anteprima"},
			"body": {xssMD + "\n" + xssShortcode + "\n"}})
		wantStatus(t, "page preview", res, body, http.StatusOK)
		checkEscaped(t, "page preview", body)
	})
}
