package schemas

import (
	"fmt"
	"strings"

	"github.com/modulario/modulario"
)

// checkAppointment reports the definition errors of an appointment field:
// widget "appointment" needs {"type": "string", "format": "appuntamento"}
// and at least one calendar, the format needs the widget, and the field
// must be a top-level property (checkAppointmentSteps then checks that it
// is alone on its step).
func (b *fieldBuilder) checkAppointment(f *Field, p *propDef, pathPrefix string, u FieldUI) {
	if b.problems == nil {
		return
	}
	ptr := "/schema" + p.schemaPtr
	uiPtr := joinPointer("/ui/fields", f.Path)
	isWidget, isFormat := u.Widget == "appointment", f.Format == modulario.FormatAppointment
	switch {
	case isWidget && (f.typ != "string" || f.Nullable || !isFormat || len(f.Options) > 0):
		b.problems[ptr] = `is an appointment field ("widget": "appointment"): it must be {"type": "string", "format": "appuntamento"}, without choices`
	case isFormat && !isWidget:
		b.problems[ptr] = fmt.Sprintf(`has "format": "appuntamento": give it "widget": "appointment" and its "calendars" in ui.fields[%q]`, f.Path)
	case isWidget && pathPrefix != "":
		b.problems[ptr] = "is an appointment field: it must be a top-level property of the schema, alone on its step, not inside a group or a repeatable group"
	}
	switch {
	case isWidget && len(u.Calendars) == 0:
		b.problems[uiPtr] = `is an appointment field: list the calendars it books in "calendars", e.g. ["sede-centrale"]`
	case !isWidget && len(u.Calendars) > 0:
		b.problems[joinPointer(uiPtr, "calendars")] = `is only for fields with "widget": "appointment"`
	}
}

// checkAppointmentSteps reports steps where an appointment field is not the
// only input: the slot picker takes the whole step (informative markdown
// paragraphs are allowed beside it).
func checkAppointmentSteps(def *Definition, steps []*Step, problems map[string]string) {
	for i, st := range steps {
		var appt *Field
		inputs := 0
		for _, f := range st.Fields {
			if f.Kind == KindMarkdown {
				continue
			}
			inputs++
			if f.Kind == KindAppointment && appt == nil {
				appt = f
			}
		}
		if appt == nil || inputs == 1 {
			continue
		}
		msg := fmt.Sprintf("holds the appointment field %q with other fields: an appointment field must be the only input of its step (markdown paragraphs are allowed); move the other fields to another step", appt.Name)
		if len(def.UI.Steps) == 0 {
			problems["/ui"] = "has no steps but the form " + strings.TrimPrefix(msg, "holds ") +
				`; list the steps in "ui": {"steps": [...]}`
			continue
		}
		problems[fmt.Sprintf("/ui/steps/%d/fields", i)] = msg
	}
}

// AppointmentText phrases an appointment answer for people, at the time
// zone offset the value carries (the calendar's): "giovedì 3 dicembre
// 2026, ore 9:30" in Italian, "Thursday 3 December 2026, 9:30" in
// English. A value that is not an appointment is returned as it is.
func AppointmentText(value, lang string) string {
	_, start, err := modulario.ParseAppointmentValue(value)
	if err != nil {
		return value
	}
	if lang == "en" {
		return LongDate(lang, start) + ", " + Clock(start)
	}
	return LongDate(lang, start) + ", ore " + Clock(start)
}

// appointmentCell is the export cell of an appointment answer: the
// caller's text when files has one, else "03/12/2026 09:30, calendar".
func appointmentCell(value string, files map[string]string) string {
	if s, ok := files[value]; ok {
		return s
	}
	cal, start, err := modulario.ParseAppointmentValue(value)
	if err != nil {
		return value
	}
	return start.Format("02/01/2006 15:04") + ", " + cal
}
