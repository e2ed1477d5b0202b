package builder

import (
	"html"
	"html/template"
	"io/fs"
	"net/url"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
	"github.com/modulario/modulario/i18n"
)

// embedPartial is the editor's "Incorpora nel sito del Comune" panel. It
// lives outside admin/*.html so it is not parsed as a page of its own: it
// calls embedPanel, a function only the form editor's page has.
const embedPartial = "admin/partials/form_embed.html"

// embedPanelView is the data of the embed panel of one form.
type embedPanelView struct {
	// Snippet is the HTML staff paste into the comune's page (shown
	// escaped, to be copied as text).
	Snippet string
	// Direct is the form's own page, for a plain link.
	Direct string
	// Origins are the sites allowed to embed; none means embedding is off.
	Origins []string
	// Published is false until the form has a published version: the
	// snippet works only after publishing.
	Published bool
	// PrefillName is the first field that may be prefilled by a link
	// ("" when the form has none) and PrefillValue, when it is a choice,
	// its first option's value (URL-encoded, for data-parametri); the
	// panel's example is built from them.
	PrefillName, PrefillValue string
}

// addEmbedPanel parses the embed panel into the form editor's page.
func (s *Server) addEmbedPanel() {
	src, err := fs.ReadFile(themesTemplates(), embedPartial)
	if err != nil {
		panic("builder: embed panel: " + err.Error())
	}
	t, ok := s.pages["form_editor"]
	if !ok {
		panic("builder: embed panel: no form_editor page")
	}
	t.Funcs(template.FuncMap{"embedPanel": s.embedPanel})
	if _, err := t.New(embedPartial).Parse(string(src)); err != nil {
		panic("builder: embed panel: " + err.Error())
	}
}

// embedPanel builds the panel of form f, whose editor shows view.
func (s *Server) embedPanel(f *modulario.Form, view *formedit.View) *embedPanelView {
	p := &embedPanelView{
		Snippet:   s.embedSnippet(f.Slug, f.Title),
		Direct:    s.serviceURL(url.PathEscape(f.Slug)),
		Origins:   s.cfg.EmbedOrigins,
		Published: f.Published > 0,
	}
	p.PrefillName, p.PrefillValue = prefillExample(view)
	return p
}

// prefillExample returns the first top-level field of view that may be
// prefilled by a link, URL-encoded, and, for a choice, its first option's
// value: the data-parametri example then works for this very form.
func prefillExample(view *formedit.View) (name, value string) {
	if view == nil {
		return "", ""
	}
	for _, st := range view.Steps {
		for _, fv := range st.Fields {
			if !fv.Prefill || !fv.CanPrefill {
				continue
			}
			if len(fv.Options) > 0 {
				value = url.QueryEscape(fv.Options[0].Value)
			}
			return url.QueryEscape(fv.Name), value
		}
	}
	return "", ""
}

// serviceURL is the public page of the form at slug (given as it goes
// into the URL).
func (s *Server) serviceURL(slug string) string { return s.cfg.BaseURL + "/servizi/" + slug }

// embedSnippet is the HTML that embeds a form with /embed.js: a plain link
// that works without JavaScript, replaced by the iframe when the script
// runs. Slug and title are escaped: the snippet is pasted as HTML.
func (s *Server) embedSnippet(slug, title string) string {
	esc := html.EscapeString
	page := esc(s.serviceURL(url.PathEscape(slug)))
	return `<a href="` + page + `" data-modulario-fallback="` + esc(slug) + `">` +
		esc(msg.T(i18n.Default, "fe.embed.fallback", title)) + "</a>\n" +
		`<script src="` + esc(s.cfg.BaseURL+"/embed.js") + `" data-modulo="` + esc(slug) + `" async></script>`
}

// Strings of the embed panel. The snippet's link text is always Italian:
// it goes into the comune's own (Italian) page.
var _ = addMessages(i18n.Catalog{
	"it": {
		"fe.embed.title":       "Incorpora nel sito del Comune",
		"fe.embed.lead":        "Incolla questo codice nella pagina del sito del Comune dove vuoi mostrare il modulo. Il cittadino lo compila senza lasciare la pagina; senza JavaScript vede un link al modulo.",
		"fe.embed.snippet":     "Codice da incollare",
		"fe.embed.direct":      "Link diretto al modulo:",
		"fe.embed.origins":     "Siti abilitati a incorporare il modulo:",
		"fe.embed.no_origins":  "Per incorporare il modulo, l'amministratore deve indicare i siti del Comune in MODULARIO_EMBED_ORIGINS.",
		"fe.embed.unpublished": "Il modulo non è ancora pubblicato: il codice funzionerà dopo la pubblicazione.",
		"fe.embed.prefill":     "Per precompilare i campi che lo consentono, aggiungi allo script l'attributo data-parametri, per esempio data-parametri=\"%s\".",
		"fe.embed.value":       "valore",
		"fe.embed.no_prefill":  "campo=valore",
		"fe.embed.fallback":    "Compila il modulo «%s»",
	},
	"en": {
		"fe.embed.title":       "Embed in the comune's website",
		"fe.embed.lead":        "Paste this code into the page of the comune's website where the form should appear. Citizens fill it in without leaving the page; without JavaScript they see a link to the form.",
		"fe.embed.snippet":     "Code to paste",
		"fe.embed.direct":      "Direct link to the form:",
		"fe.embed.origins":     "Sites allowed to embed the form:",
		"fe.embed.no_origins":  "To embed the form, an administrator must list the comune's sites in MODULARIO_EMBED_ORIGINS.",
		"fe.embed.unpublished": "The form is not published yet: the code will work once it is published.",
		"fe.embed.prefill":     "To prefill the fields that allow it, add a data-parametri attribute to the script, for example data-parametri=\"%s\".",
		"fe.embed.value":       "value",
		"fe.embed.no_prefill":  "field=value",
		"fe.embed.fallback":    "Compila il modulo «%s»",
	},
})
