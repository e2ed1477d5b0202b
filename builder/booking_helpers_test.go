package builder_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// rome is the zone of the test calendars.
var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at is March day, 2026 at hh:mm in Rome. The booking tests' clock is
// Monday 2 March 2026 at 10:00 in Rome.
func at(day, hh, mm int) time.Time { return time.Date(2026, time.March, day, hh, mm, 0, 0, rome) }

// bookings is a builder whose store shares its clock, with offices
// anagrafe and urp, the calendar "sede-centrale" of anagrafe (Monday to
// Friday 09:00–12:00, 30-minute slots, 2 places), a published booking
// form "carta" and staff: an admin, an editor, an operator of each office.
type bookings struct {
	*env
	admin, editor, opA, opU *client
}

func newBookings(t *testing.T) *bookings {
	t.Helper()
	e := newEnv(t)
	e.db.Now = e.clock.Now
	ctx := context.Background()
	for _, o := range []*modulario.Office{{Slug: "anagrafe", Name: "Anagrafe"}, {Slug: "urp", Name: "URP"}} {
		if err := e.Offices.SaveOffice(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	cal := &modulario.Calendar{Slug: "sede-centrale", Name: "Anagrafe sede centrale", Office: "anagrafe",
		Kind: modulario.CalendarPlace, Place: "Sede centrale", Address: "Piazza del Municipio 1",
		SlotMinutes: 30, Capacity: 2, HorizonDays: 60, ChangeHours: 24}
	for d := time.Monday; d <= time.Friday; d++ {
		cal.Hours[d] = []modulario.Interval{{Start: "09:00", End: "12:00"}}
	}
	if err := e.Calendars.SaveCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	urp := &modulario.Calendar{Slug: "urp-video", Name: "URP videochiamata", Office: "urp", Kind: modulario.CalendarVideo,
		SlotMinutes: 15, Capacity: 1, HorizonDays: 30}
	urp.Hours[time.Monday] = []modulario.Interval{{Start: "14:00", End: "16:00"}}
	if err := e.Calendars.SaveCalendar(ctx, urp); err != nil {
		t.Fatal(err)
	}
	publishBookingForm(t, e)
	e.addUser(modulario.RoleAdmin, "admin@comune.example")
	e.addUser(modulario.RoleEditor, "redattore@comune.example")
	e.addUser(modulario.RoleOperator, "anna@comune.example", "anagrafe")
	e.addUser(modulario.RoleOperator, "ugo@comune.example", "urp")
	return &bookings{env: e, admin: e.login("admin@comune.example"), editor: e.login("redattore@comune.example"),
		opA: e.login("anna@comune.example"), opU: e.login("ugo@comune.example")}
}

// publishBookingForm publishes "carta": an appointment on sede-centrale,
// then the citizen's e-mail.
func publishBookingForm(t *testing.T, e *env) {
	t.Helper()
	def, _ := json.Marshal(map[string]any{
		"slug": "carta", "title": "Carta d'identità", "office": "anagrafe", "privacy": "Informativa.",
		"contacts": map[string]any{"email": "email"},
		"schema": map[string]any{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
			"properties": map[string]any{
				"appuntamento": map[string]any{"type": "string", "format": "appuntamento", "title": "Data e orario"},
				"email":        map[string]any{"type": "string", "format": "email", "title": "E-mail"},
			}, "required": []string{"appuntamento", "email"}},
		"ui": map[string]any{"steps": []any{
			map[string]any{"title": "Data e orario", "fields": []string{"appuntamento"}},
			map[string]any{"title": "Richiedente", "fields": []string{"email"}}},
			"fields": map[string]any{"appuntamento": map[string]any{"widget": "appointment", "calendars": []string{"sede-centrale"}}}},
	})
	ctx := context.Background()
	if _, _, err := e.Forms.SaveDraft(ctx, modulario.Form{Slug: "carta", Title: "Carta d'identità", Office: "anagrafe"}, def); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Forms.PublishDraft(ctx, "carta"); err != nil {
		t.Fatal(err)
	}
}

// book stores a request of "carta" by name with an appointment at start.
func (b *bookings) book(name string, start time.Time) *modulario.Submission {
	b.t.Helper()
	data, _ := json.Marshal(map[string]any{"appuntamento": modulario.AppointmentValue("sede-centrale", start),
		"email": "cittadino@example.org"})
	sub := &modulario.Submission{FormSlug: "carta", Version: 1, Office: "anagrafe", Data: data,
		Appointments: []modulario.Appointment{{Field: "/appuntamento", Calendar: "sede-centrale", Start: start, Name: name}}}
	if err := b.Submissions.CreateSubmission(context.Background(), sub, ""); err != nil {
		b.t.Fatal(err)
	}
	return sub
}

// count is the number of active bookings of sede-centrale at start.
func (b *bookings) count(start time.Time) int {
	b.t.Helper()
	n, err := b.Bookings.CountBookings(context.Background(), "sede-centrale", start)
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

// appt returns the request's (reloaded) only appointment.
func (b *bookings) appt(id uint64) (*modulario.Submission, modulario.Appointment) {
	b.t.Helper()
	sub, err := b.Submissions.FindSubmission(context.Background(), id)
	if err != nil || len(sub.Appointments) != 1 {
		b.t.Fatalf("request %d: %v, appointments %+v", id, err, sub)
	}
	return sub, sub.Appointments[0]
}

// actionPath is the address of a booking action of sub's appointment.
func actionPath(sub *modulario.Submission, action string) string {
	return "/admin/agenda/sede-centrale/prenotazioni/" + url.PathEscape(sub.Appointments[0].BookingID) + "/" + action
}

// idOf is a request ID as posted.
func idOf(sub *modulario.Submission) string { return strconv.FormatUint(sub.ID, 10) }

// hasEvent reports whether sub's timeline has an event of type typ whose
// message contains msg.
func hasEvent(sub *modulario.Submission, typ, msg string) bool {
	for _, ev := range sub.Timeline {
		if ev.Type == typ && strings.Contains(ev.Message, msg) {
			return true
		}
	}
	return false
}
