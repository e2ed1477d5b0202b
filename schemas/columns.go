package schemas

import (
	"strconv"
	"strings"
)

// ColumnSeparator joins the labels of nested fields in column headers
// ("Indirizzo › CAP").
const ColumnSeparator = " › "

// Column is one answer column of a flattened export (CSV, XLSX): a leaf
// field of the field model, with the labels of its groups in its header.
type Column struct {
	// Header is the field's label prefixed by the labels of the groups and
	// repeatable groups that contain it: "Indirizzo › CAP".
	Header string
	// Parts are the JSON pointers from the answers to the value, one per
	// level of repetition: ["/indirizzo/cap"] for a field outside
	// repeatable groups, ["/membri", "/nome"] for the "nome" of each item
	// of "membri" (the second part is relative to the item).
	Parts []string
	// Field is the leaf field.
	Field *Field
}

// Columns flattens the form's field model into export columns, in step
// and field order: a group contributes its leaves, a repeatable group one
// column per leaf (its values joined per item), informative paragraphs
// contribute nothing. Hidden fields are kept: they carry answers.
func (f *Form) Columns() []Column {
	var out []Column
	for _, st := range f.Steps {
		out = appendColumns(out, st.Fields, nil, nil)
	}
	return out
}

func appendColumns(out []Column, fields []*Field, labels, parts []string) []Column {
	for _, fl := range fields {
		if fl.Kind == KindMarkdown {
			continue
		}
		lbl := append(append([]string(nil), labels...), fl.Label)
		switch fl.Kind {
		case KindGroup:
			// Children pointers already carry the group's name.
			out = appendColumns(out, fl.Children, lbl, parts)
		case KindRepeat:
			out = appendColumns(out, fl.Children, lbl, append(extend(parts, fl.Pointer), ""))
		default:
			out = append(out, Column{Header: strings.Join(lbl, ColumnSeparator),
				Parts: extend(parts, fl.Pointer), Field: fl})
		}
	}
	return out
}

// extend returns a copy of parts with ptr appended to its last pointer
// (the pointers of fields inside a repeat are relative to the item).
func extend(parts []string, ptr string) []string {
	p := append([]string(nil), parts...)
	if len(p) == 0 {
		return []string{ptr}
	}
	p[len(p)-1] += ptr
	return p
}

// ColumnValue formats the answer of column col in data for people, the way
// the summary does (option labels, Sì/No, dd/mm/yyyy), with these choices
// for a flat cell: several chosen options are joined with "; ", a file
// answer shows the file's name from files (attachment id → name, the id
// when unknown), an appointment answer the text files gives for it, else
// "03/12/2026 09:30, calendar-slug", and inside a repeatable group the values of the items
// are joined as "1: …; 2: …" (items without an answer are left out).
// A missing answer is "".
func ColumnValue(col Column, data map[string]any, lang string, files map[string]string) string {
	z := &summarizer{lang: lang, files: files}
	return z.columnValue(col, data, col.Parts)
}

func (z *summarizer) columnValue(col Column, data any, parts []string) string {
	v, ok := GetPointer(data, parts[0])
	if !ok || v == nil {
		return ""
	}
	if len(parts) == 1 {
		return z.cell(col.Field, v)
	}
	items, _ := v.([]any)
	var out []string
	for i, it := range items {
		if s := z.columnValue(col, it, parts[1:]); s != "" {
			out = append(out, strconv.Itoa(i+1)+": "+s)
		}
	}
	return strings.Join(out, "; ")
}

// cell formats one leaf answer.
func (z *summarizer) cell(f *Field, v any) string {
	switch {
	case v == "":
		return ""
	case f.Kind == KindFile:
		return z.fileNames(v)
	case f.Kind == KindAppointment:
		return appointmentCell(ValueString(v), z.files)
	case f.Kind == KindCheckboxes:
		list, _ := v.([]any)
		labels := make([]string, len(list))
		for i, x := range list {
			labels[i] = optionText(f, x, z.lang)
		}
		return strings.Join(labels, "; ")
	}
	return z.format(f, v)
}

// fileNames names one file answer or a list of them.
func (z *summarizer) fileNames(v any) string {
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	}
	names := make([]string, 0, len(list))
	for _, x := range list {
		id := ValueString(x)
		if name, ok := z.files[id]; ok {
			id = name
		}
		if id != "" {
			names = append(names, id)
		}
	}
	return strings.Join(names, "; ")
}
