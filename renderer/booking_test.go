package renderer_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
)

var (
	itWeekdays = [7]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"}
	itMonths   = [12]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio",
		"agosto", "settembre", "ottobre", "novembre", "dicembre"}
)

// longDay is "giovedì 3 dicembre 2026".
func longDay(t time.Time) string {
	return fmt.Sprintf("%s %d %s %d", itWeekdays[t.Weekday()], t.Day(), itMonths[t.Month()-1], t.Year())
}

func TestBookingPickerStages(t *testing.T) {
	t.Parallel()
	be := newBookingEnv(t)
	step1 := be.startBooking()
	// Stage 1: the field's calendars, not the others.
	r := be.get(step1).expect(t, http.StatusOK, `<form method="get"`, `name="calendario"`,
		`value="sede-centrale"`, "Sede centrale, Piazza del Municipio 1", "Delegazione nord, Via Verdi 3",
		"Mostra i giorni disponibili", "<legend class=\"modulario-legend\">Dove vuoi prenotare l&#39;appuntamento?",
		`<p class="small modulario-required-note">I campi contraddistinti`)
	if strings.Contains(r.Body, "altro-sportello") {
		t.Fatal("stage 1 offers a calendar the field does not book")
	}
	// A forged calendar shows stage 1 again; no choice says what to do.
	be.get(step1+"?calendario=altro-sportello").expect(t, http.StatusOK, `name="calendario"`)
	be.get(step1+"?scegli=1").expect(t, http.StatusOK, "Scegli dove vuoi prenotare l&#39;appuntamento.")
	// "Avanti" without a slot: the error links to the picker and asks for
	// what stage 1 offers, a place.
	be.postForm(step1, url.Values{"_action": {"next"}}).expect(t, http.StatusUnprocessableEntity,
		`href="#f-appuntamento"`, `id="f-appuntamento"`, "Scegli dove vuoi prenotare l&#39;appuntamento.")

	// A full slot at the branch (capacity 1) and one place taken at the centre.
	tomorrow := be.day(1, 9, 0)
	if code, _, err := be.apiBook(http.DefaultClient, value("delegazione-nord", tomorrow)); err != nil || code != http.StatusCreated {
		t.Fatalf("api booking: %d %v", code, err)
	}
	if code, _, err := be.apiBook(http.DefaultClient, value("sede-centrale", be.day(1, 10, 0))); err != nil || code != http.StatusCreated {
		t.Fatalf("api booking: %d %v", code, err)
	}

	// Stage 2: the month table; tomorrow is a free day with 19 of 20 times.
	date := tomorrow.Format("2006-01-02")
	month := fmt.Sprintf("%s %d", itMonths[tomorrow.Month()-1], tomorrow.Year())
	r = be.get(step1+"?calendario=delegazione-nord&mese="+tomorrow.Format("2006-01")).expect(t, http.StatusOK,
		"<caption>"+month+"</caption>", `<th scope="col"><abbr title="lunedì">lun</abbr></th>`,
		`data-slot-day="`+date+`" href="`+step1+`?calendario=delegazione-nord&amp;giorno=`+date+`"`,
		`aria-label="`+longDay(tomorrow)+`, 19 orari disponibili"`, "Cambia sportello", "Mese successivo")
	// Days before today are plain text.
	if past := tomorrow.AddDate(0, 0, -2); past.Month() == tomorrow.Month() {
		if strings.Contains(r.Body, `data-slot-day="`+past.Format("2006-01-02")+`"`) {
			t.Fatal("a past day is offered")
		}
		if !strings.Contains(r.Body, `<span class="visually-hidden"> non disponibile</span>`) {
			t.Fatal("unavailable days are not said so")
		}
	}
	// Stage 2 without a month opens the month of the first free day.
	be.get(step1+"?calendario=sede-centrale").expect(t, http.StatusOK, `<table class="table table-bordered modulario-month">`)

	// Stage 3: only free times, with the places left.
	r = be.get(step1+"?calendario=delegazione-nord&giorno="+date).expect(t, http.StatusOK,
		"Orari disponibili "+longDay(tomorrow), `name="/appuntamento"`,
		`value="`+attr(value("delegazione-nord", be.day(1, 9, 30)))+`"`,
		"09:30 – 10:00 · 1 posto disponibile", "Cambia giorno", `action="`+step1+`?calendario=delegazione-nord&amp;giorno=`+date+`"`)
	if strings.Contains(r.Body, attr(value("delegazione-nord", tomorrow))) {
		t.Fatal("the full 09:00 slot is offered")
	}
	be.get(step1+"?calendario=sede-centrale&giorno="+date).expect(t, http.StatusOK,
		"10:00 – 10:30 · 1 posto disponibile", "10:30 – 11:00 · 2 posti disponibili")
	// "Avanti" on stage 3 without a time: the day is chosen, the time is not.
	r = be.postForm(step1+"?calendario=delegazione-nord&giorno="+date, url.Values{"_action": {"next"}}).
		expect(t, http.StatusUnprocessableEntity, "Data e orario: Scegli un orario tra quelli disponibili.",
			`id="f-appuntamento-error">Scegli un orario tra quelli disponibili.`, "<title>Errore (1): ")
	if strings.Contains(r.Body, "Scegli un giorno") {
		t.Fatal("stage 3 asks for a day already chosen")
	}
	// A past day has no times.
	be.get(step1+"?calendario=sede-centrale&giorno="+be.day(-1, 0, 0).Format("2006-01-02")).
		expect(t, http.StatusOK, "In questo giorno non ci sono più orari disponibili")
}

func TestBookingHoldReviewReceiptICS(t *testing.T) {
	t.Parallel()
	be := newBookingEnv(t)
	start := be.day(2, 10, 0)
	step1 := be.startBooking()
	be.choose(step1, value("sede-centrale", start))
	// The hold takes a place but is not a booking yet.
	if taken, n := be.taken("sede-centrale", start), be.count("sede-centrale", start); taken != 1 || n != 0 {
		t.Fatalf("after the step: taken %d, bookings %d; want 1, 0", taken, n)
	}
	// Back on the step, the choice is shown and preselected.
	be.get(step1).expect(t, http.StatusOK, "Hai scelto: Sede centrale, Piazza del Municipio 1 — "+longDay(start)+", ore 10:00.",
		`value="`+attr(value("sede-centrale", start))+`" checked`)
	be.applicant(step1)
	be.get(base(step1)+"/riepilogo").expect(t, http.StatusOK,
		"Sede centrale, Piazza del Municipio 1 — "+longDay(start)+", ore 10:00",
		"Abbiamo riservato questo orario per te fino alle ")
	receipt := be.postForm(base(step1)+"/invia", nil).redirectsTo(t, `^/pratiche/[^/]+/ricevuta$`)
	if n := be.count("sede-centrale", start); n != 1 {
		t.Fatalf("bookings after submit = %d, want 1", n)
	}
	if taken := be.taken("sede-centrale", start); taken != 1 {
		t.Fatalf("places taken after submit = %d, want 1 (the hold became the booking)", taken)
	}
	sub := be.byToken(tokenRE.FindStringSubmatch(receipt)[1])
	if len(sub.Appointments) != 1 || sub.Appointments[0].Name != "Maria Rossi" || sub.Appointments[0].Status != modulario.BookingConfirmed {
		t.Fatalf("appointments = %+v", sub.Appointments)
	}
	id := sub.Appointments[0].BookingID
	icsURL := "/pratiche/" + sub.Token + "/appuntamenti/" + id + ".ics"
	be.get(receipt).expect(t, http.StatusOK, "<h1>Appuntamento confermato</h1>",
		"Sede centrale, Piazza del Municipio 1", longDay(start)+", ore 10:00 – 10:30",
		"<strong>fototessera</strong>", `href="`+icsURL+`"`,
		"Scarica l&#39;appuntamento per il calendario (ICS)", "Aggiungi a Google Calendar",
		`href="https://calendar.google.com/calendar/render?`, `rel="noopener"`)
	r := be.get(icsURL).expect(t, http.StatusOK, "BEGIN:VCALENDAR", "BEGIN:VEVENT",
		"DTSTART:"+start.UTC().Format("20060102T150405Z"))
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Fatalf("Content-Type = %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="appuntamento.ics"` {
		t.Fatalf("Content-Disposition = %q", cd)
	}
	be.get("/pratiche/"+sub.Token+"/appuntamenti/sconosciuto.ics").expect(t, http.StatusNotFound)
	track := be.get("/pratiche/"+sub.Token).expect(t, http.StatusOK, "Il tuo appuntamento", "Confermato",
		"Sposta l&#39;appuntamento", "Annulla l&#39;appuntamento", `href="`+icsURL+`"`)
	if strings.Contains(track.Body, "/pratiche/"+sub.Token+"/annulla") {
		t.Error("with an active appointment the tracking page offers a second way to cancel (withdraw)")
	}
}

func TestBookingRefusesForgedValues(t *testing.T) {
	t.Parallel()
	be := newBookingEnv(t)
	step1 := be.startBooking()
	for name, v := range map[string]string{
		"other calendar": value("altro-sportello", be.day(2, 10, 0)),
		"past":           value("sede-centrale", be.day(-1, 10, 0)),
		"off the grid":   value("sede-centrale", be.day(2, 10, 10)),
		"closed hours":   value("sede-centrale", be.day(2, 20, 0)),
		"beyond horizon": value("sede-centrale", be.day(90, 10, 0)),
		"unknown":        value("nessuno", be.day(2, 10, 0)),
	} {
		t.Run(name, func(t *testing.T) {
			be.postForm(step1, url.Values{"/appuntamento": {v}, "_action": {"next"}}).
				expect(t, http.StatusUnprocessableEntity, "Questo orario non è prenotabile.")
		})
	}
	be.postForm(step1, url.Values{"/appuntamento": {"domani alle 10"}, "_action": {"next"}}).
		expect(t, http.StatusUnprocessableEntity, "Scegli un giorno e un orario per l&#39;appuntamento.")
	code, body, err := be.apiBook(http.DefaultClient, value("altro-sportello", be.day(2, 10, 0)))
	if err != nil || code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(body["errors"]), "non è prenotabile") {
		t.Fatalf("api forged calendar: %d %v %v", code, body, err)
	}
	code, body, err = be.apiBook(http.DefaultClient, value("sede-centrale", be.day(-1, 10, 0)))
	if err != nil || code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(body["errors"]), "/appuntamento") {
		t.Fatalf("api past slot: %d %v %v", code, body, err)
	}
	// Nothing was held or booked.
	if taken := be.taken("altro-sportello", be.day(2, 10, 0)); taken != 0 {
		t.Fatalf("forged values took %d places", taken)
	}
}

func TestBookingFullSlotOffersAlternatives(t *testing.T) {
	t.Parallel()
	be := newBookingEnv(t)
	full := be.day(2, 11, 0)
	if code, _, _ := be.apiBook(http.DefaultClient, value("delegazione-nord", full)); code != http.StatusCreated {
		t.Fatalf("first booking: %d", code)
	}
	step1 := be.startBooking()
	r := be.postForm(step1, url.Values{"/appuntamento": {value("delegazione-nord", full)}, "_action": {"next"}}).
		expect(t, http.StatusConflict, "L&#39;orario delle 11:00 di "+strings.TrimSuffix(longDay(full), fmt.Sprintf(" %d", full.Year()))+" non è più disponibile.",
			"Orari disponibili più vicini", `value="`+attr(value("delegazione-nord", be.day(2, 10, 30)))+`"`,
			`value="`+attr(value("delegazione-nord", be.day(2, 11, 30)))+`"`)
	if strings.Contains(r.Body, `value="`+attr(value("delegazione-nord", full))+`"`) {
		t.Fatal("the full slot is offered again")
	}
	// The API answers 409 with the nearest free slots.
	code, body, err := be.apiBook(http.DefaultClient, value("delegazione-nord", full))
	if err != nil || code != http.StatusConflict {
		t.Fatalf("api: %d %v", code, err)
	}
	alts, _ := body["alternatives"].([]any)
	if len(alts) != 3 || !strings.Contains(fmt.Sprint(body["errors"]), "/appuntamento") {
		t.Fatalf("409 body = %v", body)
	}
	first, _ := alts[0].(map[string]any)
	if first["calendar"] != "delegazione-nord" || first["free"] != float64(1) {
		t.Fatalf("alternative = %v", first)
	}
	if n := be.count("delegazione-nord", full); n != 1 {
		t.Fatalf("bookings = %d, want 1", n)
	}
}

func TestBookingExpiredHoldTakenMeanwhile(t *testing.T) {
	t.Parallel()
	be := newBookingEnv(t)
	start := be.day(2, 15, 0)
	step1 := be.startBooking()
	be.choose(step1, value("delegazione-nord", start))
	// While held, nobody else gets the place.
	if code, _, _ := be.apiBook(http.DefaultClient, value("delegazione-nord", start)); code != http.StatusConflict {
		t.Fatalf("booking a held slot: %d, want 409", code)
	}
	be.applicant(step1)
	// The hold expires and someone else books the place.
	if _, err := be.bookings.PurgeExpiredHolds(context.Background(), time.Now().Add(modulario.HoldDuration+time.Minute)); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := be.apiBook(http.DefaultClient, value("delegazione-nord", start)); code != http.StatusCreated {
		t.Fatalf("booking after expiry: %d, want 201", code)
	}
	back := be.postForm(base(step1)+"/invia", nil).redirectsTo(t, `/passo/1\?.*esito=occupato`)
	be.get(back).expect(t, http.StatusConflict,
		"Nel frattempo l&#39;orario scelto è stato prenotato da un&#39;altra persona: scegline un altro.",
		"Orari disponibili più vicini", `value="`+attr(value("delegazione-nord", be.day(2, 15, 30)))+`"`)
	if n := be.count("delegazione-nord", start); n != 1 {
		t.Fatalf("bookings = %d, want 1", n)
	}
	// The refused answer is gone: the review sends the citizen to choose again.
	be.postForm(base(step1)+"/invia", nil).redirectsTo(t, `/passo/1\?verifica=1$`)
}

func TestBookingCancelAndMoveFromTracking(t *testing.T) {
	t.Parallel()
	be := newBookingEnv(t)
	old, next := be.day(3, 10, 0), be.day(3, 11, 0)
	sub := be.book("sede-centrale", old)
	tracking := "/pratiche/" + sub.Token
	id := sub.Appointments[0].BookingID
	move := tracking + "/appuntamenti/" + id + "/sposta"
	be.get(tracking).expect(t, http.StatusOK, `href="`+move+`"`)
	be.get(move).expect(t, http.StatusOK, "Sposta l&#39;appuntamento", `data-slot-day="`+old.Format("2006-01-02")+`"`)
	be.get(move+"?giorno="+old.Format("2006-01-02")).expect(t, http.StatusOK,
		"Conferma il nuovo orario", `value="`+attr(value("sede-centrale", next))+`"`)
	// Another site cannot post it.
	req, _ := http.NewRequest(http.MethodPost, be.srv.URL+move, strings.NewReader(url.Values{"appuntamento": {value("sede-centrale", next)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	be.do(req).expect(t, http.StatusForbidden)
	// Another calendar is refused.
	be.postForm(move, url.Values{"appuntamento": {value("delegazione-nord", next)}}).
		expect(t, http.StatusUnprocessableEntity, "Questo orario non è prenotabile.")
	be.postForm(move, url.Values{"appuntamento": {value("sede-centrale", next)}}).redirectsTo(t, `\?esito=appuntamento-spostato#esito$`)
	if a, b := be.count("sede-centrale", old), be.count("sede-centrale", next); a != 0 || b != 1 {
		t.Fatalf("after the move: old slot %d, new slot %d; want 0, 1", a, b)
	}
	be.get(tracking+"?esito=appuntamento-spostato").expect(t, http.StatusOK,
		"L&#39;appuntamento è stato spostato", longDay(next)+", ore 11:00 – 11:30", "Appuntamento spostato")

	cancel := tracking + "/appuntamenti/" + id + "/annulla"
	be.get(cancel).expect(t, http.StatusOK, "Vuoi annullare l&#39;appuntamento?",
		"il posto viene liberato subito", "annullandolo annulli anche la richiesta")
	be.postForm(cancel, nil).redirectsTo(t, `\?esito=appuntamento-annullato#esito$`)
	if n := be.count("sede-centrale", next); n != 0 {
		t.Fatalf("after the cancellation: %d bookings, want 0", n)
	}
	r := be.get(tracking).expect(t, http.StatusOK, "Annullato", "Annullata dal cittadino", "Appuntamento annullato")
	if strings.Contains(r.Body, `href="`+move+`"`) || strings.Contains(r.Body, ".ics\"") {
		t.Fatal("a cancelled appointment of a withdrawn request still offers changes or the ICS")
	}
	be.postForm(cancel, nil).expect(t, http.StatusConflict)
}

func TestBookingCitizenCannotChangeLate(t *testing.T) {
	t.Parallel()
	be := newBookingEnv(t, func(c *modulario.Calendar) { c.ChangeHours = 720 })
	start := be.day(2, 9, 0)
	sub := be.book("sede-centrale", start)
	tracking := "/pratiche/" + sub.Token
	base := tracking + "/appuntamenti/" + sub.Appointments[0].BookingID
	r := be.get(tracking).expect(t, http.StatusOK, "Mancano meno di 720 ore all&#39;appuntamento",
		"non è più possibile spostarlo o annullarlo online")
	if strings.Contains(r.Body, base+"/sposta") || strings.Contains(r.Body, base+"/annulla") {
		t.Fatal("late appointment offers move or cancel")
	}
	be.get(base+"/sposta").expect(t, http.StatusForbidden, "Mancano meno di 720 ore")
	be.postForm(base+"/annulla", nil).expect(t, http.StatusForbidden)
	be.postForm(base+"/sposta", url.Values{"appuntamento": {value("sede-centrale", be.day(2, 10, 0))}}).expect(t, http.StatusForbidden)
	if n := be.count("sede-centrale", start); n != 1 {
		t.Fatalf("bookings = %d, want 1", n)
	}
}

func TestBookingWithoutBookingService(t *testing.T) {
	t.Parallel()
	e := newEnvDB(t, func(db *storage.DB, _ *renderer.Config) {
		publish(t, storage.NewFormService(db), "testdata/prenotazione.json")
	})
	step1 := e.postForm("/servizi/prenotazione/privacy", url.Values{"consenso": {"1"}}).
		redirectsTo(t, `^/servizi/prenotazione/[^/]+/passo/1$`)
	e.get(step1).expect(t, http.StatusOK, "La prenotazione online degli appuntamenti non è disponibile")
	rome, _ := time.LoadLocation("Europe/Rome")
	v := value("sede-centrale", time.Now().In(rome).AddDate(0, 0, 2).Truncate(time.Hour))
	e.postForm(step1, url.Values{"/appuntamento": {v}, "_action": {"next"}}).
		expect(t, http.StatusUnprocessableEntity, "La prenotazione online degli appuntamenti non è disponibile")
}

func TestBookingCancelledByOfficeCanBeRebooked(t *testing.T) {
	t.Parallel()
	be := newBookingEnv(t)
	old, next := be.day(4, 9, 0), be.day(5, 9, 30)
	sub := be.book("delegazione-nord", old)
	id := sub.Appointments[0].BookingID
	if _, err := be.apps.Cancel(context.Background(), sub.ID, id, modulario.AppointmentChange{
		Actor: "u1", ActorName: "Operatore", Message: "Lo sportello resterà chiuso per sciopero.", Staff: true,
	}); err != nil {
		t.Fatal(err)
	}
	tracking := "/pratiche/" + sub.Token
	move := tracking + "/appuntamenti/" + id + "/sposta"
	be.get(tracking).expect(t, http.StatusOK, "Annullato", "Lo sportello resterà chiuso per sciopero.",
		"Appuntamento annullato", "L&#39;ufficio ha annullato questo appuntamento",
		`href="`+move+`">Scegli un nuovo appuntamento</a>`)
	be.get(move).expect(t, http.StatusOK, "<h1>Scegli un nuovo appuntamento</h1>")
	be.postForm(move, url.Values{"appuntamento": {value("delegazione-nord", next)}}).
		redirectsTo(t, `\?esito=appuntamento-spostato#esito$`)
	if a, b := be.count("delegazione-nord", old), be.count("delegazione-nord", next); a != 0 || b != 1 {
		t.Fatalf("old slot %d, new slot %d; want 0, 1", a, b)
	}
	be.get(tracking).expect(t, http.StatusOK, "Confermato", longDay(next)+", ore 09:30 – 10:00")
}
