package markdown

import (
	"bytes"
	"context"
	"html/template"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/i18n"
)

// cardMsg holds the words of the service card placed by a short code.
var cardMsg = i18n.Catalog{
	"it": {
		"card.start":       "Compila il modulo",
		"card.missing":     "Servizio non disponibile",
		"card.missing_for": "Il servizio «%s» non è disponibile al momento.",
	},
	"en": {
		"card.start":       "Fill in the form",
		"card.missing":     "Service not available",
		"card.missing_for": "The service “%s” is not available at the moment.",
	},
}

// FormCard is the service a {{< modulo "slug" >}} short code points at.
type FormCard struct {
	Slug    string
	Title   string
	Summary string
}

var cardTemplate = template.Must(template.New("card").Parse(
	`{{if .Found}}<div class="card-wrapper card-space modulario-form-card" data-element="service-card">` +
		`<div class="card card-bg no-after"><div class="card-body">` +
		`<h2 class="card-title h5">{{.Card.Title}}</h2>` +
		`{{with .Card.Summary}}<p class="card-text">{{.}}</p>{{end}}` +
		`<a class="btn btn-primary" href="{{.URL}}">{{.Start}}<span class="visually-hidden">: {{.Card.Title}}</span></a>` +
		`</div></div></div>` +
		`{{else}}<div class="callout note modulario-form-missing"><div class="callout-inner">` +
		`<div class="callout-title"><span class="text">{{.Missing}}</span></div>` +
		`<p>{{.MissingFor}}</p></div></div>{{end}}`))

// FormCardExpander expands {{< modulo "slug" >}} to a service card with a
// "Compila il modulo" button linking to /servizi/{slug} (plus link's
// suffix, e.g. "?lang=en"), or to a visible "servizio non disponibile"
// note when find does not know the slug. The citizen pages and the
// builder's preview both use it, so they show the same thing.
func FormCardExpander(lang, suffix string, find func(slug string) (FormCard, bool)) Expander {
	return func(slug string) (template.HTML, bool) {
		card, found := find(slug)
		var buf bytes.Buffer
		err := cardTemplate.Execute(&buf, map[string]any{
			"Found": found, "Card": card, "URL": "/servizi/" + slug + suffix,
			"Start":      cardMsg.T(lang, "card.start"),
			"Missing":    cardMsg.T(lang, "card.missing"),
			"MissingFor": cardMsg.T(lang, "card.missing_for", slug),
		})
		if err != nil {
			return "", false
		}
		return template.HTML(buf.String()), true
	}
}

// LiveForms finds the cards of live services (published, not archived) in
// forms, for FormCardExpander: the citizen pages and the builder's preview
// decide alike which short codes show a card.
func LiveForms(ctx context.Context, forms modulario.FormService) func(slug string) (FormCard, bool) {
	return func(slug string) (FormCard, bool) {
		if forms == nil {
			return FormCard{}, false
		}
		f, err := forms.FindForm(ctx, slug)
		if err != nil || f.Published == 0 || f.Archived {
			return FormCard{}, false
		}
		return FormCard{Slug: f.Slug, Title: f.Title, Summary: f.Summary}, true
	}
}
