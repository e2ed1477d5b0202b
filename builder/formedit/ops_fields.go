package formedit

import (
	"strings"
)

// AddField adds a field of type t at the end of step and returns its path.
// The property name is derived from the label ("Codice fiscale" →
// "codice_fiscale", then "codice_fiscale_2").
func (d *Doc) AddField(step int, t FieldType, label string) (string, error) {
	steps := d.ensureSteps()
	if step < 0 || step >= len(steps) {
		return "", notFoundf("step.not_found")
	}
	if t == TypeAppointment {
		return d.AddAppointment(step, label, nil)
	}
	label = strings.TrimSpace(label)
	if err := checkNew(t, label); err != nil {
		return "", err
	}
	if t != TypeInfo && d.stepHasAppointment(step) {
		return "", invalidf(map[string]string{"type": msg.T("it", "field.appointment_step")}, "field.appointment_step")
	}
	name := uniqueName(slugName(label), d.topTaken)
	steps[step].set("fields", append(steps[step].arr("fields"), name))
	if t == TypeInfo {
		d.ensureUIField(name).set("widget", "markdown")
		d.ensureUIField(name).set("text", label)
		return name, nil
	}
	prop, ui := newProperty(t, label)
	d.schema().ensure("properties").set(name, prop)
	if t == TypeConsent {
		setRequired(d.schema(), name, true)
	}
	d.putUI(name, ui)
	d.setContact(t, name)
	return name, nil
}

// checkNew validates the type and label of a new field.
func checkNew(t FieldType, label string) error {
	if !valid(t) {
		return invalidf(map[string]string{"type": msg.T("it", "field.bad_type")}, "field.bad_type")
	}
	if label == "" {
		return invalidf(map[string]string{"label": msg.T("it", "field.need_label")}, "field.need_label")
	}
	return nil
}

// putUI stores a non-empty ui entry for path.
func (d *Doc) putUI(path string, ui *object) {
	if len(ui.ks()) > 0 {
		d.ui().ensure("fields").set(path, ui)
	}
}

// setContact names the form's first email, phone or codice fiscale field
// as the citizen's contact, so notifications to "citizen" work.
func (d *Doc) setContact(t FieldType, name string) {
	key := map[FieldType]string{TypeEmail: "email", TypePhone: "phone", TypeFiscalCode: "fiscalCode"}[t]
	if key == "" || d.root.obj("contacts").str(key) != "" {
		return
	}
	d.root.ensure("contacts").set(key, name)
}

// AddChild adds a field to the group at groupPath (a gruppo ripetibile,
// an indirizzo or another group) and returns its path.
func (d *Doc) AddChild(groupPath string, t FieldType, label string) (string, error) {
	s, err := d.locate(groupPath)
	if err != nil {
		return "", err
	}
	gt := classify(s.prop, d.uiField(groupPath))
	if gt != TypeRepeat && gt != TypeGroup && gt != TypeAddress {
		return "", invalidf(nil, "field.not_group")
	}
	label = strings.TrimSpace(label)
	if err := checkNew(t, label); err != nil {
		return "", err
	}
	switch t {
	case TypeInfo, TypeRepeat, TypeAddress, TypeFile, TypePhoto, TypeAppointment:
		return "", invalidf(map[string]string{"type": msg.T("it", "field.bad_child")}, "field.bad_child")
	}
	holder := childHolder(s.prop)
	props := holder.ensure("properties")
	name := uniqueName(slugName(label), props.has)
	prop, ui := newProperty(t, label)
	props.set(name, prop)
	if t == TypeConsent {
		setRequired(holder, name, true)
	}
	d.putUI(groupPath+"/"+name, ui)
	return groupPath + "/" + name, nil
}

// MoveField moves a field by delta places. A top-level field moved past
// the first or last place of its step goes to the end of the previous
// step or the start of the next one; a nested field moves among its
// siblings.
func (d *Doc) MoveField(path string, delta int) error {
	if i := strings.LastIndex(path, "/"); i >= 0 {
		return d.moveChild(path[:i], path[i+1:], delta)
	}
	d.ensureSteps()
	si, pos := d.stepOf(path)
	if si < 0 {
		return notFoundf("field.not_found", path)
	}
	steps := d.steps()
	names := steps[si].arr("fields")
	to := pos + delta
	if to < 0 && si > 0 || to >= len(names) && si < len(steps)-1 {
		dest := si - 1
		if to >= 0 {
			dest = si + 1
		}
		if err := d.checkAppointmentMove(path, dest); err != nil {
			return err
		}
	}
	switch {
	case to < 0 && si > 0:
		steps[si].set("fields", removeAt(names, pos))
		steps[si-1].set("fields", append(steps[si-1].arr("fields"), path))
	case to >= len(names) && si < len(steps)-1:
		steps[si].set("fields", removeAt(names, pos))
		steps[si+1].set("fields", append([]any{path}, steps[si+1].arr("fields")...))
	default:
		to = min(max(to, 0), len(names)-1)
		steps[si].set("fields", insertAt(removeAt(names, pos), to, path))
	}
	return nil
}

// moveChild reorders a nested field among its siblings.
func (d *Doc) moveChild(parent, name string, delta int) error {
	s, err := d.locate(parent)
	if err != nil {
		return err
	}
	props := childHolder(s.prop).obj("properties")
	pos := -1
	for i, k := range props.ks() {
		if k == name {
			pos = i
		}
	}
	if pos < 0 {
		return notFoundf("field.not_found", parent+"/"+name)
	}
	keys := append(props.keys[:pos:pos], props.keys[pos+1:]...)
	to := min(max(pos+delta, 0), len(keys))
	props.keys = append(keys[:to:to], append([]string{name}, keys[to:]...)...)
	return nil
}

// removeAt returns list without element i.
func removeAt(list []any, i int) []any {
	return append(list[:i:i], list[i+1:]...)
}

// insertAt returns list with v inserted at i.
func insertAt(list []any, i int, v any) []any {
	return append(list[:i:i], append([]any{v}, list[i:]...)...)
}

// MoveFieldToStep moves a top-level field to the end of another step.
func (d *Doc) MoveFieldToStep(path string, step int) error {
	steps := d.ensureSteps()
	if step < 0 || step >= len(steps) {
		return notFoundf("step.not_found")
	}
	si, pos := d.stepOf(path)
	if si < 0 {
		return notFoundf("field.not_found", path)
	}
	if si == step {
		return nil
	}
	if err := d.checkAppointmentMove(path, step); err != nil {
		return err
	}
	steps[si].set("fields", removeAt(steps[si].arr("fields"), pos))
	steps[step].set("fields", append(steps[step].arr("fields"), path))
	return nil
}

// DeleteField removes a field. It refuses with ECONFLICT, naming them,
// when conditions of other fields or rules read it.
func (d *Doc) DeleteField(path string) error {
	if i := strings.LastIndex(path, "/"); i >= 0 {
		s, err := d.locate(path)
		if err != nil {
			return err
		}
		s.parent.obj("properties").del(s.name)
		setRequired(s.parent, s.name, false)
		d.dropUIField(path)
		return nil
	}
	slots := d.topSlots(path)
	if len(slots) == 0 && d.uiField(path).str("widget") != "markdown" {
		return notFoundf("field.not_found", path)
	}
	deps := d.conditionsOn(path)
	for _, r := range d.rulesOn(path) {
		deps = append(deps, msg.T("it", "rule.named", r))
	}
	if len(deps) > 0 {
		return conflictf("field.in_use", strings.Join(deps, ", "))
	}
	for _, s := range slots {
		d.removeSlot(s)
	}
	d.ensureSteps()
	if si, pos := d.stepOf(path); si >= 0 {
		d.steps()[si].set("fields", removeAt(d.steps()[si].arr("fields"), pos))
	}
	d.dropUIField(path)
	if c := d.root.obj("contacts"); c != nil {
		for _, k := range append([]string(nil), c.ks()...) {
			if strings.TrimPrefix(c.str(k), "/") == path {
				c.del(k)
			}
		}
		if len(c.ks()) == 0 {
			d.root.del("contacts")
		}
	}
	return nil
}
