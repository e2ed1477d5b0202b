package renderer

import (
	"html/template"
	"net/url"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// summaryView is what the "summary" template draws.
type summaryView struct {
	tr
	Steps []summaryStep
}

// summaryStep is the answers of one step on the review, receipt and
// tracking pages.
type summaryStep struct {
	Number  int
	Title   string
	EditURL string
	Items   []summaryItem
}

// summaryItem is one answer; groups and repeat items have Children instead
// of a Value.
type summaryItem struct {
	Label string
	// LabelLang marks the label, an editor's text (see tr.AuthorLang).
	LabelLang template.HTMLAttr
	Value     string
	// URL downloads the file of a file answer; empty for other answers.
	URL      string
	Children []summaryItem
}

// summarizer formats answers for people with schemas.Form.Summary and
// links file answers to their downloads.
type summarizer struct {
	lang string
	form *schemas.Form
	// state is kept for the callers; Summary evaluates the conditions on
	// data itself.
	state       *schemas.State
	data        map[string]any
	attachments map[string]modulario.Attachment
	// token is the draft or tracking token that may download attachments;
	// without it file answers are not linked.
	token string
	// names are readable texts of opaque answers (appointments), by value.
	names map[string]string
}

// steps summarises every step that has a visible answer field.
func (z *summarizer) steps() []summaryStep {
	names := make(map[string]string, len(z.attachments)+len(z.names))
	for id, a := range z.attachments {
		names[id] = a.Name
	}
	for v, text := range z.names {
		names[v] = text
	}
	var out []summaryStep
	for _, st := range z.form.Summary(z.data, z.lang, names) {
		out = append(out, summaryStep{Number: st.Number, Title: st.Title, Items: z.items(st.Items)})
	}
	return out
}

func (z *summarizer) items(in []schemas.SummaryItem) []summaryItem {
	if len(in) == 0 {
		return nil
	}
	out := make([]summaryItem, len(in))
	for i, it := range in {
		out[i] = summaryItem{Label: it.Label, LabelLang: tr{Lang: z.lang}.AuthorLang(), Value: it.Value,
			Children: z.items(it.Children)}
		if it.FileID != "" && z.token != "" {
			out[i].URL = "/allegati/" + url.PathEscape(z.token) + "/" + url.PathEscape(it.FileID)
		}
	}
	return out
}
