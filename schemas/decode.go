package schemas

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxPostedItems bounds the items a post can create in a repeatable group.
const maxPostedItems = 200

// stepDecoder converts the posted values of one step.
type stepDecoder struct {
	values url.Values
	lang   string
	errs   []FieldError
}

// DecodeStep reads the HTML form values posted for step n (input names are
// JSON pointers) into a copy of data, converting to the schema's types
// ("" removes the answer, "12,5" and "12.5" are numbers, checkbox groups
// are arrays, "true"/"false" for booleans). File fields are left as they
// are: the renderer stores uploads and sets their attachment IDs. The
// returned errors are values that could not be converted ("abc" for a
// number); such values are kept as typed so the form can show them again.
// A value longer than the field's LengthCap is an error too, and is not
// kept: the answer stays as it was. A single checkbox of the step that is not posted becomes false; names
// that are not fields of the step are ignored, and so are the values
// posted for read-only fields, which get their fixed value (const, else
// default) instead.
func (f *Form) DecodeStep(n int, data map[string]any, values url.Values, lang string) (map[string]any, []FieldError) {
	out := copyData(data)
	if n < 1 || n > len(f.Steps) {
		return out, nil
	}
	d := &stepDecoder{values: values, lang: lang}
	for _, fl := range f.Steps[n-1].Fields {
		d.field(out, fl, fl.Pointer)
	}
	return out, d.errs
}

// field decodes the answer of fl found at data pointer ptr.
func (d *stepDecoder) field(out map[string]any, fl *Field, ptr string) {
	if ptr == "" {
		return
	}
	if fl.ReadOnly {
		if v, ok := fl.fixedValue(); ok {
			SetPointer(out, ptr, deepCopy(v))
		}
		return
	}
	switch fl.Kind {
	case KindMarkdown, KindFile:
	case KindGroup:
		for _, c := range fl.Children {
			d.field(out, c, joinPointer(ptr, c.Name))
		}
		// A required group left blank becomes an empty object, so the
		// errors name its missing fields instead of the fieldset as a whole.
		if _, ok := GetPointer(out, ptr); !ok && fl.Required {
			SetPointer(out, ptr, map[string]any{})
		}
	case KindRepeat:
		d.repeat(out, fl, ptr)
	case KindCheckbox:
		SetPointer(out, ptr, isTrue(d.values.Get(ptr)))
	case KindCheckboxes:
		var list []any
		for _, raw := range d.values[ptr] {
			if s := strings.TrimSpace(raw); d.tooLong(fl, ptr, s) {
				return
			} else if s != "" {
				list = append(list, optionValue(fl, s))
			}
		}
		if len(list) == 0 {
			DeletePointer(out, ptr)
		} else {
			SetPointer(out, ptr, list)
		}
	default:
		raw, posted := d.values[ptr]
		if !posted {
			return
		}
		s := strings.TrimSpace(normalizeNewlines(raw[len(raw)-1]))
		switch {
		case s == "":
			DeletePointer(out, ptr)
		case !d.tooLong(fl, ptr, s):
			SetPointer(out, ptr, d.convert(fl, ptr, s))
		}
	}
}

// repeat decodes a repeatable group: the item count is the larger of the
// existing items and the highest posted index plus one.
func (d *stepDecoder) repeat(out map[string]any, fl *Field, ptr string) {
	cur, _ := GetPointer(out, ptr)
	items, _ := cur.([]any)
	count := len(items)
	prefix := ptr + "/"
	for name := range d.values {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok {
			continue
		}
		tok, _, _ := strings.Cut(rest, "/")
		if i, ok := arrayIndex(tok); ok && i < maxPostedItems && i+1 > count {
			count = i + 1
		}
	}
	if fl.MaxItems != nil && count > *fl.MaxItems && *fl.MaxItems >= len(items) {
		count = *fl.MaxItems
	}
	for i := 0; i < count; i++ {
		if i >= len(items) {
			items = append(items, map[string]any{})
		} else if _, ok := items[i].(map[string]any); !ok {
			items[i] = map[string]any{}
		}
	}
	if count == 0 {
		return
	}
	SetPointer(out, ptr, items)
	for i := 0; i < count; i++ {
		for _, c := range fl.Children {
			d.field(out, c, joinPointer(ptr+"/"+itoa(i), c.Name))
		}
	}
}

// convert turns one posted string into the field's type.
func (d *stepDecoder) convert(fl *Field, ptr, s string) any {
	if len(fl.Options) > 0 {
		return optionValue(fl, s)
	}
	switch fl.typ {
	case "number", "integer":
		x, ok := parseNumber(s)
		switch {
		case !ok && fl.typ == "integer":
			d.fail(ptr, "decode.number.integer")
			return s
		case !ok:
			d.fail(ptr, "decode.number")
			return s
		case fl.typ == "integer" && x != math.Trunc(x):
			d.fail(ptr, "decode.integer")
			return s
		}
		return x
	case "boolean":
		switch strings.ToLower(s) {
		case "true", "on", "1", "si", "sì":
			return true
		case "false", "off", "0", "no":
			return false
		}
		d.fail(ptr, "decode.boolean")
		return s
	}
	switch fl.Kind {
	case KindDate:
		return normalizeDate(s)
	case KindTime:
		return normalizeTime(s)
	case KindDateTime:
		return normalizeDateTime(s)
	}
	return normalizeFormat(fl.Format, s)
}

// tooLong reports a posted value longer than the field's cap
// (Field.LengthCap): the draft keeps its previous answer, so a post can
// never store a text of megabytes.
func (d *stepDecoder) tooLong(fl *Field, ptr, s string) bool {
	limit := fl.LengthCap()
	if len(s) <= limit || utf8.RuneCountInString(s) <= limit {
		return false
	}
	d.errs = append(d.errs, FieldError{Pointer: ptr, Message: countMessage("maxLength", limit, d.lang), Refused: true})
	return true
}

// fail records a conversion error.
func (d *stepDecoder) fail(ptr, key string) {
	d.errs = append(d.errs, FieldError{Pointer: ptr, Message: Messages.T(d.lang, key)})
}

// optionValue returns the option value posted as s (typed as in the
// schema), or s itself when no option matches (Validate reports it).
func optionValue(fl *Field, s string) any {
	for _, o := range fl.Options {
		if postedString(o.Value) == s {
			return o.Value
		}
	}
	return s
}

// parseNumber reads "12,5", "12.5", "1.234,5" and "-3" (spaces ignored).
func parseNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(s, " ", "")
	if strings.Contains(s, ",") {
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

// isTrue reports whether a posted checkbox value means checked.
func isTrue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "on", "1", "si", "sì", "yes":
		return true
	}
	return false
}

// normalizeNewlines turns the CRLF (and lone CR) line breaks that browsers
// post for a textarea into LF, so a text counts as many characters as the
// browser's maxlength let the citizen type.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
