package schemas

import (
	"encoding/json"
	"fmt"
	"strings"
)

// maxFieldNesting and maxFieldCount bound the field model: a recursive
// $ref ("#") would otherwise build fields until memory runs out.
const (
	maxFieldNesting = 16
	maxFieldCount   = 5000
)

// fieldBuilder turns property declarations into Fields.
type fieldBuilder struct {
	doc *schemaDoc
	ui  map[string]FieldUI
	// problems collects definition errors found while building (may be nil).
	problems map[string]string
	// built counts the fields built so far, against maxFieldCount.
	built int
}

// objectFields builds the fields of the object schema n. pathPrefix is the
// ui key prefix ("indirizzo/") and base the pointer prefix of its fields.
func (b *fieldBuilder) objectFields(n node, pathPrefix, base string) []*Field {
	if strings.Count(pathPrefix, "/") >= maxFieldNesting || b.built >= maxFieldCount {
		if b.problems != nil {
			b.problems["/schema"] = fmt.Sprintf("has more than %d fields or fields nested more than %d levels deep (is a $ref recursive?)",
				maxFieldCount, maxFieldNesting)
		}
		return nil
	}
	var out []*Field
	for _, p := range b.doc.collectProps(n, base) {
		b.built++
		out = append(out, b.field(p, pathPrefix, base))
	}
	return out
}

// field builds one Field from a property declaration.
func (b *fieldBuilder) field(p *propDef, pathPrefix, base string) *Field {
	n := p.n
	f := &Field{
		Name: p.name, Path: pathPrefix + p.name, Pointer: joinPointer(base, p.name),
		Required: p.required, Conditional: p.conditional, branchOnly: p.branchOnly,
		Label: n.str("title"), Description: n.str("description"), Format: n.str("format"),
		Default: plainValue(n.m["default"]),
	}
	if f.Label == "" {
		f.Label = p.name
	}
	if p.branchOnly && !p.complexCond && len(p.triggers) > 0 {
		f.ShowWhen = p.triggers
	}
	f.ReadOnly, _ = n.m["readOnly"].(bool)
	u := b.ui[f.Path]
	f.Help, f.Placeholder, f.Autocomplete, f.InputMode, f.Rows = u.Help, u.Placeholder, u.Autocomplete, u.InputMode, u.Rows
	if ex := n.arr("examples"); f.Placeholder == "" && len(ex) > 0 {
		f.Placeholder = postedString(ex[0])
	}
	typ, nullable := schemaType(n)
	f.Nullable, f.typ = nullable, typ
	constraints(f, n)
	f.Options = options(n)
	b.chooseKind(f, typ, n, u)
	b.checkAppointment(f, p, pathPrefix, u)
	b.checkPrefill(f, n, pathPrefix, u)
	formatDefaults(f)
	return f
}

// chooseKind sets Kind, InputType, Children and kind-specific attributes.
func (b *fieldBuilder) chooseKind(f *Field, typ string, n node, u FieldUI) {
	items := b.doc.resolve(n.m["items"], n.at("items"))
	switch {
	case u.Widget == "appointment":
		f.Kind = KindAppointment
		f.Calendars = append([]string(nil), u.Calendars...)
	case u.Widget == "hidden":
		f.Kind = KindHidden
	case u.Widget == "file" || n.str("contentMediaType") != "" || typ == "array" && items.str("contentMediaType") != "":
		f.Kind = KindFile
		f.Accept, f.MaxSize = u.Accept, u.MaxSize
		if cmt := n.str("contentMediaType") + items.str("contentMediaType"); len(f.Accept) == 0 && cmt != "" {
			f.Accept = []string{cmt}
		}
		if f.MaxSize == 0 {
			f.MaxSize = DefaultMaxSize
		}
		b.checkAccept(f, u, n, items)
	case typ == "object":
		f.Kind = KindGroup
		f.Children = b.objectFields(n, f.Path+"/", f.Pointer)
	case typ == "array" && (items.m["properties"] != nil || items.str("type") == "object"):
		f.Kind = KindRepeat
		f.Children = b.objectFields(items, f.Path+"/", "")
	case typ == "array":
		f.Kind = KindCheckboxes
		f.Options = options(items)
	case typ == "boolean" && (u.Widget == "radio" || u.Widget == "select"):
		f.Kind = Kind(u.Widget)
		f.Options = []Option{{Value: true, Label: "Sì"}, {Value: false, Label: "No"}}
	case typ == "boolean":
		f.Kind = KindCheckbox
	case len(f.Options) > 0:
		f.Kind = choiceKind(u.Widget, len(f.Options))
	case typ == "number" || typ == "integer":
		f.Kind, f.InputType = KindNumber, "number"
	default:
		f.Kind, f.InputType = textKind(f, u)
	}
}

// choiceKind picks radio or select: the ui widget, else radios for up to
// four options and a drop-down for more.
func choiceKind(widget string, count int) Kind {
	switch {
	case widget == "radio" || widget == "select":
		return Kind(widget)
	case count <= 4:
		return KindRadio
	}
	return KindSelect
}

// textKind chooses among date, time, date-time, textarea and text inputs.
func textKind(f *Field, u FieldUI) (Kind, string) {
	switch {
	case u.Widget == "date" || f.Format == "date":
		return KindDate, "date"
	case f.Format == "time":
		return KindTime, "time"
	case f.Format == "date-time":
		return KindDateTime, "datetime-local"
	case u.Widget == "textarea" || u.Widget == "" && f.MaxLength != nil && *f.MaxLength > 255:
		return KindTextarea, ""
	}
	switch f.Format {
	case "email":
		return KindText, "email"
	case "telefono":
		return KindText, "tel"
	case "uri":
		return KindText, "url"
	}
	return KindText, "text"
}

// formatDefaults fills input hints that follow from the format.
func formatDefaults(f *Field) {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	switch f.Format {
	case "cap", "partita-iva":
		def(&f.InputMode, "numeric")
	case "telefono":
		def(&f.InputMode, "tel")
		def(&f.Autocomplete, "tel")
	case "email":
		def(&f.InputMode, "email")
		def(&f.Autocomplete, "email")
	case "iban", "codice-fiscale", "targa":
		def(&f.Autocomplete, "off")
	}
	if f.Kind == KindNumber {
		def(&f.InputMode, "decimal")
	}
}

// schemaType returns the JSON type of n (inferred when absent) and whether
// null is also allowed.
func schemaType(n node) (string, bool) {
	switch t := n.m["type"].(type) {
	case string:
		return t, false
	case []any:
		typ, nullable := "", false
		for _, x := range t {
			if s, _ := x.(string); s == "null" {
				nullable = true
			} else if typ == "" {
				typ = s
			}
		}
		return typ, nullable
	}
	switch {
	case n.m["properties"] != nil:
		return "object", false
	case n.m["items"] != nil:
		return "array", false
	}
	if opts := options(n); len(opts) > 0 {
		switch opts[0].Value.(type) {
		case bool:
			return "boolean", false
		case float64:
			return "number", false
		}
	}
	return "string", false
}

// options reads enum, or oneOf/anyOf made only of {const, title}.
func options(n node) []Option {
	var out []Option
	for _, v := range n.arr("enum") {
		out = append(out, Option{Value: plainValue(v), Label: postedString(v)})
	}
	if out != nil {
		return out
	}
	for _, kw := range []string{"oneOf", "anyOf"} {
		for _, alt := range n.arr(kw) {
			m, _ := alt.(map[string]any)
			c, ok := m["const"]
			if !ok {
				return nil
			}
			label, _ := m["title"].(string)
			if label == "" {
				label = postedString(c)
			}
			out = append(out, Option{Value: plainValue(c), Label: label})
		}
		if out != nil {
			return out
		}
	}
	return nil
}

// constraints copies length, range, pattern and item limits.
func constraints(f *Field, n node) {
	f.MinLength, f.MaxLength = intKw(n, "minLength"), intKw(n, "maxLength")
	f.MinItems, f.MaxItems = intKw(n, "minItems"), intKw(n, "maxItems")
	f.Minimum, f.Maximum = numKw(n, "minimum"), numKw(n, "maximum")
	f.ExclusiveMin, f.ExclusiveMax = numKw(n, "exclusiveMinimum"), numKw(n, "exclusiveMaximum")
	f.MultipleOf = numKw(n, "multipleOf")
	f.Pattern = n.str("pattern")
}

func numKw(n node, kw string) *float64 {
	if v, ok := plainValue(n.m[kw]).(float64); ok {
		return &v
	}
	return nil
}

func intKw(n node, kw string) *int {
	if v := numKw(n, kw); v != nil {
		i := int(*v)
		return &i
	}
	return nil
}

// plainValue converts json.Number (from the schema) into float64, in
// values and inside arrays and objects.
func plainValue(v any) any {
	switch t := v.(type) {
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return t.String()
		}
		return f
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = plainValue(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = plainValue(x)
		}
		return out
	}
	return v
}

// OptionLabel returns the label of the option whose value equals v, or "".
func (f *Field) OptionLabel(v any) string {
	want := fmt.Sprint(plainValue(v))
	for _, o := range f.Options {
		if fmt.Sprint(o.Value) == want {
			return o.Label
		}
	}
	return ""
}
