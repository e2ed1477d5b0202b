package renderer_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/notify"
	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
)

// bookingEnv is a citizen side over a store with the "prenotazione" form
// (testdata/prenotazione.json) and its calendars: "sede-centrale"
// (capacity 2) and "delegazione-nord" (capacity 1), open every day
// 08:00–18:00 in 30-minute slots, plus "altro-sportello", which the form
// does not offer.
type bookingEnv struct {
	*env
	subs      *storage.SubmissionService
	bookings  *storage.BookingService
	calendars *storage.CalendarService
	apps      *notify.Appointments
	rome      *time.Location
}

func newBookingEnv(t *testing.T, mutate ...func(*modulario.Calendar)) *bookingEnv {
	t.Helper()
	return newBookingEnvCfg(t, nil, mutate...)
}

// newBookingEnvCfg is newBookingEnv with cfgMutate applied to the
// renderer's configuration last (nil: none).
func newBookingEnvCfg(t *testing.T, cfgMutate func(*renderer.Config), mutate ...func(*modulario.Calendar)) *bookingEnv {
	t.Helper()
	be := &bookingEnv{}
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	be.rome = rome
	be.env = newEnvDB(t, func(db *storage.DB, cfg *renderer.Config) {
		ctx := context.Background()
		forms := storage.NewFormService(db)
		publish(t, forms, "testdata/prenotazione.json")
		be.subs = storage.NewSubmissionService(db)
		be.bookings = storage.NewBookingService(db)
		be.calendars = storage.NewCalendarService(db)
		if err := storage.NewOfficeService(db).SaveOffice(ctx, &modulario.Office{Slug: "anagrafe", Name: "Ufficio anagrafe"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*modulario.Calendar{
			testCalendar("sede-centrale", "Sede centrale", "Piazza del Municipio 1", 2),
			testCalendar("delegazione-nord", "Delegazione nord", "Via Verdi 3", 1),
			testCalendar("altro-sportello", "Altro sportello", "Via Altrove 9", 5),
		} {
			for _, m := range mutate {
				m(c)
			}
			if err := be.calendars.SaveCalendar(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		cfg.Submissions = be.subs
		cfg.Calendars, cfg.Bookings = be.calendars, be.bookings
		cfg.Workflow = &notify.Workflow{Submissions: be.subs, Rules: notify.NewEngine(forms)}
		be.apps = &notify.Appointments{Bookings: be.bookings, Calendars: be.calendars,
			Forms: forms, Submissions: be.subs}
		cfg.Appointments = be.apps
		if cfgMutate != nil {
			cfgMutate(cfg)
		}
	})
	return be
}

// testCalendar is a counter open every day 08:00–18:00, holidays
// included, bookable from now up to 60 days ahead.
func testCalendar(slug, place, address string, capacity int) *modulario.Calendar {
	c := &modulario.Calendar{
		Slug: slug, Name: "Sportello " + place, Office: "anagrafe", Kind: modulario.CalendarPlace,
		Place: place, Address: address, Bring: "La vecchia carta d'identità e una **fototessera**.",
		SlotMinutes: 30, Capacity: capacity, HorizonDays: 60, ChangeHours: 24, OpenOnHolidays: true,
	}
	for d := range c.Hours {
		c.Hours[d] = []modulario.Interval{{Start: "08:00", End: "18:00"}}
	}
	return c
}

// day returns the local date days ahead at hh:mm, Rome time.
func (be *bookingEnv) day(days, hh, mm int) time.Time {
	now := time.Now().In(be.rome)
	return time.Date(now.Year(), now.Month(), now.Day()+days, hh, mm, 0, 0, be.rome)
}

// value is the answer booking calendar's slot at start.
func value(calendar string, start time.Time) string {
	return modulario.AppointmentValue(calendar, start)
}

// startBooking consents to the notice and returns the step-1 path.
func (be *bookingEnv) startBooking() string {
	be.t.Helper()
	return be.postForm("/servizi/prenotazione/privacy", url.Values{"consenso": {"1"}}).
		redirectsTo(be.t, `^/servizi/prenotazione/[^/]+/passo/1$`)
}

// choose posts the appointment step with v and expects the next step.
func (be *bookingEnv) choose(step1, v string) {
	be.t.Helper()
	be.postForm(step1, url.Values{"/appuntamento": {v}, "_action": {"next"}}).redirectsTo(be.t, `/passo/2$`)
}

// applicant fills in step 2 and expects the review.
func (be *bookingEnv) applicant(step1 string) {
	be.t.Helper()
	be.postForm(base(step1)+"/passo/2", url.Values{"/nome": {"Maria"}, "/cognome": {"Rossi"},
		"/email": {"maria@example.it"}, "_action": {"next"}}).redirectsTo(be.t, `/riepilogo$`)
}

// book takes a request with the slot through the web flow and returns it.
func (be *bookingEnv) book(calendar string, start time.Time) *modulario.Submission {
	be.t.Helper()
	step1 := be.startBooking()
	be.choose(step1, value(calendar, start))
	be.applicant(step1)
	receipt := be.postForm(base(step1)+"/invia", nil).redirectsTo(be.t, `^/pratiche/[^/]+/ricevuta$`)
	return be.byToken(strings.TrimSuffix(strings.TrimPrefix(receipt, "/pratiche/"), "/ricevuta"))
}

func (be *bookingEnv) byToken(token string) *modulario.Submission {
	be.t.Helper()
	sub, err := be.subs.FindSubmissionByToken(context.Background(), token)
	if err != nil {
		be.t.Fatal(err)
	}
	return sub
}

// count is the number of active bookings of a slot.
func (be *bookingEnv) count(calendar string, start time.Time) int {
	be.t.Helper()
	n, err := be.bookings.CountBookings(context.Background(), calendar, start)
	if err != nil {
		be.t.Fatal(err)
	}
	return n
}

// taken is the number of places taken in a slot, holds included.
func (be *bookingEnv) taken(calendar string, start time.Time) int {
	be.t.Helper()
	slots, err := be.bookings.Availability(context.Background(), calendar,
		modulario.SlotQuery{From: start, To: start.Add(time.Minute)}, "")
	if err != nil {
		be.t.Fatal(err)
	}
	if len(slots) != 1 {
		be.t.Fatalf("no slot at %s", start)
	}
	return slots[0].Taken
}

// apiBook posts a booking through the JSON API.
func (be *bookingEnv) apiBook(client *http.Client, v string) (int, map[string]any, error) {
	body, _ := json.Marshal(map[string]any{"appuntamento": v, "nome": "Anna", "cognome": "Bianchi",
		"email": "anna@example.it"})
	res, err := client.Post(be.srv.URL+"/api/v1/forms/prenotazione/submissions", "application/json",
		strings.NewReader(string(body)))
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	out := map[string]any{}
	err = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out, err
}

var tokenRE = regexp.MustCompile(`/pratiche/([^/?#"]+)`)

// attr is v as html/template writes it in an attribute.
func attr(v string) string { return strings.ReplaceAll(v, "+", "&#43;") }
