package renderer

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario/i18n"
	"github.com/modulario/modulario/markdown"
	"github.com/modulario/modulario/themes"
	"github.com/modulario/modulario/web"
)

// Shared template files parsed into every page; the other *.html files are
// pages, each defining "content" (and optionally "title").
var sharedTemplates = []string{"layout.html", "fields.html", "summary.html", "appointment.html", "stepper.html"}

// parseTemplates parses the shared templates once, then clones them for each
// page file so that every page can define its own "content".
func (s *Server) parseTemplates() (map[string]*template.Template, error) {
	pages, err := web.ParsePages(themes.Templates(), "*.html", sharedTemplates, s.templateFuncs())
	if err != nil {
		return nil, fmt.Errorf("renderer: %w", err)
	}
	return pages, nil
}

func (s *Server) templateFuncs() template.FuncMap {
	return template.FuncMap{
		"asset":    s.assetURL,
		"md":       markdown.ToHTML,
		"mdInline": markdown.ToInlineHTML,
		// mdUnder renders an editor's text inside a section headed at the
		// given level: its headings nest under that one.
		"mdUnder": markdown.ToHTMLUnder,
		// Bootstrap Italia floats the stars right and highlights "~ label"
		// siblings, so the inputs go from 5 down to 1 to show 1..5.
		"starsDesc": func() []int { return []int{5, 4, 3, 2, 1} },
	}
}

// assetURL returns the hashed URL of a static asset.
func (s *Server) assetURL(name string) string {
	if s.cfg.Assets == nil {
		return "/static/" + name
	}
	return s.cfg.Assets.URL(name)
}

// tr translates UI strings; it is embedded in page and field views so that
// templates can call .T "key".
type tr struct{ Lang string }

// T returns the catalogue message for key in the view's language.
func (t tr) T(key string, args ...any) string { return msg.T(t.Lang, key, args...) }

// ErrorCount is the heading of an error summary: "C'è 1 errore", "Ci sono
// 3 errori".
func (t tr) ErrorCount(n int) string { return plural(t.Lang, "errors.count", n) }

// Plural is the message key+"_one" when n is 1, else key, formatted with n:
// "Hai dato 1 stella su 5", "Hai dato 3 stelle su 5".
func (t tr) Plural(key string, n int) string { return plural(t.Lang, key, n) }

func plural(lang, key string, n int) string {
	if n == 1 {
		key += "_one"
	}
	return msg.T(lang, key, n)
}

// authorLang is the language editors write forms and pages in: the
// comune's, whatever language the citizen chose for the interface.
const authorLang = i18n.Default

// AuthorLang marks an element holding an editor's text (titles, labels,
// privacy notice, confirmation) with lang="it" on pages whose interface is
// in another language (WCAG 3.1.2, language of parts); empty otherwise.
// It starts with a space: <h1{{.AuthorLang}}>.
func (t tr) AuthorLang() template.HTMLAttr {
	if t.Lang == authorLang {
		return ""
	}
	return template.HTMLAttr(` lang="` + authorLang + `"`)
}

// crumb is one breadcrumb item; the last one has no URL.
type crumb struct {
	Label string
	URL   string
	// Author marks a label written by an editor (a form or step title).
	Author bool
}

// page is what every page template receives.
type page struct {
	tr
	Title      string
	SiteName   string
	Site       *siteView
	Breadcrumb []crumb
	// Preview marks the pages of a staff preview draft (banner, noindex).
	Preview bool
	// Data is the page-specific view.
	Data any
	c    echo.Context
}

// U returns an internal link keeping the reader's explicit language choice.
func (p *page) U(path string) string { return link(p.c, path) }

// newPage starts the view of a page titled title.
func (s *Server) newPage(c echo.Context, title string, data any) *page {
	site := s.site(c.Request().Context())
	preview, _ := c.Get(ctxPreview).(bool)
	p := &page{tr: tr{Lang: langOf(c)}, Title: title, SiteName: site.Name, Site: site,
		Preview: preview, Data: data, c: c}
	p.Breadcrumb = []crumb{{Label: p.T("nav.home"), URL: p.U("/")}}
	return p
}

// render executes the page template name into a buffer (so a template error
// never sends half a page) and writes it with status.
func (s *Server) render(c echo.Context, status int, name string, p *page) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("renderer: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("renderer: execute %s: %w", name, err)
	}
	if isEmbed(c) {
		return c.HTMLBlob(status, markLeavingLinks(buf.Bytes(), leavingOf(c).NewWindowNote()))
	}
	return c.HTMLBlob(status, buf.Bytes())
}
