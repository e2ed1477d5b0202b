package renderer

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// apiSlot is a free slot offered instead of a full one.
type apiSlot struct {
	Calendar string `json:"calendar"`
	Start    string `json:"start"`
	Free     int    `json:"free"`
}

// apiConflict is the 409 answer of a submission whose slot is full: the
// field's error and the nearest free slots.
type apiConflict struct {
	*problem
	Alternatives []apiSlot `json:"alternatives"`
}

// apiAppointments are the appointments an API submission books; an
// answer naming a calendar its field does not offer is an error.
func apiAppointments(f *schemas.Form, data map[string]any, lang string) ([]modulario.Appointment, []schemas.FieldError) {
	var out []modulario.Appointment
	var errs []schemas.FieldError
	for _, fl := range appointmentFields(f) {
		calSlug, start, ok := appointmentAnswer(data, fl.Pointer)
		if !ok {
			continue
		}
		if !offers(fl, calSlug) {
			errs = append(errs, schemas.FieldError{Pointer: fl.Pointer, Message: msg.T(lang, "booking.not_bookable")})
			continue
		}
		out = append(out, modulario.Appointment{Field: fl.Pointer, Calendar: calSlug, Start: start,
			Name: citizenName(data)})
	}
	return out, errs
}

// apiRefusedSlot answers a submission whose slot was refused: 409 with
// the nearest free slots when it is full, 422 when it is not offered.
func (s *Server) apiRefusedSlot(c echo.Context, fl *schemas.Field, outcome string, data map[string]any) error {
	lang := langOf(c)
	calSlug, start, _ := appointmentAnswer(data, fl.Pointer)
	if outcome != refusedTaken {
		return writeAPIErrors(c, lang, []schemas.FieldError{{Pointer: fl.Pointer, Message: msg.T(lang, "booking.not_bookable")}})
	}
	ctx := c.Request().Context()
	cal, err := s.calendar(ctx, calSlug)
	if err != nil {
		return err
	}
	alts, err := s.nearest(ctx, calSlug, start)
	if err != nil {
		return err
	}
	local := start.In(calendarLoc(cal))
	p := &apiConflict{
		problem: &problem{
			Type: "about:blank", Title: statusTitle(lang, http.StatusConflict), Status: http.StatusConflict,
			Detail: msg.T(lang, "api.slot_taken"),
			Errors: []schemas.FieldError{{Pointer: fl.Pointer, Message: msg.T(lang, "booking.taken", schemas.Clock(local), shortDay(lang, local))}},
		},
		Alternatives: []apiSlot{},
	}
	for _, sl := range alts {
		p.Alternatives = append(p.Alternatives, apiSlot{Calendar: sl.Calendar, Start: sl.Start.Format(time.RFC3339), Free: sl.Free()})
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(http.StatusConflict)
	return jsonEncode(c.Response(), p)
}
