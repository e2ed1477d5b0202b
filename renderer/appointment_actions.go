package renderer

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/ics"
	"github.com/modulario/modulario/schemas"
)

// appointmentICS downloads a request's appointment as an iCalendar file:
// /pratiche/{token}/appuntamenti/{bookingID}.ics.
func (s *Server) appointmentICS(c echo.Context) error {
	lang := langOf(c)
	id, ok := strings.CutSuffix(c.Param("id"), ".ics")
	if !ok {
		return modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(lang, "err.not_found"))
	}
	sub, compiled, err := s.submissionByToken(c)
	if err != nil {
		return err
	}
	a, ok := findAppointment(sub, id)
	if !ok {
		return modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(lang, "booking.not_found"))
	}
	cal, err := s.calendar(c.Request().Context(), a.Calendar)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, `attachment; filename="appuntamento.ics"`)
	return c.Blob(http.StatusOK, ics.ContentType, ics.Encode(s.icsEntry(c, sub, compiled, a, cal)))
}

// appointmentRequest loads the request and the appointment of the URL.
func (s *Server) appointmentRequest(c echo.Context) (*modulario.Submission, *schemas.Form, modulario.Appointment, *modulario.Calendar, error) {
	lang := langOf(c)
	var none modulario.Appointment
	if s.cfg.Appointments == nil || !s.bookingOn() {
		return nil, nil, none, nil, modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(lang, "err.not_found"))
	}
	sub, compiled, err := s.submissionByToken(c)
	if err != nil {
		return nil, nil, none, nil, err
	}
	a, ok := findAppointment(sub, c.Param("id"))
	if !ok {
		return nil, nil, none, nil, modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(lang, "booking.not_found"))
	}
	cal, err := s.calendar(c.Request().Context(), a.Calendar)
	if err != nil {
		return nil, nil, none, nil, err
	}
	if cal == nil {
		return nil, nil, none, nil, modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(lang, "booking.not_found"))
	}
	return sub, compiled, a, cal, nil
}

// mayChange refuses a change the citizen can no longer make online, with
// the reason. cancelling is false for a move (a booking the office
// cancelled may be booked again).
func (s *Server) mayChange(c echo.Context, sub *modulario.Submission, a modulario.Appointment,
	cal *modulario.Calendar, cancelling bool) error {
	lang := langOf(c)
	switch {
	case !sub.Open():
		return modulario.Errorf(modulario.ECONFLICT, "%s", msg.T(lang, "tracking.closed"))
	case a.Status == modulario.BookingCancelled && !cancelling:
		return nil
	case a.Status != modulario.BookingConfirmed:
		return modulario.Errorf(modulario.ECONFLICT, "%s", msg.T(lang, "booking.not_active"))
	case !citizenMayChange(cal, a, s.cfg.Now()):
		return modulario.Errorf(modulario.EFORBIDDEN, "%s", msg.T(lang, "booking.locked", cal.ChangeHours, cal.Name))
	}
	return nil
}

// moveView is the data of the page moving an appointment.
type moveView struct {
	Sub       *modulario.Submission
	FormTitle string
	Current   string
	Picker    *pickerView
	Errors    []errorLink
	Action    string
	BackURL   string
	// Rebook is true when the office cancelled the appointment.
	Rebook bool
}

// moveFieldName is the posted name of the new slot.
const moveFieldName = "appuntamento"

// movePage shows the picker for a new slot of the same calendar.
func (s *Server) movePage(c echo.Context) error {
	sub, compiled, a, cal, err := s.appointmentRequest(c)
	if err != nil {
		return err
	}
	if err := s.mayChange(c, sub, a, cal, false); err != nil {
		return err
	}
	return s.renderMove(c, sub, compiled, a, cal, pickerInput{}, http.StatusOK)
}

// renderMove draws the move page; over carries the error, the refused
// value and the alternatives of a refused post.
func (s *Server) renderMove(c echo.Context, sub *modulario.Submission, compiled *schemas.Form,
	a modulario.Appointment, cal *modulario.Calendar, over pickerInput, status int) error {
	lang := langOf(c)
	path := "/pratiche/" + url.PathEscape(sub.Token) + "/appuntamenti/" + url.PathEscape(a.BookingID) + "/sposta"
	in := over
	in.label = msg.T(lang, "booking.new_slot")
	in.id, in.name, in.required = "nuovo-orario", moveFieldName, true
	in.calendars, in.fixed, in.base = []string{a.Calendar}, true, path
	picker, err := s.buildPicker(c, in)
	if err != nil {
		return err
	}
	v := &moveView{
		Sub: sub, FormTitle: compiled.Def.Title, Picker: picker,
		Current: appointmentText(lang, cal, a.Start), Action: link(c, path+picker.dayQuery),
		BackURL: link(c, "/pratiche/"+sub.Token), Rebook: a.Status == modulario.BookingCancelled,
	}
	if over.err != "" {
		v.Errors = []errorLink{{Href: "#" + in.id, Message: over.err}}
	}
	p := s.newPage(c, msg.T(lang, "booking.move_title", sub.Number), v)
	p.markErrors(len(v.Errors))
	return s.render(c, status, "appointment_move", p)
}

// moveSubmit moves the appointment to the chosen slot.
func (s *Server) moveSubmit(c echo.Context) error {
	lang := langOf(c)
	if crossSite(c.Request()) {
		return modulario.Errorf(modulario.EFORBIDDEN, "%s", msg.T(lang, "tracking.cross_site"))
	}
	sub, compiled, a, cal, err := s.appointmentRequest(c)
	if err != nil {
		return err
	}
	if err := s.mayChange(c, sub, a, cal, false); err != nil {
		return err
	}
	value := strings.TrimSpace(c.FormValue(moveFieldName))
	refuse := func(status int, over pickerInput) error {
		over.selected = value
		return s.renderMove(c, sub, compiled, a, cal, over, status)
	}
	calSlug, start, perr := modulario.ParseAppointmentValue(value)
	switch {
	case value == "":
		return refuse(http.StatusUnprocessableEntity, pickerInput{err: msg.T(lang, "booking.err_time"),
			calendar: a.Calendar, day: c.QueryParam("giorno")})
	case perr != nil || calSlug != a.Calendar:
		return refuse(http.StatusUnprocessableEntity, pickerInput{err: msg.T(lang, "booking.not_bookable"),
			calendar: a.Calendar, day: c.QueryParam("giorno")})
	}
	day := start.In(cal.Location()).Format("2006-01-02")
	_, err = s.cfg.Appointments.Move(c.Request().Context(), sub.ID, a.BookingID, start,
		modulario.AppointmentChange{Actor: modulario.ActorCitizen})
	switch modulario.ErrorCode(err) {
	case "":
		return c.Redirect(http.StatusSeeOther, link(c, "/pratiche/"+sub.Token+"?esito=appuntamento-spostato")+"#esito")
	case modulario.ECONFLICT:
		alts, err := s.nearest(c.Request().Context(), a.Calendar, start)
		if err != nil {
			return err
		}
		local := start.In(cal.Location())
		return refuse(http.StatusConflict, pickerInput{err: msg.T(lang, "booking.taken", schemas.Clock(local), shortDay(lang, local)),
			calendar: a.Calendar, day: day, alternatives: alts})
	case modulario.EINVALID:
		return refuse(http.StatusUnprocessableEntity, pickerInput{err: msg.T(lang, "booking.not_bookable"),
			calendar: a.Calendar, day: day})
	case modulario.EFORBIDDEN:
		return modulario.Errorf(modulario.EFORBIDDEN, "%s", msg.T(lang, "booking.locked", cal.ChangeHours, cal.Name))
	}
	return err
}

// cancelView is the data of the page confirming a cancellation.
type cancelView struct {
	Sub       *modulario.Submission
	FormTitle string
	Current   string
	// Withdraws is true when cancelling also withdraws the request (its
	// last active appointment).
	Withdraws bool
	Action    string
	BackURL   string
}

// cancelAppointmentPage asks the citizen to confirm the cancellation.
func (s *Server) cancelAppointmentPage(c echo.Context) error {
	sub, compiled, a, cal, err := s.appointmentRequest(c)
	if err != nil {
		return err
	}
	if err := s.mayChange(c, sub, a, cal, true); err != nil {
		return err
	}
	lang := langOf(c)
	path := "/pratiche/" + url.PathEscape(sub.Token) + "/appuntamenti/" + url.PathEscape(a.BookingID) + "/annulla"
	v := &cancelView{
		Sub: sub, FormTitle: compiled.Def.Title, Current: appointmentText(lang, cal, a.Start),
		Withdraws: len(sub.ActiveAppointments()) == 1,
		Action:    link(c, path), BackURL: link(c, "/pratiche/"+sub.Token),
	}
	p := s.newPage(c, msg.T(lang, "booking.cancel_title", sub.Number), v)
	return s.render(c, http.StatusOK, "appointment_cancel", p)
}

// cancelAppointmentSubmit cancels the appointment: its place is freed at
// once and, if it was the request's last one, the request is withdrawn.
func (s *Server) cancelAppointmentSubmit(c echo.Context) error {
	lang := langOf(c)
	if crossSite(c.Request()) {
		return modulario.Errorf(modulario.EFORBIDDEN, "%s", msg.T(lang, "tracking.cross_site"))
	}
	sub, _, a, cal, err := s.appointmentRequest(c)
	if err != nil {
		return err
	}
	if err := s.mayChange(c, sub, a, cal, true); err != nil {
		return err
	}
	_, err = s.cfg.Appointments.Cancel(c.Request().Context(), sub.ID, a.BookingID,
		modulario.AppointmentChange{Actor: modulario.ActorCitizen})
	switch modulario.ErrorCode(err) {
	case "":
		return c.Redirect(http.StatusSeeOther, link(c, "/pratiche/"+sub.Token+"?esito=appuntamento-annullato")+"#esito")
	case modulario.EFORBIDDEN:
		return modulario.Errorf(modulario.EFORBIDDEN, "%s", msg.T(lang, "booking.locked", cal.ChangeHours, cal.Name))
	case modulario.ECONFLICT:
		return modulario.Errorf(modulario.ECONFLICT, "%s", msg.T(lang, "booking.not_active"))
	}
	return err
}
