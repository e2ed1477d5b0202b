package schemas

import (
	"encoding/json"
	"fmt"
	"math"
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
	// lint collects the authoring checks (see compiled.lint; may be nil).
	lint map[string]string
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
	for _, p := range b.doc.collectProps(n, base, b.lint) {
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
		Default: plainValue(n.m["default"]), schemaPtr: p.schemaPtr,
	}
	if c, ok := n.m["const"]; ok {
		f.constValue, f.hasConst = plainValue(c), true
	}
	if f.Label == "" {
		f.Label = p.name
	}
	if p.branchOnly && !p.complexCond && len(p.triggers) > 0 {
		f.ShowWhen, f.RequiredWhenShown = p.triggers, p.requiredWhenShown
	}
	f.ReadOnly, _ = n.m["readOnly"].(bool)
	u := b.ui[f.Path]
	f.Help, f.Placeholder, f.Autocomplete, f.InputMode, f.Rows = u.Help, u.Placeholder, u.Autocomplete, u.InputMode, u.Rows
	f.ErrorMessage = strings.TrimSpace(u.ErrorMessage)
	if ex := n.arr("examples"); len(ex) > 0 {
		f.Example = postedString(ex[0])
		if f.Placeholder == "" {
			f.Placeholder = f.Example
		}
	}
	typ, nullable := schemaType(n)
	f.Nullable, f.typ = nullable, typ
	constraints(f, n)
	f.Options = options(n)
	b.chooseKind(f, typ, n, u)
	b.checkAppointment(f, p, pathPrefix, u)
	b.checkPrefill(f, n, pathPrefix, u)
	b.checkUI(f, u)
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
		if len(f.Options) == 0 {
			f.Options = []Option{{Value: true, Label: "Sì"}, {Value: false, Label: "No"}}
			f.yesNo = true
		}
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
	if f.Kind != KindNumber {
		return
	}
	if !f.Integer() {
		def(&f.InputMode, "decimal")
	} else if lo, _ := f.IntegerBounds(); lo != nil && *lo >= 0 {
		// A whole number that may be negative keeps the default keyboard
		// of a number input: phones' numeric keypads have no minus sign.
		def(&f.InputMode, "numeric")
	}
}

// Default caps on the length of an answer whose schema sets no maxLength,
// in characters (as maxLength counts them): without a cap a single post
// could store megabytes in a draft. A field's own maxLength replaces the
// cap, be it smaller or larger (the editor's choice).
const (
	// DefaultMaxLength is the cap of a single-line text input.
	DefaultMaxLength = 1000
	// DefaultMaxLengthLong is the cap of a textarea and of any other answer.
	DefaultMaxLengthLong = 10000
)

// LengthCap returns the most characters an answer of f may have: its
// maxLength, else DefaultMaxLength for a single-line text input and
// DefaultMaxLengthLong for anything else.
func (f *Field) LengthCap() int {
	switch {
	case f.MaxLength != nil:
		return *f.MaxLength
	case f.Kind == KindText:
		return DefaultMaxLength
	}
	return DefaultMaxLengthLong
}

// Integer reports whether the answer is a whole number ("type": "integer").
func (f *Field) Integer() bool { return f.typ == "integer" }

// IntegerBounds returns the smallest and largest whole numbers that
// minimum, maximum, exclusiveMinimum and exclusiveMaximum allow (nil when
// unbounded): an exclusive minimum of 0 is a minimum of 1.
func (f *Field) IntegerBounds() (lo, hi *float64) {
	bound := func(incl, excl *float64, round func(float64) float64, step float64, tighter func(a, b float64) bool) *float64 {
		var out *float64
		if incl != nil {
			v := round(*incl)
			out = &v
		}
		if excl != nil {
			v := round(*excl)
			if v == *excl {
				v += step
			}
			if out == nil || tighter(v, *out) {
				out = &v
			}
		}
		return out
	}
	lo = bound(f.Minimum, f.ExclusiveMin, math.Ceil, 1, func(a, b float64) bool { return a > b })
	hi = bound(f.Maximum, f.ExclusiveMax, math.Floor, -1, func(a, b float64) bool { return a < b })
	return lo, hi
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

// OptionText is OptionLabel in lang: the Sì/No options of a yes/no field
// drawn as a choice read Yes/No in English.
func (f *Field) OptionText(v any, lang string) string {
	if b, ok := v.(bool); ok && f.yesNo {
		if b {
			return summaryMessages.T(lang, "yes")
		}
		return summaryMessages.T(lang, "no")
	}
	return f.OptionLabel(v)
}

// YesNo reports whether the options are the built-in "Sì"/"No" of a boolean
// (UI text in the page's language, not an editor's labels).
func (f *Field) YesNo() bool { return f.yesNo }

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
