package formedit

import (
	"strings"

	"github.com/modulario/modulario"
)

// maxCalendars bounds the calendars of one appointment field.
const maxCalendars = 20

// appointmentName is the property name of a new appointment field, so the
// answer is at "/appuntamento" as in the examples.
const appointmentName = "appuntamento"

// AddAppointment adds an appointment field booking calendars (at least
// one) and returns its path. The field takes a whole step: when step
// already has input fields, a new step titled label is inserted after it
// to hold the field. An empty label becomes "Data e orario".
func (d *Doc) AddAppointment(step int, label string, calendars []string) (string, error) {
	steps := d.ensureSteps()
	if step < 0 || step >= len(steps) {
		return "", notFoundf("step.not_found")
	}
	label = strings.TrimSpace(label)
	if label == "" || label == paletteLabel(TypeAppointment) {
		label = msg.T("it", "appointment.default_label")
	}
	cals, err := checkCalendars(calendars)
	if err != nil {
		return "", err
	}
	if d.stepInputs(step) > 0 {
		i, err := d.AddStep(label)
		if err != nil {
			return "", err
		}
		for ; i > step+1; i-- {
			if err := d.MoveStep(i, -1); err != nil {
				return "", err
			}
		}
		step = i
		steps = d.steps()
	}
	name := uniqueName(appointmentName, d.topTaken)
	steps[step].set("fields", append(steps[step].arr("fields"), name))
	prop := objectOf("type", "string", "format", modulario.FormatAppointment, "title", label)
	d.schema().ensure("properties").set(name, prop)
	setRequired(d.schema(), name, true)
	d.putUI(name, objectOf("widget", "appointment", "calendars", strs(cals)))
	return name, nil
}

// checkCalendars requires 1 to maxCalendars distinct calendar slugs.
func checkCalendars(calendars []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, c := range calendars {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] {
			continue
		}
		if !modulario.ValidSlug(c) || len(c) > 60 {
			return nil, invalidf(map[string]string{"calendars": msg.T("it", "field.bad_calendar", c)}, "field.invalid")
		}
		seen[c] = true
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, invalidf(map[string]string{"calendars": msg.T("it", "field.need_calendar")}, "field.need_calendar")
	}
	if len(out) > maxCalendars {
		return nil, invalidf(map[string]string{"calendars": msg.T("it", "field.many_calendars", maxCalendars)}, "field.invalid")
	}
	return out, nil
}

// stepInputs counts the fields of step i that take an answer (everything
// but informative texts).
func (d *Doc) stepInputs(i int) int {
	steps := d.steps()
	if i < 0 || i >= len(steps) {
		return 0
	}
	n := 0
	for _, name := range steps[i].strings("fields") {
		if d.uiField(name).str("widget") != "markdown" {
			n++
		}
	}
	return n
}

// stepHasAppointment reports whether step i holds an appointment field.
func (d *Doc) stepHasAppointment(i int) bool {
	steps := d.steps()
	if i < 0 || i >= len(steps) {
		return false
	}
	for _, name := range steps[i].strings("fields") {
		if d.isAppointment(name) {
			return true
		}
	}
	return false
}

// isAppointment reports whether the top-level field name is an
// appointment field.
func (d *Doc) isAppointment(name string) bool {
	return d.uiField(name).str("widget") == "appointment"
}

// checkAppointmentMove refuses to move an input field into a step with an
// appointment field, or an appointment field into a step with inputs.
func (d *Doc) checkAppointmentMove(path string, dest int) error {
	if d.uiField(path).str("widget") == "markdown" {
		return nil
	}
	if d.stepHasAppointment(dest) || d.isAppointment(path) && d.stepInputs(dest) > 0 {
		return invalidf(map[string]string{"step": msg.T("it", "field.appointment_step")}, "field.appointment_step")
	}
	return nil
}
