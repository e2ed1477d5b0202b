package schemas

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// prefillKinds are the kinds a link may preset: visible controls the
// citizen can read and change on their step. Hidden, file, appointment
// and markdown fields are never prefilled: a link must not set data the
// citizen cannot see or that grants something (a held slot, a file).
var prefillKinds = map[Kind]bool{
	KindText: true, KindTextarea: true, KindNumber: true, KindDate: true, KindTime: true,
	KindSelect: true, KindRadio: true, KindCheckbox: true, KindCheckboxes: true,
}

// PrefillReserved are query parameter names the citizen side uses for
// itself; a field with one of these names cannot be prefilled.
var PrefillReserved = []string{"lang", "embed", "token"}

// checkPrefill reports a "prefill": true that the field cannot honour. The
// message is in Italian: it is read by the staff who set the option.
func (b *fieldBuilder) checkPrefill(f *Field, n node, pathPrefix string, u FieldUI) {
	if b.problems == nil || !u.Prefill {
		return
	}
	if why := prefillRefusal(f, n, pathPrefix, u); why != "" {
		b.problems[joinPointer("/ui/fields", f.Path, "prefill")] = `"prefill" is not allowed here: ` + why
	}
}

// prefillRefusal says why field f (declared by schema node n) cannot be
// prefilled, or returns "".
func prefillRefusal(f *Field, n node, pathPrefix string, u FieldUI) string {
	_, hasConst := n.m["const"]
	switch {
	case pathPrefix != "":
		return "only top-level fields can be prefilled, not fields inside a group or a repeatable group"
	case IsPrefillReserved(f.Name):
		return "the name " + strconv.Quote(f.Name) + " is reserved (" + strings.Join(PrefillReserved, ", ") + "): rename the field"
	case f.Kind == KindHidden:
		return "a hidden field is never prefilled from a link"
	case u.Widget == "markdown":
		return "a markdown paragraph has no answer to prefill"
	case f.ReadOnly:
		return "a readOnly field is never prefilled"
	case hasConst:
		return "a field with a fixed value (const) is never prefilled"
	case !prefillKinds[f.Kind]:
		return "only text, number, date, time, choice and checkbox fields can be prefilled; not files, appointments, groups or date-times"
	}
	return ""
}

// checkPrefillMarkdown reports "prefill" on the informative paragraphs of
// ui.fields that are not schema properties (the field builder never sees
// them).
func checkPrefillMarkdown(def *Definition, problems map[string]string) {
	for _, key := range sortedKeys(def.UI.Fields) {
		if u := def.UI.Fields[key]; u.Widget == "markdown" && u.Prefill {
			problems[joinPointer("/ui/fields", key, "prefill")] = `"prefill" is not allowed here: a markdown paragraph has no answer to prefill`
		}
	}
}

// IsPrefillReserved reports whether name is a reserved query parameter.
func IsPrefillReserved(name string) bool {
	return slices.Contains(PrefillReserved, name)
}

// PrefillFields returns the top-level fields a link may preset, in step
// order: those with "prefill": true in ui.fields. Compile refuses the
// option anywhere else, and the kind is checked again here so an old
// stored version can never widen what a link sets.
func (f *Form) PrefillFields() []*Field {
	var out []*Field
	for _, st := range f.Steps {
		for _, fl := range st.Fields {
			if f.prefillable(fl) {
				out = append(out, fl)
			}
		}
	}
	return out
}

// PrefillField returns the top-level field name a link may preset, or nil.
func (f *Form) PrefillField(name string) *Field {
	if fl := f.c.top[name]; fl != nil && f.prefillable(fl) {
		return fl
	}
	return nil
}

// prefillable reports whether the top-level field fl may be prefilled.
func (f *Form) prefillable(fl *Field) bool {
	u, ok := f.Def.UI.Fields[fl.Path]
	return ok && u.Prefill && prefillKinds[fl.Kind] && !fl.ReadOnly && !IsPrefillReserved(fl.Name)
}

// PrefillValue converts the query values raw of prefill field name into
// its answer, as a step post would (a number from "42", the options of a
// checkbox group from repeated values, a normalised codice fiscale), and
// validates it against the field's schema. It reports false when name is
// not a prefill field, or the value is empty, cannot be converted or is
// not valid (not one of the choices, a wrong checksum, too long, ...).
func (f *Form) PrefillValue(name string, raw []string) (any, bool) {
	fl := f.PrefillField(name)
	if fl == nil || len(raw) == 0 {
		return nil, false
	}
	d := &stepDecoder{values: url.Values{fl.Pointer: raw}, lang: "it"}
	out := map[string]any{}
	if fl.Kind == KindCheckbox {
		// A step post reads an absent box as false; a link must say it.
		if s := strings.TrimSpace(raw[len(raw)-1]); s != "" {
			SetPointer(out, fl.Pointer, d.convert(fl, fl.Pointer, s))
		}
	} else {
		d.field(out, fl, fl.Pointer)
	}
	v, ok := GetPointer(out, fl.Pointer)
	if !ok || len(d.errs) > 0 {
		return nil, false
	}
	for _, e := range f.Validate(out, "it") {
		if e.Pointer == fl.Pointer || strings.HasPrefix(e.Pointer, fl.Pointer+"/") {
			return nil, false
		}
	}
	return v, true
}
