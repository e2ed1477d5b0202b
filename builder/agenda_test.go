package builder_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

func TestAgendaDayWeekAndCheckIn(t *testing.T) {
	b := newBookings(t)
	ctx := context.Background()
	maria := b.book("Maria Rossi", at(3, 9, 30))
	luca := b.book("Luca Bianchi", at(4, 10, 0))
	cal, _ := b.Calendars.FindCalendar(ctx, "sede-centrale")
	cal.Closures = []modulario.Closure{{From: "2026-03-05", Reason: "Sciopero"}}
	if err := b.Calendars.SaveCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}

	res, body := b.opA.get("/admin/agenda")
	wantStatus(t, "agenda index", res, body, http.StatusOK)
	wantContains(t, "agenda index", body, `href="/admin/agenda/sede-centrale"`)
	if strings.Contains(body, "urp-video") {
		t.Error("the agenda index lists another office's calendar")
	}

	res, body = b.opA.get("/admin/agenda/sede-centrale?giorno=2026-03-03")
	wantStatus(t, "day", res, body, http.StatusOK)
	wantContains(t, "day", body, "martedì 3 marzo 2026", "09:30–10:00", "Maria Rossi", maria.Number,
		`href="/admin/richieste/`+idOf(maria)+`"`, "Confermato", `value="presentato"`, `value="non_presentato"`,
		actionPath(maria, "sposta")+"?richiesta="+idOf(maria), actionPath(maria, "annulla")+"?richiesta="+idOf(maria),
		`data-print hidden`, "/static/js/agenda", "/static/css/agenda", "Appuntamenti: 1",
		`href="/admin/agenda/sede-centrale?giorno=2026-03-02"`, `href="/admin/agenda/sede-centrale?giorno=2026-03-04"`)
	if strings.Contains(body, "Luca Bianchi") {
		t.Error("the day view shows the next day's booking")
	}
	_, body = b.opA.get("/admin/agenda/sede-centrale?giorno=2026-03-03&vista=settimana")
	wantContains(t, "week", body, "da lunedì 2 marzo 2026 a domenica 8 marzo 2026", "Maria Rossi", "Luca Bianchi",
		"mercoledì 4 marzo 2026", "Chiuso: Sciopero", "Nessun orario di apertura in questo giorno.", "Appuntamenti: 2",
		`href="/admin/agenda/sede-centrale?giorno=2026-02-24&amp;vista=settimana"`)
	// Today by default; a national holiday shows its name.
	_, body = b.opA.get("/admin/agenda/sede-centrale")
	wantContains(t, "today", body, "lunedì 2 marzo 2026", "Nessun appuntamento.")
	_, body = b.opA.get("/admin/agenda/sede-centrale?giorno=2026-04-06")
	wantContains(t, "Easter Monday", body, "Chiuso: Lunedì dell&#39;Angelo")

	// Check-in: the status changes, the place stays taken.
	res, body = b.opA.post(actionPath(maria, "presenza"), url.Values{"richiesta": {idOf(maria)}, "esito": {"presentato"},
		"giorno": {"2026-03-03"}, "vista": {"giorno"}})
	wantStatus(t, "check-in", res, body, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/agenda/sede-centrale?giorno=2026-03-03&ok=ok.agenda_checked_in" {
		t.Errorf("check-in redirected to %q", loc)
	}
	sub, a := b.appt(maria.ID)
	if a.Status != modulario.BookingAttended || b.count(at(3, 9, 30)) != 1 || !hasEvent(sub, modulario.EventTypeCheckIn, "") {
		t.Fatalf("after check-in: %+v, count %d", a, b.count(at(3, 9, 30)))
	}
	_, body = b.opA.get("/admin/agenda/sede-centrale?giorno=2026-03-03&ok=ok.agenda_checked_in")
	wantContains(t, "after check-in", body, "Presenza registrata.", "Presentato", `value="da_confermare"`)
	res, _ = b.opA.post(actionPath(luca, "presenza"), url.Values{"richiesta": {idOf(luca)}, "esito": {"non_presentato"}})
	if _, a = b.appt(luca.ID); res.StatusCode != http.StatusSeeOther || a.Status != modulario.BookingNoShow {
		t.Fatalf("no-show: %d %s", res.StatusCode, a.Status)
	}
	res, _ = b.opA.post(actionPath(luca, "presenza"), url.Values{"richiesta": {idOf(luca)}, "esito": {"da_confermare"}})
	if _, a = b.appt(luca.ID); res.StatusCode != http.StatusSeeOther || a.Status != modulario.BookingConfirmed {
		t.Fatalf("reset: %d %s", res.StatusCode, a.Status)
	}
	res, body = b.opA.post(actionPath(luca, "presenza"), url.Values{"richiesta": {idOf(luca)}, "esito": {"forse"}})
	wantStatus(t, "bad outcome", res, body, http.StatusUnprocessableEntity)

	// The request page shows the appointment and the check-in.
	res, body = b.opA.get(reqPath(maria))
	wantStatus(t, "request", res, body, http.StatusOK)
	wantContains(t, "request", body, "Appuntamento", "Anagrafe sede centrale", "Sede centrale, Piazza del Municipio 1",
		"martedì 3 marzo 2026, 09:30–10:00", "Presenza: Presentato",
		`href="/admin/agenda/sede-centrale?giorno=2026-03-03"`)
	assertAudit(t, b.env, "appointment.check_in")
}

func TestAgendaStaffCancel(t *testing.T) {
	b := newBookings(t)
	maria := b.book("Maria Rossi", at(3, 9, 30))
	res, body := b.opA.get(actionPath(maria, "annulla") + "?richiesta=" + idOf(maria))
	wantStatus(t, "cancel page", res, body, http.StatusOK)
	wantContains(t, "cancel page", body, "Messaggio al cittadino", `name="messaggio"`, "martedì 3 marzo 2026, 09:30–10:00")

	res, body = b.opA.post(actionPath(maria, "annulla"), url.Values{"richiesta": {idOf(maria)}, "messaggio": {"  "}})
	wantStatus(t, "no message", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "no message", body, "Scrivi il messaggio per il cittadino.", `href="#messaggio"`)
	if b.count(at(3, 9, 30)) != 1 {
		t.Fatal("a refused cancellation freed the place")
	}

	msg := "Lo sportello resta chiuso per un guasto: prenota un nuovo appuntamento."
	res, body = b.opA.post(actionPath(maria, "annulla"), url.Values{"richiesta": {idOf(maria)}, "messaggio": {msg}})
	wantStatus(t, "cancel", res, body, http.StatusSeeOther)
	sub, a := b.appt(maria.ID)
	if a.Status != modulario.BookingCancelled || a.Reason != msg || b.count(at(3, 9, 30)) != 0 ||
		!hasEvent(sub, modulario.EventTypeAppointmentCancelled, msg) {
		t.Fatalf("after cancel: %+v, count %d, timeline %+v", a, b.count(at(3, 9, 30)), sub.Timeline)
	}
	msgs, err := b.Outbox.ListOutbox(context.Background(), modulario.OutboxFilter{SubmissionID: maria.ID, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	queued := false
	for _, m := range msgs {
		queued = queued || m.Event == modulario.EventAppointmentCancelled
	}
	if !queued {
		t.Errorf("no cancellation notice queued: %+v", msgs)
	}
	_, body = b.opA.get("/admin/agenda/sede-centrale?giorno=2026-03-03")
	wantContains(t, "agenda after cancel", body, "Annullato", msg)
	_, body = b.opA.get(reqPath(maria))
	wantContains(t, "request after cancel", body, "Appuntamento annullato", "Annullato", msg)

	res, body = b.opA.post(actionPath(maria, "annulla"), url.Values{"richiesta": {idOf(maria)}, "messaggio": {msg}})
	wantStatus(t, "cancel again", res, body, http.StatusConflict)
	wantContains(t, "cancel again", body, "già stato annullato")
	assertAudit(t, b.env, "appointment.cancel")
}

func TestAgendaStaffMove(t *testing.T) {
	b := newBookings(t)
	maria := b.book("Maria Rossi", at(3, 9, 30))
	b.book("Primo", at(5, 9, 0))
	b.book("Secondo", at(5, 9, 0))

	res, body := b.opA.get(actionPath(maria, "sposta") + "?richiesta=" + idOf(maria))
	wantStatus(t, "days", res, body, http.StatusOK)
	wantContains(t, "days", body, "Scegli il giorno", "mercoledì 4 marzo 2026", "12 posti liberi",
		actionPath(maria, "sposta")+"?richiesta="+idOf(maria)+"&amp;giorno=2026-03-04")
	res, body = b.opA.get(actionPath(maria, "sposta") + "?richiesta=" + idOf(maria) + "&giorno=2026-03-05")
	wantStatus(t, "times", res, body, http.StatusOK)
	wantContains(t, "times", body, "Orari liberi di giovedì 5 marzo 2026", "09:30–10:00 · 2 posti disponibili", `name="inizio"`)
	if strings.Contains(body, "09:00–09:30") {
		t.Error("a full slot is offered")
	}

	res, body = b.opA.post(actionPath(maria, "sposta"), url.Values{"richiesta": {idOf(maria)}, "giorno": {"2026-03-05"}})
	wantStatus(t, "no time", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "no time", body, "Scegli il nuovo orario")
	res, body = b.opA.post(actionPath(maria, "sposta"), url.Values{"richiesta": {idOf(maria)}, "giorno": {"2026-03-05"},
		"inizio": {at(5, 9, 0).Format(time.RFC3339)}})
	wantStatus(t, "full slot", res, body, http.StatusConflict)
	wantContains(t, "full slot", body, "è stata occupata")
	if _, a := b.appt(maria.ID); !a.Start.Equal(at(3, 9, 30)) || b.count(at(3, 9, 30)) != 1 {
		t.Fatal("a refused move changed the booking")
	}

	res, body = b.opA.post(actionPath(maria, "sposta"), url.Values{"richiesta": {idOf(maria)}, "giorno": {"2026-03-04"},
		"inizio": {at(4, 11, 0).Format(time.RFC3339)}, "messaggio": {"Spostato per riorganizzazione."}})
	wantStatus(t, "move", res, body, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/agenda/sede-centrale?giorno=2026-03-04&ok=ok.agenda_moved" {
		t.Errorf("move redirected to %q", loc)
	}
	sub, a := b.appt(maria.ID)
	if !a.Start.Equal(at(4, 11, 0)) || !a.Status.Active() || b.count(at(3, 9, 30)) != 0 || b.count(at(4, 11, 0)) != 1 ||
		!hasEvent(sub, modulario.EventTypeAppointmentMoved, "") {
		t.Fatalf("after move: %+v, counts %d/%d", a, b.count(at(3, 9, 30)), b.count(at(4, 11, 0)))
	}
	_, body = b.opA.get("/admin/agenda/sede-centrale?giorno=2026-03-04&ok=ok.agenda_moved")
	wantContains(t, "agenda after move", body, "Appuntamento spostato", "11:00–11:30", "Maria Rossi")
	_, body = b.opA.get(reqPath(maria))
	wantContains(t, "request after move", body, "mercoledì 4 marzo 2026, 11:00–11:30", "Appuntamento spostato")
	assertAudit(t, b.env, "appointment.move")
}

func TestAffectedBookingsListed(t *testing.T) {
	b := newBookings(t)
	maria := b.book("Maria Rossi", at(3, 9, 30))
	b.book("Luca Bianchi", at(4, 10, 0))
	_, body := b.admin.get("/admin/calendari/sede-centrale")
	wantContains(t, "before", body, "Nessuna prenotazione da rivedere")

	// Tuesday loses its hours: Maria's appointment no longer fits.
	v := url.Values{"name": {"Anagrafe sede centrale"}, "office": {"anagrafe"}, "kind": {"place"}, "place": {"Sede centrale"},
		"address": {"Piazza del Municipio 1"}, "hours_1": {"09:00-12:00"}, "hours_3": {"09:00-12:00"},
		"hours_4": {"09:00-12:00"}, "hours_5": {"09:00-12:00"}, "slot_minutes": {"30"}, "capacity": {"2"},
		"notice_hours": {"0"}, "horizon_days": {"60"}, "change_hours": {"24"}}
	res, body := b.admin.post("/admin/calendari/sede-centrale", v)
	wantStatus(t, "save", res, body, http.StatusSeeOther)
	res, body = b.admin.get(strings.SplitN(res.Header.Get("Location"), "#", 2)[0])
	wantStatus(t, "after", res, body, http.StatusOK)
	wantContains(t, "after", body, "Calendario salvato.", "Prenotazioni da rivedere", "1 prenotazioni non rientrano",
		"martedì 3 marzo 2026, 09:30–10:00", "Maria Rossi", maria.Number,
		actionPath(maria, "sposta")+"?richiesta="+idOf(maria), actionPath(maria, "annulla")+"?richiesta="+idOf(maria))
	if strings.Contains(body, "Luca Bianchi") {
		t.Error("a booking that still fits is listed")
	}
	if b.count(at(3, 9, 30)) != 1 {
		t.Fatal("changing the hours dropped a booking")
	}
}
