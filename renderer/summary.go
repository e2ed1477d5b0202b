package renderer

import (
	"net/url"
	"strconv"
	"strings"
	"time"

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
	Value string
	// URL downloads the file of a file answer; empty for other answers.
	URL      string
	Children []summaryItem
}

// summarizer formats answers for people: option labels, Sì/No, dd/mm/yyyy.
type summarizer struct {
	lang        string
	form        *schemas.Form
	state       *schemas.State
	data        map[string]any
	attachments map[string]modulario.Attachment
	// token is the draft or tracking token that may download attachments;
	// without it file answers are not linked.
	token string
}

// steps summarises every step that has a visible answer field.
func (z *summarizer) steps() []summaryStep {
	var out []summaryStep
	for _, st := range z.form.Steps {
		items := z.items(st.Fields, "")
		if len(items) == 0 {
			continue
		}
		out = append(out, summaryStep{Number: st.Number, Title: st.Title, Items: items})
	}
	return out
}

func (z *summarizer) items(fields []*schemas.Field, prefix string) []summaryItem {
	var out []summaryItem
	for _, f := range fields {
		ptr := prefix + f.Pointer
		if f.Kind == schemas.KindMarkdown || f.Kind == schemas.KindHidden {
			continue
		}
		if z.state != nil && !z.state.Visible(ptr) {
			continue
		}
		out = append(out, z.item(f, ptr, prefix))
	}
	return out
}

func (z *summarizer) item(f *schemas.Field, ptr, prefix string) summaryItem {
	it := summaryItem{Label: f.Label}
	value, ok := getPointer(z.data, ptr)
	switch {
	case f.Kind == schemas.KindGroup:
		it.Children = z.items(f.Children, prefix)
		if len(it.Children) == 0 {
			it.Value = msg.T(z.lang, "summary.empty")
		}
	case f.Kind == schemas.KindRepeat:
		list, _ := value.([]any)
		for i := range list {
			itemPtr := ptr + "/" + strconv.Itoa(i)
			it.Children = append(it.Children, summaryItem{
				Label:    msg.T(z.lang, "repeat.item", f.Label, i+1),
				Children: z.items(f.Children, itemPtr),
			})
		}
		if len(list) == 0 {
			it.Value = msg.T(z.lang, "summary.empty")
		}
	case !ok || value == nil || value == "":
		it.Value = msg.T(z.lang, "summary.empty")
	default:
		it.Value = z.format(f, value)
		it.URL = z.fileURL(f, value)
	}
	return it
}

// fileURL links a file answer to its download, /allegati/{token}/{id}.
func (z *summarizer) fileURL(f *schemas.Field, v any) string {
	id := valueString(v)
	if _, ok := z.attachments[id]; f.Kind != schemas.KindFile || !ok || z.token == "" {
		return ""
	}
	return "/allegati/" + url.PathEscape(z.token) + "/" + url.PathEscape(id)
}

// format renders one answer as text.
func (z *summarizer) format(f *schemas.Field, v any) string {
	switch f.Kind {
	case schemas.KindSelect, schemas.KindRadio:
		return z.optionLabel(f, v)
	case schemas.KindCheckboxes:
		list, _ := v.([]any)
		labels := make([]string, len(list))
		for i, x := range list {
			labels[i] = z.optionLabel(f, x)
		}
		return strings.Join(labels, ", ")
	case schemas.KindCheckbox:
		if v == true {
			return msg.T(z.lang, "summary.yes")
		}
		return msg.T(z.lang, "summary.no")
	case schemas.KindFile:
		if a, ok := z.attachments[valueString(v)]; ok {
			return a.Name
		}
	case schemas.KindDate:
		return reformat(valueString(v), "2006-01-02", "02/01/2006")
	case schemas.KindDateTime:
		return reformatDateTime(valueString(v))
	case schemas.KindNumber:
		if z.lang == "it" {
			return strings.Replace(valueString(v), ".", ",", 1)
		}
	}
	if b, ok := v.(bool); ok {
		return map[bool]string{true: msg.T(z.lang, "summary.yes"), false: msg.T(z.lang, "summary.no")}[b]
	}
	return valueString(v)
}

func (z *summarizer) optionLabel(f *schemas.Field, v any) string {
	if l := f.OptionLabel(v); l != "" {
		return l
	}
	return valueString(v)
}

func reformat(s, from, to string) string {
	t, err := time.Parse(from, s)
	if err != nil {
		return s
	}
	return t.Format(to)
}

func reformatDateTime(s string) string {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("02/01/2006 15:04")
		}
	}
	return s
}
