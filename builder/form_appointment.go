package builder

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario/builder/formedit"
)

// appointmentAddData is the page that binds a new Appuntamento field to
// its calendars.
type appointmentAddData struct {
	Step      int // 0-based
	Number    int
	Label     string
	Calendars []option
	// Booking is false when no calendar service is configured.
	Booking bool
}

// calendarOptions lists every calendar as a checkbox, checked when in
// selected.
func (s *Server) calendarOptions(ctx context.Context, selected []string) ([]option, error) {
	if s.cfg.Calendars == nil {
		return nil, nil
	}
	list, err := s.cfg.Calendars.ListCalendars(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]option, 0, len(list))
	for _, cal := range list {
		label := cal.Name
		if w := cal.Where(); w != "" && w != cal.Name {
			label += " (" + w + ")"
		}
		out = append(out, option{Value: cal.Slug, Label: label, Selected: slices.Contains(selected, cal.Slug)})
	}
	return out, nil
}

// calendarNames maps calendar slugs to names (empty without calendars).
func (s *Server) calendarNames(ctx context.Context) map[string]string {
	m := map[string]string{}
	if s.cfg.Calendars == nil {
		return m
	}
	if list, err := s.cfg.Calendars.ListCalendars(ctx); err == nil {
		for _, cal := range list {
			m[cal.Slug] = cal.Name
		}
	}
	return m
}

// appointmentAdd adds an Appuntamento field: from the palette it first
// asks for the calendars (no JavaScript needed), then adds the field on a
// step of its own and opens its page.
func (s *Server) appointmentAdd(c echo.Context, ed *editing, label string) error {
	step, _ := strconv.Atoi(c.FormValue("step"))
	form, _ := c.FormParams()
	cals := form["calendari"]
	if c.FormValue("scelta") == "" {
		return s.renderAppointmentAdd(c, http.StatusOK, ed, step, label, cals, nil)
	}
	path, err := ed.Doc.AddAppointment(step, label, cals)
	if err == nil {
		err = s.saveDoc(c, ed, "form.save", "added field "+path+" ("+string(formedit.TypeAppointment)+")")
	}
	if isInvalid(err) {
		return s.renderAppointmentAdd(c, http.StatusUnprocessableEntity, ed, step, label, cals,
			fieldErrors(err, map[string]string{"calendars": "cal-0", "label": "label"}))
	}
	if err != nil {
		return s.editorFail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, fieldURL(ed.Form.Slug, path)+"?ok=ok.fe_field_added")
}

func (s *Server) renderAppointmentAdd(c echo.Context, status int, ed *editing, step int, label string, cals []string, errs []FieldError) error {
	opts, err := s.calendarOptions(c.Request().Context(), cals)
	if err != nil {
		return err
	}
	if label == typeLabel(formedit.TypeAppointment) {
		label = s.t(c, "fe.appt.default_label")
	}
	d := &appointmentAddData{Step: step, Number: step + 1, Label: label, Calendars: opts, Booking: s.booking()}
	return s.renderEditor(c, status, ed, "appointment", s.t(c, "fe.appt.title"), d, errs)
}
