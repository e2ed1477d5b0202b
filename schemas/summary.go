package schemas

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/modulario/modulario/i18n"
)

// SummaryStep is the answers of one step, for people to read: the review,
// receipt and tracking pages and the notification emails share it.
type SummaryStep struct {
	Number int
	Title  string
	Items  []SummaryItem
}

// SummaryItem is one answer formatted for people (option labels, Sì/No,
// dd/mm/yyyy). Groups and repeat items have Children instead of a Value.
type SummaryItem struct {
	Label string
	Value string
	// Pointer is the data pointer of the answer ("/membri/0/nome").
	Pointer string
	// FileID is the attachment id of a file answer whose name is known.
	FileID   string
	Children []SummaryItem
}

// summaryMessages are the words of the summary.
var summaryMessages = i18n.Catalog{
	"it": {"empty": "Non indicato", "yes": "Sì", "no": "No", "item": "%s %d"},
	"en": {"empty": "Not given", "yes": "Yes", "no": "No", "item": "%s %d"},
}

// Summary formats the visible answers of every step that has any. files
// maps attachment ids to file names: a file answer shows its file's name
// (and FileID) when the id is in files, the raw answer otherwise. It also
// maps appointment answers to their text ("Sede centrale — giovedì 3
// dicembre 2026, ore 9:30"); an appointment missing from files shows
// AppointmentText (date and time only).
func (f *Form) Summary(data map[string]any, lang string, files map[string]string) []SummaryStep {
	if data == nil {
		data = map[string]any{}
	}
	z := &summarizer{lang: lang, state: f.Evaluate(data), data: data, files: files}
	var out []SummaryStep
	for _, st := range f.Steps {
		items := z.items(st.Fields, "")
		if len(items) == 0 {
			continue
		}
		out = append(out, SummaryStep{Number: st.Number, Title: st.Title, Items: items})
	}
	return out
}

// summarizer carries what formatting one set of answers needs.
type summarizer struct {
	lang  string
	state *State
	data  map[string]any
	files map[string]string
}

func (z *summarizer) t(key string, args ...any) string {
	return summaryMessages.T(z.lang, key, args...)
}

func (z *summarizer) items(fields []*Field, prefix string) []SummaryItem {
	var out []SummaryItem
	for _, f := range fields {
		ptr := prefix + f.Pointer
		if f.Kind == KindMarkdown || f.Kind == KindHidden || !z.state.Visible(ptr) {
			continue
		}
		out = append(out, z.item(f, ptr, prefix))
	}
	return out
}

func (z *summarizer) item(f *Field, ptr, prefix string) SummaryItem {
	it := SummaryItem{Label: f.Label, Pointer: ptr}
	value, ok := GetPointer(z.data, ptr)
	switch {
	case f.Kind == KindGroup:
		it.Children = z.items(f.Children, prefix)
		if len(it.Children) == 0 {
			it.Value = z.t("empty")
		}
	case f.Kind == KindRepeat:
		list, _ := value.([]any)
		for i := range list {
			itemPtr := ptr + "/" + strconv.Itoa(i)
			it.Children = append(it.Children, SummaryItem{
				Label: z.t("item", f.Label, i+1), Pointer: itemPtr,
				Children: z.items(f.Children, itemPtr),
			})
		}
		if len(list) == 0 {
			it.Value = z.t("empty")
		}
	case !ok || value == nil || value == "":
		it.Value = z.t("empty")
	case f.Kind == KindFile:
		id := ValueString(value)
		it.Value = id
		if name, known := z.files[id]; known {
			it.Value, it.FileID = name, id
		}
	case f.Kind == KindAppointment:
		// Callers that know the calendars put "Sede centrale — giovedì 3
		// dicembre 2026, ore 9:30" in files, keyed by the answer.
		it.Value = ValueString(value)
		if text, known := z.files[it.Value]; known {
			it.Value = text
		} else {
			it.Value = AppointmentText(it.Value, z.lang)
		}
	default:
		it.Value = z.format(f, value)
	}
	return it
}

// format renders one answer as text.
func (z *summarizer) format(f *Field, v any) string {
	switch f.Kind {
	case KindSelect, KindRadio:
		return optionText(f, v, z.lang)
	case KindCheckboxes:
		list, _ := v.([]any)
		labels := make([]string, len(list))
		for i, x := range list {
			labels[i] = optionText(f, x, z.lang)
		}
		return strings.Join(labels, ", ")
	case KindCheckbox:
		if v == true {
			return z.t("yes")
		}
		return z.t("no")
	case KindDate:
		return reformat(ValueString(v), "2006-01-02", "02/01/2006")
	case KindDateTime:
		return reformatDateTime(ValueString(v))
	case KindNumber:
		if z.lang == "it" {
			return strings.Replace(ValueString(v), ".", ",", 1)
		}
	}
	if b, ok := v.(bool); ok {
		if b {
			return z.t("yes")
		}
		return z.t("no")
	}
	return ValueString(v)
}

func optionText(f *Field, v any, lang string) string {
	if l := f.OptionText(v, lang); l != "" {
		return l
	}
	return ValueString(v)
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

// ValueString renders an answer as the string an HTML control posts.
func ValueString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		return x.String()
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
