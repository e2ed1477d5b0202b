package renderer

import (
	"cmp"
	"slices"
	"strings"

	"github.com/modulario/modulario/schemas"
)

// whenNote phrases the live condition of a field, for citizens who see it
// drawn before the condition is known (without JavaScript): "Da compilare
// solo se hai scelto «Altro» in «Tipo di disservizio»". All triggers must
// hold, so their clauses are joined with "e". A trigger it cannot phrase
// (its field is unknown) gives the generic note.
func (in *viewInput) whenNote(triggers []schemas.Trigger, prefix string) string {
	parts := make([]string, 0, len(triggers))
	for _, t := range triggers {
		part := in.whenClause(t, prefix)
		if part == "" {
			return msg.T(in.lang, "when.generic")
		}
		parts = append(parts, part)
	}
	return msg.T(in.lang, "when.only", strings.Join(parts, msg.T(in.lang, "when.and")))
}

// whenClause phrases one trigger: an option chosen (or not), a box ticked
// (or not), a value entered, or a field answered at all.
func (in *viewInput) whenClause(t schemas.Trigger, prefix string) string {
	fl := in.form.FieldAt(prefix + t.Pointer)
	if fl == nil || strings.TrimSpace(fl.Label) == "" {
		return ""
	}
	quote := func(s string) string { return msg.T(in.lang, "when.quote", s) }
	// key is the message for the trigger, or its ".not" form when negated.
	key := func(k string, negate bool) string {
		if negate {
			return k + ".not"
		}
		return k
	}
	switch {
	case fl.Kind == schemas.KindCheckbox:
		// A lone box posts "true" when ticked and "false" when not.
		unticked := len(t.Values) > 0 && !slices.Contains(t.Values, "true")
		return msg.T(in.lang, key("when.ticked", t.Negate != unticked), quote(fl.Label))
	case len(t.Values) == 0:
		return msg.T(in.lang, key("when.answered", t.Negate), quote(fl.Label))
	}
	values := make([]string, len(t.Values))
	for i, v := range t.Values {
		values[i] = quote(postedLabel(fl, v, in.lang))
	}
	verb := "when.entered"
	if len(fl.Options) > 0 {
		verb = "when.chose"
	}
	return msg.T(in.lang, key(verb, t.Negate), strings.Join(values, msg.T(in.lang, "when.or")), quote(fl.Label))
}

// postedLabel is the label of the option of fl that a control posts as v,
// or v itself.
func postedLabel(fl *schemas.Field, v, lang string) string {
	for _, o := range fl.Options {
		if schemas.ValueString(o.Value) == v {
			return cmp.Or(fl.OptionText(o.Value, lang), o.Label, v)
		}
	}
	return v
}
