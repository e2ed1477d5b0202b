package renderer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// isAppointment reports whether f is an appointment field (format
// "appuntamento", widget "appointment").
func isAppointment(f *schemas.Field) bool {
	return f != nil && f.Kind == schemas.KindAppointment
}

// appointmentFields returns the form's appointment fields, in step order.
// They are top-level (the definition checks it), so Pointer is absolute.
func appointmentFields(f *schemas.Form) []*schemas.Field {
	var out []*schemas.Field
	for _, st := range f.Steps {
		for _, fl := range st.Fields {
			if isAppointment(fl) {
				out = append(out, fl)
			}
		}
	}
	return out
}

// stepAppointment returns the appointment field of step n, or nil. An
// appointment field is the only input of its step.
func stepAppointment(f *schemas.Form, n int) *schemas.Field {
	if n < 1 || n > len(f.Steps) {
		return nil
	}
	for _, fl := range f.Steps[n-1].Fields {
		if isAppointment(fl) {
			return fl
		}
	}
	return nil
}

// appointmentAnswer reads the answer of an appointment field: its calendar
// and start, ok false when there is none or it cannot be read.
func appointmentAnswer(data map[string]any, ptr string) (string, time.Time, bool) {
	v, _ := getPointer(data, ptr)
	s, _ := v.(string)
	if s == "" {
		return "", time.Time{}, false
	}
	cal, start, err := modulario.ParseAppointmentValue(s)
	return cal, start, err == nil
}

// offers reports whether the field may book calendar slug.
func offers(f *schemas.Field, slug string) bool { return slices.Contains(f.Calendars, slug) }

// bookingOn reports whether appointments can be booked on this site.
func (s *Server) bookingOn() bool { return s.cfg.Bookings != nil && s.cfg.Calendars != nil }

// calendar finds a calendar; nil when unknown or when calendars are not
// configured.
func (s *Server) calendar(ctx context.Context, slug string) (*modulario.Calendar, error) {
	if s.cfg.Calendars == nil {
		return nil, nil
	}
	cal, err := s.cfg.Calendars.FindCalendar(ctx, slug)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil, nil
	}
	return cal, err
}

// weekdayShort are the column heads of the month table, Monday first in
// the table but in time.Weekday order here.
var weekdayShort = map[string][7]string{
	"it": {"dom", "lun", "mar", "mer", "gio", "ven", "sab"},
	"en": {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
}

func namesLang(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "it"
}

// shortDay is "giovedì 3 dicembre".
func shortDay(lang string, t time.Time) string {
	return fmt.Sprintf("%s %d %s", schemas.WeekdayName(lang, t.Weekday()), t.Day(), schemas.MonthName(lang, t.Month()))
}

// monthCaption is "dicembre 2026".
func monthCaption(lang string, t time.Time) string {
	return fmt.Sprintf("%s %d", schemas.MonthName(lang, t.Month()), t.Year())
}

// clock2 is "09:30": every time of day on citizen pages (lists of slots,
// appointments, holds, receipts) is written with two-digit hours.

// whenText is "giovedì 3 dicembre 2026, ore 09:30" in the calendar's zone.
func whenText(lang string, cal *modulario.Calendar, start time.Time) string {
	t := start.In(calendarLoc(cal))
	return msg.T(lang, "booking.when", schemas.LongDate(lang, t), schemas.Clock(t))
}

// appointmentText is the answer as people read it: "Sede centrale, Piazza
// del Municipio 1 — giovedì 3 dicembre 2026, ore 09:30".
func appointmentText(lang string, cal *modulario.Calendar, start time.Time) string {
	if cal == nil {
		return whenText(lang, nil, start)
	}
	return msg.T(lang, "booking.summary", placeLine(lang, cal), whenText(lang, cal, start))
}

// placeLine is where the appointment takes place: the calendar's place
// line, marked as a video call for video calendars.
func placeLine(lang string, cal *modulario.Calendar) string {
	if cal.Kind == modulario.CalendarVideo {
		return msg.T(lang, "booking.video_option", cal.Where())
	}
	return cal.Where()
}

// calendarLoc is cal's zone; for nil (a deleted calendar) the default
// zone of calendars, Europe/Rome.
func calendarLoc(cal *modulario.Calendar) *time.Location {
	if cal == nil {
		cal = &modulario.Calendar{}
	}
	return cal.Location()
}

// appointmentNames maps appointment answers of data to their readable text,
// for schemas.Form.Summary. current, when not nil, gives the appointment a
// field has now (a moved one differs from the original answer).
func (s *Server) appointmentNames(ctx context.Context, lang string, f *schemas.Form, data map[string]any,
	current map[string]modulario.Appointment) map[string]string {
	out := map[string]string{}
	for _, fl := range appointmentFields(f) {
		v, _ := getPointer(data, fl.Pointer)
		raw, _ := v.(string)
		calSlug, start, ok := appointmentAnswer(data, fl.Pointer)
		if !ok {
			continue
		}
		if a, ok := current[fl.Pointer]; ok {
			calSlug, start = a.Calendar, a.Start
		}
		cal, _ := s.calendar(ctx, calSlug)
		text := appointmentText(lang, cal, start)
		if a, ok := current[fl.Pointer]; ok && !a.Status.Active() {
			text += " (" + strings.ToLower(bookingStatus(lang, a.Status)) + ")"
		}
		out[raw] = text
	}
	return out
}

// bookingStatusKeys name the statuses of a booking for citizens.
var bookingStatusKeys = map[modulario.BookingStatus]string{
	modulario.BookingHeld:      "booking.status.held",
	modulario.BookingConfirmed: "booking.status.confirmed",
	modulario.BookingCancelled: "booking.status.cancelled",
	modulario.BookingAttended:  "booking.status.attended",
	modulario.BookingNoShow:    "booking.status.no_show",
}

// bookingStatus is the citizen's word for a booking status.
func bookingStatus(lang string, st modulario.BookingStatus) string {
	if key, ok := bookingStatusKeys[st]; ok {
		return msg.T(lang, key)
	}
	return string(st)
}

// appointmentEventKeys name the appointment events of the timeline.
var appointmentEventKeys = map[string]string{
	modulario.EventTypeAppointmentCancelled: "booking.event.appointment_cancelled",
	modulario.EventTypeAppointmentMoved:     "booking.event.appointment_moved",
}
