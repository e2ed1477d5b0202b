package formedit

import (
	"encoding/json"
	"strings"
)

// View returns what the editor shows of the document.
func (d *Doc) View() *View {
	v := &View{Meta: d.meta(), Rules: d.rules()}
	steps := d.steps()
	if len(steps) == 0 {
		steps = []*object{objectOf("title", d.root.str("title"), "fields", strs(d.topNames()))}
	}
	for i, st := range steps {
		sv := StepView{Index: i, Title: st.str("title"), Intro: st.str("intro")}
		for _, name := range st.strings("fields") {
			fv, ok := d.fieldView(name)
			if !ok {
				continue
			}
			sv.Fields = append(sv.Fields, fv)
			if fv.Type != TypeInfo {
				v.Fields = append(v.Fields, FieldRef{Path: fv.Path, Label: fv.Label, Type: fv.Type,
					Options: fv.Options, Step: i})
			}
		}
		sv.Condition = stepCondition(sv.Fields)
		v.Steps = append(v.Steps, sv)
	}
	return v
}

// stepCondition returns the condition every answerable field shares.
func stepCondition(fields []FieldView) *Condition {
	var c *Condition
	n := 0
	for _, f := range fields {
		if f.Type == TypeInfo {
			continue
		}
		if f.Condition == nil || n > 0 && !sameCondition(c, f.Condition) {
			return nil
		}
		c, n = f.Condition, n+1
	}
	return c
}

// sameCondition compares two conditions.
func sameCondition(a, b *Condition) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Field == b.Field && a.Op == b.Op && strings.Join(a.Values, "\x00") == strings.Join(b.Values, "\x00")
}

// Field returns one field (top-level or nested) as the editor shows it.
func (d *Doc) Field(path string) (FieldView, error) {
	fv, ok := d.fieldView(path)
	if !ok {
		return FieldView{}, notFoundf("field.not_found", path)
	}
	return fv, nil
}

// fieldView builds the view of the field or informative text at path.
func (d *Doc) fieldView(path string) (FieldView, bool) {
	s, err := d.locate(path)
	if err != nil {
		u := d.uiField(path)
		if u.str("widget") != "markdown" {
			return FieldView{}, false
		}
		return FieldView{Path: path, Name: path, Type: TypeInfo, Label: paletteLabel(TypeInfo),
			Text: u.str("text"), Help: u.str("help")}, true
	}
	return d.propView(path, s), true
}

// propView builds the view of a declared property.
func (d *Doc) propView(path string, s slot) FieldView {
	p, u := s.prop, d.uiField(path)
	t := classify(p, u)
	fv := FieldView{Path: path, Name: s.name, Type: t, Label: p.str("title"), Help: u.str("help"),
		Placeholder: u.str("placeholder"), Required: s.required(),
		MinLength: intKw(p, "minLength"), MaxLength: intKw(p, "maxLength"),
		Minimum: numKw(p, "minimum"), Maximum: numKw(p, "maximum"),
		MinItems: intKw(p, "minItems"), MaxItems: intKw(p, "maxItems")}
	if fv.Label == "" {
		fv.Label = s.name
	}
	fv.Prefill, fv.CanPrefill = u.get("prefill") == true, canPrefill(path, t, p, u)
	if family(t) == "choice" {
		fv.Options = options(choiceHolder(p))
	}
	if t == TypeAppointment {
		fv.Calendars = u.strings("calendars")
	}
	if family(t) == "file" {
		fv.Accept = u.strings("accept")
		fv.MaxSizeMB = defaultMaxSizeMB
		if n, ok := u.get("maxSize").(json.Number); ok {
			b, _ := n.Int64()
			fv.MaxSizeMB = int((b + mb - 1) / mb)
		}
	}
	reasons := []string{}
	if r := advancedReason(p); r != "" {
		reasons = append(reasons, r)
	}
	if t == TypeCheckboxes || t == TypeRepeat {
		if r := advancedReason(p.obj("items")); r != "" && t == TypeCheckboxes {
			reasons = append(reasons, r)
		}
	}
	if t == TypeAdvanced {
		reasons = append(reasons, msg.T("it", "field.advanced_type"))
	}
	if !isChildPath(path) {
		c, complex := d.condOf(path)
		fv.Condition = c
		if complex {
			reasons = append(reasons, msg.T("it", "field.advanced_condition"))
		}
	}
	if len(reasons) > 0 {
		fv.Advanced, fv.AdvancedReason = true, strings.Join(reasons, "; ")
	}
	if t == TypeAddress || t == TypeGroup || t == TypeRepeat {
		holder := childHolder(p)
		for _, k := range holder.obj("properties").ks() {
			fv.Children = append(fv.Children, d.propView(path+"/"+k, slot{holder, k, holder.obj("properties").obj(k), -1}))
		}
	}
	return fv
}

// numKw reads a numeric keyword.
func numKw(o *object, k string) *float64 {
	n, ok := o.get(k).(json.Number)
	if !ok {
		return nil
	}
	f, err := n.Float64()
	if err != nil {
		return nil
	}
	return &f
}

// intKw reads an integer keyword.
func intKw(o *object, k string) *int {
	if f := numKw(o, k); f != nil {
		i := int(*f)
		return &i
	}
	return nil
}
