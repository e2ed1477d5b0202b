package renderer_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/renderer"
)

// TestBookingHoldsPerIPLimit: one address takes at most HoldsPerIP slot
// holds on the step flow; posting the held slot again and the review do
// not count; the JSON API is not limited.
func TestBookingHoldsPerIPLimit(t *testing.T) {
	t.Parallel()
	be := newBookingEnvCfg(t, func(cfg *renderer.Config) { cfg.HoldsPerIP = 3 })
	first := be.startBooking()
	slot := value("sede-centrale", be.day(2, 9, 0))
	be.choose(first, slot)
	// The same slot posted again and the review page refreshed: not counted.
	be.choose(first, slot)
	be.applicant(first)
	for range 3 {
		be.get(base(first)+"/riepilogo").expect(t, http.StatusOK, "Abbiamo riservato questo orario")
	}
	be.choose(be.startBooking(), value("sede-centrale", be.day(2, 9, 30)))
	be.choose(be.startBooking(), value("sede-centrale", be.day(2, 10, 0)))

	// The fourth hold is refused on the step page, without taking a place.
	over := be.day(2, 10, 30)
	step := be.startBooking()
	be.postForm(step, url.Values{"/appuntamento": {value("sede-centrale", over)}, "_action": {"next"}}).
		expect(t, http.StatusTooManyRequests,
			"Hai riservato troppi orari in poco tempo: riprova tra qualche minuto.", `href="#f-appuntamento"`)
	if taken := be.taken("sede-centrale", over); taken != 0 {
		t.Fatalf("places taken by the refused hold = %d", taken)
	}
	// Another slot for the first draft is refused too; its own slot is not.
	be.postForm(first, url.Values{"/appuntamento": {value("delegazione-nord", over)}, "_action": {"next"}}).
		expect(t, http.StatusTooManyRequests, "riprova tra qualche minuto")
	be.choose(first, slot)
	be.postForm(base(first)+"/invia", nil).redirectsTo(t, `^/pratiche/[^/]+/ricevuta$`)

	// Back offices post from one address through the API: not limited.
	if code, _, err := be.apiBook(http.DefaultClient, value("sede-centrale", be.day(3, 9, 0))); err != nil || code != http.StatusCreated {
		t.Fatalf("api booking over the step limit: %d %v", code, err)
	}
}

// TestWithdrawRespectsAppointmentDeadline: withdrawing frees the
// appointment, so inside the calendar's ChangeHours it is refused like
// cancelling the appointment; before then the withdraw page leads to the
// appointment's cancel page.
func TestWithdrawRespectsAppointmentDeadline(t *testing.T) {
	t.Parallel()
	be := newBookingEnv(t, func(c *modulario.Calendar) {
		if c.Slug == "delegazione-nord" {
			c.ChangeHours = 72
		}
	})
	// delegazione-nord: at most ~58 hours ahead, inside its 72 hours.
	locked := be.day(2, 10, 0)
	sub := be.book("delegazione-nord", locked)
	withdraw := "/pratiche/" + sub.Token + "/annulla"
	explain := "Mancano meno di 72 ore all&#39;appuntamento: non è più possibile spostarlo o annullarlo online."
	be.get("/pratiche/"+sub.Token+"/appuntamenti/"+sub.Appointments[0].BookingID+"/annulla").
		expect(t, http.StatusForbidden, explain)
	be.get(withdraw).expect(t, http.StatusForbidden, explain)
	be.postForm(withdraw, nil).expect(t, http.StatusForbidden, explain)
	if n := be.count("delegazione-nord", locked); n != 1 {
		t.Fatalf("bookings after the refused withdrawal = %d, want 1", n)
	}
	if got := be.byToken(sub.Token); got.Status != modulario.StatusReceived {
		t.Fatalf("status after the refused withdrawal = %q", got.Status)
	}

	// sede-centrale (24 hours): still changeable; the withdraw page leads
	// to the appointment's cancel page.
	later := be.day(5, 11, 0)
	sub2 := be.book("sede-centrale", later)
	be.get("/pratiche/"+sub2.Token+"/annulla").redirectsTo(t,
		"^/pratiche/"+regexp.QuoteMeta(sub2.Token)+"/appuntamenti/"+regexp.QuoteMeta(sub2.Appointments[0].BookingID)+"/annulla$")
}

// TestCalendarLinksCarryServicePageNotTracking: the ICS file and the
// Google Calendar link point to the service page, never to the private
// tracking link.
func TestCalendarLinksCarryServicePageNotTracking(t *testing.T) {
	t.Parallel()
	be := newBookingEnv(t)
	sub := be.book("sede-centrale", be.day(3, 10, 0))
	service := "https://moduli.comune.example/servizi/prenotazione"
	r := be.get("/pratiche/"+sub.Token+"/appuntamenti/"+sub.Appointments[0].BookingID+".ics").
		expect(t, http.StatusOK, "URL:"+service)
	if strings.Contains(r.Body, sub.Token) || strings.Contains(r.Body, "/pratiche/") {
		t.Fatalf("the ICS carries the tracking link:\n%s", r.Body)
	}
	page := be.get("/pratiche/"+sub.Token+"/ricevuta").expect(t, http.StatusOK, "Aggiungi a Google Calendar")
	m := regexp.MustCompile(`href="(https://calendar\.google\.com/[^"]+)"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no Google Calendar link")
	}
	g, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	details := g.Query().Get("details")
	if strings.Contains(g.RawQuery, sub.Token) || !strings.Contains(details, service) {
		t.Fatalf("Google link details = %q", details)
	}
}
