package formedit

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/modulario/modulario"
)

// mediaTypeRE is the pattern of an accepted media type.
var mediaTypeRE = regexp.MustCompile(`^[a-z]+/([a-z0-9.+-]+|\*)$`)

// UpdateField applies the editable attributes of f (label, help,
// placeholder, required, options, limits, accepted files, text, and a type
// change between compatible types) to the field at path. Keys the editor
// does not model are kept untouched.
func (d *Doc) UpdateField(path string, f FieldView) error {
	s, err := d.locate(path)
	if err != nil {
		if u := d.uiField(path); u.str("widget") == "markdown" {
			u.setOrDel("text", f.Text, f.Text == "")
			return nil
		}
		return err
	}
	u := d.uiField(path)
	if u == nil {
		u = newObject()
	}
	cur := classify(s.prop, u)
	if f.Type == "" {
		f.Type = cur
	}
	if err := checkUpdate(cur, f, advancedReason(s.prop) != ""); err != nil {
		return err
	}
	retype(cur, f.Type, s.prop, u)
	s.prop.set("title", strings.TrimSpace(f.Label))
	u.setOrDel("help", f.Help, f.Help == "")
	u.setOrDel("placeholder", f.Placeholder, f.Placeholder == "")
	if f.Type != TypeConsent {
		setRequired(s.parent, s.name, f.Required)
	} else {
		setRequired(s.parent, s.name, true)
	}
	applyLimits(f, s.prop, u)
	applyPrefill(f, path, s.prop, u)
	if f.Type == TypeAppointment {
		cals, _ := checkCalendars(f.Calendars) // checked by checkUpdate
		u.set("calendars", strs(cals))
	}
	if len(u.ks()) > 0 {
		d.ui().ensure("fields").set(path, u)
	} else {
		d.dropUIField(path)
	}
	return nil
}

// checkUpdate validates an update before anything is written. Fields with
// advanced keywords keep their type.
func checkUpdate(cur FieldType, f FieldView, advanced bool) error {
	fields := map[string]string{}
	if strings.TrimSpace(f.Label) == "" {
		fields["label"] = msg.T("it", "field.need_label")
	}
	if f.Type != cur && (advanced || cur == TypeAdvanced || family(f.Type) != family(cur) || !valid(f.Type)) {
		fields["type"] = msg.T("it", "field.incompatible", paletteLabel(cur), paletteLabel(f.Type))
	}
	if len(f.Placeholder) > 200 {
		fields["placeholder"] = msg.T("it", "field.long_placeholder")
	}
	checkRange(fields, "min_length", "max_length", f.MinLength, f.MaxLength)
	checkRange(fields, "min_items", "max_items", f.MinItems, f.MaxItems)
	if f.Minimum != nil && f.Maximum != nil && *f.Minimum > *f.Maximum {
		fields["maximum"] = msg.T("it", "field.max_below_min")
	}
	if family(f.Type) == "choice" {
		checkOptions(fields, f.Options)
	}
	if f.Type == TypeAppointment {
		if _, err := checkCalendars(f.Calendars); err != nil {
			for k, v := range fieldsOf(err) {
				fields[k] = v
			}
		}
	}
	if family(f.Type) == "file" {
		for _, a := range f.Accept {
			if !mediaTypeRE.MatchString(a) {
				fields["accept"] = msg.T("it", "field.bad_accept", a)
			}
		}
		if f.MaxSizeMB < 0 || f.MaxSizeMB > 50 {
			fields["max_size_mb"] = msg.T("it", "field.bad_size")
		}
	}
	if len(fields) > 0 {
		return invalidf(fields, "field.invalid")
	}
	return nil
}

// fieldsOf returns the Fields of a *modulario.Error.
func fieldsOf(err error) map[string]string { return modulario.ErrorFields(err) }

// checkRange checks that 0 <= min <= max.
func checkRange(fields map[string]string, minKey, maxKey string, lo, hi *int) {
	if lo != nil && *lo < 0 {
		fields[minKey] = msg.T("it", "field.negative")
	}
	if hi != nil && *hi < 0 {
		fields[maxKey] = msg.T("it", "field.negative")
	}
	if lo != nil && hi != nil && *lo > *hi {
		fields[maxKey] = msg.T("it", "field.max_below_min")
	}
}

// checkOptions requires at least one option, labels, and distinct values.
func checkOptions(fields map[string]string, opts []Option) {
	if len(opts) == 0 {
		fields["options"] = msg.T("it", "field.need_options")
	}
	seen := map[string]bool{}
	for _, o := range opts {
		v := optionValue(o)
		switch {
		case strings.TrimSpace(o.Label) == "":
			fields["options"] = msg.T("it", "field.option_label")
		case seen[v]:
			fields["options"] = msg.T("it", "field.option_twice", o.Label)
		}
		seen[v] = true
	}
}

// optionValue is the value of an option, derived from its label if empty.
func optionValue(o Option) string {
	if v := strings.TrimSpace(o.Value); v != "" {
		return v
	}
	return slugName(o.Label)
}

// applyLimits writes the options and limits that make sense for f.Type.
func applyLimits(f FieldView, prop, u *object) {
	t := f.Type
	text := family(t) == "text" && t != TypeDate && t != TypeTime
	setInt(prop, "minLength", f.MinLength, text)
	setInt(prop, "maxLength", f.MaxLength, text)
	setNum(prop, "minimum", f.Minimum, t == TypeNumber)
	setNum(prop, "maximum", f.Maximum, t == TypeNumber)
	setInt(prop, "minItems", f.MinItems, t == TypeCheckboxes || t == TypeRepeat)
	setInt(prop, "maxItems", f.MaxItems, t == TypeCheckboxes || t == TypeRepeat)
	if family(t) == "choice" {
		h := choiceHolder(prop)
		if !sameOptions(options(h), f.Options) {
			for i := range f.Options {
				f.Options[i].Value = optionValue(f.Options[i])
				f.Options[i].Label = strings.TrimSpace(f.Options[i].Label)
			}
			h.del("enum")
			h.set("oneOf", optionsJSON(f.Options))
		}
	}
	if family(t) == "file" {
		if len(f.Accept) > 0 {
			u.set("accept", strs(f.Accept))
		}
		if f.MaxSizeMB > 0 {
			u.set("maxSize", num(f.MaxSizeMB*mb))
		}
	}
}

// sameOptions compares two option lists.
func sameOptions(a, b []Option) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// setInt writes or removes an integer keyword (only when allowed; a
// keyword that does not apply to the type is left alone).
func setInt(o *object, k string, v *int, allowed bool) {
	if !allowed {
		return
	}
	if v == nil {
		o.del(k)
		return
	}
	o.set(k, num(*v))
}

// setNum writes or removes a number keyword.
func setNum(o *object, k string, v *float64, allowed bool) {
	if !allowed {
		return
	}
	if v == nil {
		o.del(k)
		return
	}
	o.set(k, json.Number(strconv.FormatFloat(*v, 'f', -1, 64)))
}
