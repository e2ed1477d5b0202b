package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/modulario/modulario"
)

// Error ranks: a lower rank is the more useful message for one field.
const (
	rankRequired = iota
	rankType
	rankFormat
	rankChoice
	// rankTooLong is an answer over the default length cap: more useful
	// than a pattern's message for a pasted page of text.
	rankTooLong
	rankOther
	rankUnknown
)

// rankedError is a candidate message for one pointer.
type rankedError struct {
	rank int
	msg  string
}

// errorSet keeps the best message per pointer.
type errorSet map[string]rankedError

func (s errorSet) add(ptr string, rank int, msg string) {
	if cur, ok := s[ptr]; !ok || rank < cur.rank {
		s[ptr] = rankedError{rank: rank, msg: msg}
	}
}

// Validate checks data (pruned first by the caller) against the schema and
// returns every error, in field order, with messages in lang ("it" or "en").
// Properties that no field of the form declares are reported as unknown.
func (f *Form) Validate(data map[string]any, lang string) []FieldError {
	set := errorSet{}
	v, err := jsonValueOf(data)
	if err != nil {
		set.add("", rankOther, Messages.T(lang, "invalid"))
	} else if err := f.c.schema.Validate(v); err != nil {
		var verr *jsonschema.ValidationError
		if errors.As(err, &verr) {
			f.collect(verr, lang, set)
		} else {
			set.add("", rankOther, Messages.T(lang, "invalid"))
		}
	}
	f.unknownFields(data, f.topFields(), "", lang, set)
	out := make([]FieldError, 0, len(set))
	for p, e := range set {
		out = append(out, FieldError{Pointer: p, Message: e.msg})
	}
	f.sortErrors(out)
	return out
}

// jsonValueOf converts data to the plain JSON values the validator expects
// (so []string, int or custom types in data cannot confuse it).
func jsonValueOf(data map[string]any) (any, error) {
	if data == nil {
		data = map[string]any{}
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	return v, dec.Decode(&v)
}

// collect turns the library's error tree into one message per pointer.
func (f *Form) collect(e *jsonschema.ValidationError, lang string, set errorSet) {
	ptr := joinPointer("", e.InstanceLocation...)
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.AllOf, *kind.Reference:
		for _, c := range e.Causes {
			f.collect(c, lang, set)
		}
	case *kind.Required, *kind.DependentRequired, *kind.Dependency:
		// Reported at the parent object: move them to each missing child.
		for _, m := range missingOf(k) {
			p := joinPointer(ptr, m)
			set.add(p, rankRequired, f.requiredMessage(p, lang))
		}
	case *kind.AnyOf:
		// "At least one of email or telefono": name the fields, because a
		// root-level error has no field of its own to sit beside.
		if names := requiredAlternatives(e); len(names) > 0 {
			set.add(ptr, rankRequired, Messages.T(lang, "anyOf.required", f.labelList(ptr, names)))
			return
		}
		rank, msg := f.message(e.ErrorKind, ptr, lang)
		set.add(ptr, rank, msg)
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			set.add(joinPointer(ptr, p), rankUnknown, Messages.T(lang, "unknown"))
		}
	default:
		rank, msg := f.message(e.ErrorKind, ptr, lang)
		set.add(ptr, rank, msg)
	}
}

// requiredAlternatives returns the properties missing in the alternatives
// of a failed anyOf when every alternative failed only for missing
// properties, and nil otherwise.
func requiredAlternatives(e *jsonschema.ValidationError) []string {
	var names []string
	var walk func(c *jsonschema.ValidationError) bool
	walk = func(c *jsonschema.ValidationError) bool {
		switch k := c.ErrorKind.(type) {
		case *kind.Required:
			names = append(names, k.Missing...)
			return true
		case *kind.Schema, *kind.Group, *kind.AllOf, *kind.Reference:
			for _, cc := range c.Causes {
				if !walk(cc) {
					return false
				}
			}
			return len(c.Causes) > 0
		}
		return false
	}
	for _, c := range e.Causes {
		if !walk(c) {
			return nil
		}
	}
	return names
}

// labelList names the fields under the object at ptr, by label, once each.
func (f *Form) labelList(ptr string, names []string) string {
	seen := map[string]bool{}
	var labels []string
	for _, n := range names {
		label := n
		if fl := f.FieldAt(joinPointer(ptr, n)); fl != nil && fl.Label != "" {
			label = fl.Label
		}
		if !seen[label] {
			seen[label] = true
			labels = append(labels, label)
		}
	}
	return strings.Join(labels, ", ")
}

// requiredMessage phrases a missing answer: an appointment field asks for
// a day and a time, the others say the field is required.
func (f *Form) requiredMessage(ptr, lang string) string {
	if fl := f.FieldAt(ptr); fl != nil && fl.Kind == KindAppointment {
		return Messages.T(lang, "format."+modulario.FormatAppointment)
	}
	return Messages.T(lang, "required")
}

// missingOf returns the missing property names of a required-like kind.
func missingOf(k jsonschema.ErrorKind) []string {
	switch k := k.(type) {
	case *kind.Required:
		return k.Missing
	case *kind.DependentRequired:
		return k.Missing
	case *kind.Dependency:
		return k.Missing
	}
	return nil
}

// message phrases one error kind for a citizen.
func (f *Form) message(k jsonschema.ErrorKind, ptr, lang string) (int, string) {
	t := func(key string, args ...any) string { return Messages.T(lang, key, args...) }
	fl := f.FieldAt(ptr)
	switch k := k.(type) {
	case *kind.Type:
		if fl != nil && fl.Kind == KindAppointment {
			return rankType, t("format." + modulario.FormatAppointment)
		}
		return rankType, typeMessage(k.Want, lang)
	case *kind.Format:
		if fl != nil && fl.ErrorMessage != "" {
			return rankFormat, fl.ErrorMessage
		}
		if _, ok := Messages["it"]["format."+k.Want]; ok {
			return rankFormat, t("format." + k.Want)
		}
		return rankFormat, withExample(t("format"), fl, lang)
	case *kind.Pattern:
		if fl != nil && fl.ErrorMessage != "" {
			return rankOther, fl.ErrorMessage
		}
		return rankOther, withExample(t("pattern"), fl, lang)
	case *kind.Enum:
		return rankChoice, t("enum")
	case *kind.Const:
		if k.Want == true {
			return rankChoice, t("const.true")
		}
		if fl != nil && fl.OptionLabel(k.Want) != "" {
			return rankChoice, t("const", fl.OptionLabel(k.Want))
		}
		return rankChoice, t("const", postedString(k.Want))
	case *kind.AnyOf, *kind.OneOf:
		return rankChoice, choiceMessage(k, fl, lang)
	case *kind.MinLength:
		return rankOther, countMessage("minLength", k.Want, lang)
	case *kind.MaxLength:
		return rankOther, countMessage("maxLength", k.Want, lang)
	case *kind.Minimum:
		return rankOther, t("minimum", ratString(k.Want, lang))
	case *kind.Maximum:
		return rankOther, t("maximum", ratString(k.Want, lang))
	case *kind.ExclusiveMinimum:
		return rankOther, t("exclusiveMinimum", ratString(k.Want, lang))
	case *kind.ExclusiveMaximum:
		return rankOther, t("exclusiveMaximum", ratString(k.Want, lang))
	case *kind.MultipleOf:
		return rankOther, t("multipleOf", ratString(k.Want, lang))
	case *kind.MinItems:
		return rankOther, itemsMessage("minItems", k.Want, fl, lang)
	case *kind.MaxItems:
		return rankOther, itemsMessage("maxItems", k.Want, fl, lang)
	}
	return rankOther, f.otherMessage(k, lang)
}

// otherMessage covers the rarer kinds.
func (f *Form) otherMessage(k jsonschema.ErrorKind, lang string) string {
	key := "invalid"
	switch k := k.(type) {
	case *kind.UniqueItems:
		key = "uniqueItems"
	case *kind.Not:
		key = "not"
	case *kind.FalseSchema:
		key = "falseSchema"
	case *kind.MinProperties:
		return Messages.T(lang, "minProperties", k.Want)
	case *kind.MaxProperties:
		return Messages.T(lang, "maxProperties", k.Want)
	case *kind.Contains, *kind.MinContains, *kind.MaxContains:
		key = "contains"
	case *kind.PropertyNames:
		key = "unknown"
	case *kind.ContentEncoding, *kind.ContentMediaType, *kind.ContentSchema:
		key = "content"
	}
	return Messages.T(lang, key)
}

// withExample adds the field's first example to a generic message about
// the format: "Il valore non è nel formato richiesto, ad esempio 00123456".
func withExample(message string, fl *Field, lang string) string {
	if fl == nil || fl.Example == "" {
		return message
	}
	return message + Messages.T(lang, "example", fl.Example)
}

// typeMessage names the expected type.
func typeMessage(want []string, lang string) string {
	for _, w := range want {
		if w == "null" {
			continue
		}
		if _, ok := Messages["it"]["type."+w]; ok {
			return Messages.T(lang, "type."+w)
		}
	}
	return Messages.T(lang, "type")
}

// choiceMessage explains an anyOf/oneOf failure: a labelled choice
// becomes "choose one of the options".
func choiceMessage(k jsonschema.ErrorKind, fl *Field, lang string) string {
	if o, ok := k.(*kind.OneOf); ok && len(o.Subschemas) > 1 {
		return Messages.T(lang, "oneOf.many")
	}
	if fl != nil && len(fl.Options) > 0 {
		return Messages.T(lang, "enum")
	}
	if _, ok := k.(*kind.OneOf); ok {
		return Messages.T(lang, "oneOf")
	}
	return Messages.T(lang, "anyOf")
}

// itemsMessage words minItems/maxItems for choices or repeatable groups.
func itemsMessage(key string, n int, fl *Field, lang string) string {
	if fl != nil && fl.Kind == KindRepeat {
		key += ".repeat"
	}
	return countMessage(key, n, lang)
}

// countMessage is the message key with count n, in its singular form
// (key + ".one") when n is 1.
func countMessage(key string, n int, lang string) string {
	if n == 1 {
		return Messages.T(lang, key+".one")
	}
	return Messages.T(lang, key, n)
}

// ValidateDocument is Validate for answers sent whole through the JSON
// API: the same errors, but the examples of dates are written as the API
// takes them (2025-12-31), since "31/12/2025" is read only on the steps.
func (f *Form) ValidateDocument(data map[string]any, lang string) []FieldError {
	errs := f.Validate(data, lang)
	for i, e := range errs {
		fl := f.FieldAt(e.Pointer)
		if fl == nil || fl.Format != "date" && fl.Format != "date-time" {
			continue
		}
		if key := "format." + fl.Format; e.Message == Messages.T(lang, key) {
			errs[i].Message = Messages.T(lang, key+".api")
		}
	}
	return errs
}

// ratString formats a schema number the way the language writes it.
func ratString(r *big.Rat, lang string) string {
	if r == nil {
		return ""
	}
	x, _ := r.Float64()
	return formatNumber(x, lang)
}

// formatNumber writes x with a decimal comma in Italian.
func formatNumber(x float64, lang string) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
