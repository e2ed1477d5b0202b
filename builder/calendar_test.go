package builder_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder"
	"github.com/modulario/modulario/builder/formedit"
)

// calendarValues is a valid calendar form.
func calendarValues() url.Values {
	return url.Values{"name": {"Anagrafe delegazione nord"}, "slug": {"delegazione-nord"}, "office": {"anagrafe"},
		"kind": {"place"}, "place": {"Delegazione nord"}, "address": {"Via Roma 3"}, "bring": {"Documento scaduto e foto."},
		"hours_1": {"8:30-12:30, 15.00 - 17:00"}, "hours_3": {"09:00-12:00"}, "slot_minutes": {"20"}, "capacity": {"3"},
		"notice_hours": {"12"}, "horizon_days": {"60"}, "change_hours": {"24"}, "remind_hours": {"2"},
		"closures": {"2026-12-24\n\n2026-08-10 2026-08-21 Chiusura estiva\n"},
		"openings": {"2026-12-19 09:00-12:00, 14:00-16:00 Apertura straordinaria"}}
}

func TestCalendarCRUD(t *testing.T) {
	b := newBookings(t)
	ctx := context.Background()
	if err := b.Settings.SaveSettings(ctx, &modulario.Settings{SiteName: "Comune", PatronDay: "06-24", PatronName: "San Giovanni Battista"}); err != nil {
		t.Fatal(err)
	}
	res, body := b.admin.get("/admin/calendari/nuovo")
	wantStatus(t, "new page", res, body, http.StatusOK)
	wantContains(t, "new page", body, "Orari del lunedì", "Posti per fascia (sportelli)", "Aperto nei giorni festivi",
		`id="kind-video"`, "Anagrafe")

	bad := calendarValues()
	bad.Set("name", "")
	bad.Set("slug", "Non Valido")
	bad.Set("hours_1", "8-12")
	bad.Set("hours_2", "13:00-12:00")
	bad.Set("hours_3", "09:00-12:00, 11:00-13:00")
	bad.Set("hours_4", "25:00-26:00")
	bad.Set("slot_minutes", "venti")
	bad.Set("capacity", "0")
	bad.Set("closures", "2026-12-24\n24/12/2026")
	bad.Set("openings", "2026-12-19 Apertura")
	res, body = b.admin.post("/admin/calendari/nuovo", bad)
	wantStatus(t, "invalid", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "invalid", body,
		"Inserisci il nome del calendario", "lettere minuscole",
		"Orari del lunedì: «8-12» non è un intervallo valido", `href="#hours_1"`,
		"Orari del martedì, intervallo 1: la fine deve venire dopo l", `href="#hours_2"`,
		"Orari del mercoledì, intervallo 2: si sovrappone a un altro intervallo", `href="#hours_3"`,
		"Orari del giovedì, intervallo 1: l", "tra 00:00 e 23:59",
		`href="#slot_minutes"`, "Inserisci un numero intero.",
		"I posti per fascia devono essere tra 1 e 100.",
		"Chiusure, riga 2: «24/12/2026» non è una data.", `href="#closures"`,
		"Aperture straordinarie, riga 1", "non ha orari", `href="#openings"`,
		`value="13:00-12:00"`, `aria-invalid="true"`)
	if _, err := b.Calendars.FindCalendar(ctx, "delegazione-nord"); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Fatalf("an invalid calendar was stored: %v", err)
	}
	// A place calendar needs a place or an address.
	noPlace := calendarValues()
	noPlace.Del("place")
	noPlace.Del("address")
	res, body = b.admin.post("/admin/calendari/nuovo", noPlace)
	wantStatus(t, "no place", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "no place", body, "Per uno sportello indica il nome del luogo o l", `href="#address"`)

	res, body = b.admin.post("/admin/calendari/nuovo", calendarValues())
	wantStatus(t, "create", res, body, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/calendari/delegazione-nord?ok=ok.calendar_saved" {
		t.Fatalf("create redirected to %q", loc)
	}
	cal, err := b.Calendars.FindCalendar(ctx, "delegazione-nord")
	if err != nil {
		t.Fatal(err)
	}
	wantHours := []modulario.Interval{{Start: "08:30", End: "12:30"}, {Start: "15:00", End: "17:00"}}
	if !slices.Equal(cal.Hours[1], wantHours) || len(cal.Hours[3]) != 1 || len(cal.Hours[2]) != 0 ||
		cal.SlotMinutes != 20 || cal.Capacity != 3 || cal.NoticeHours != 12 || cal.RemindHours != 2 ||
		cal.Kind != modulario.CalendarPlace || cal.Bring != "Documento scaduto e foto." || cal.OpenOnHolidays {
		t.Fatalf("stored calendar = %+v", cal)
	}
	if len(cal.Closures) != 2 || cal.Closures[0] != (modulario.Closure{From: "2026-12-24"}) ||
		cal.Closures[1] != (modulario.Closure{From: "2026-08-10", To: "2026-08-21", Reason: "Chiusura estiva"}) {
		t.Fatalf("closures = %+v", cal.Closures)
	}
	if len(cal.Openings) != 1 || len(cal.Openings[0].Intervals) != 2 || cal.Openings[0].Reason != "Apertura straordinaria" {
		t.Fatalf("openings = %+v", cal.Openings)
	}
	res, body = b.admin.get("/admin/calendari/delegazione-nord?ok=ok.calendar_saved")
	wantStatus(t, "calendar page", res, body, http.StatusOK)
	wantContains(t, "calendar page", body, "Calendario salvato.", `value="08:30-12:30, 15:00-17:00"`,
		"2026-08-10 2026-08-21 Chiusura estiva", "Festività dei prossimi 12 mesi",
		"lunedì 6 aprile 2026: Lunedì dell&#39;Angelo", "mercoledì 24 giugno 2026: San Giovanni Battista",
		"Prenotazioni da rivedere", "Nessuna prenotazione da rivedere")

	res, body = b.admin.post("/admin/calendari/nuovo", calendarValues())
	wantStatus(t, "duplicate", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "duplicate", body, "Esiste già un calendario con questo identificativo.")

	upd := calendarValues()
	upd.Set("name", "Delegazione nord")
	upd.Set("kind", "video")
	upd.Set("open_on_holidays", "1")
	res, body = b.editor.post("/admin/calendari/delegazione-nord", upd)
	wantStatus(t, "update by editor", res, body, http.StatusSeeOther)
	if cal, _ = b.Calendars.FindCalendar(ctx, "delegazione-nord"); cal.Name != "Delegazione nord" ||
		cal.Kind != modulario.CalendarVideo || !cal.OpenOnHolidays || cal.Slug != "delegazione-nord" {
		t.Fatalf("updated calendar = %+v", cal)
	}
	_, body = b.admin.get("/admin/calendari")
	wantContains(t, "list", body, "Delegazione nord", "Videochiamata", "Anagrafe sede centrale", "Sportello: Sede centrale",
		"20 minuti", `href="/admin/calendari/nuovo"`)

	// A calendar with a future appointment cannot be deleted.
	b.book("Maria Rossi", at(3, 9, 30))
	res, body = b.admin.post("/admin/calendari/sede-centrale/elimina", nil)
	wantStatus(t, "delete booked", res, body, http.StatusConflict)
	wantContains(t, "delete booked", body, "ha appuntamenti confermati")
	if _, err := b.Calendars.FindCalendar(ctx, "sede-centrale"); err != nil {
		t.Fatalf("booked calendar deleted: %v", err)
	}
	res, body = b.admin.get("/admin/calendari/delegazione-nord/elimina")
	wantStatus(t, "delete page", res, body, http.StatusOK)
	res, body = b.admin.post("/admin/calendari/delegazione-nord/elimina", nil)
	wantStatus(t, "delete", res, body, http.StatusSeeOther)
	if _, err := b.Calendars.FindCalendar(ctx, "delegazione-nord"); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Fatalf("deleted calendar still there: %v", err)
	}
	assertAudit(t, b.env, "calendar.save", "calendar.delete")
}

func TestCalendarRoles(t *testing.T) {
	b := newBookings(t)
	// The operator of anagrafe reads its calendar, not URP's, and edits nothing.
	_, body := b.opA.get("/admin/calendari")
	wantContains(t, "operator list", body, "Anagrafe sede centrale")
	if strings.Contains(body, "URP videochiamata") || strings.Contains(body, `href="/admin/calendari/nuovo"`) {
		t.Error("the operator's list shows another office's calendar or the new button")
	}
	res, body := b.opA.get("/admin/calendari/sede-centrale")
	wantStatus(t, "operator page", res, body, http.StatusOK)
	wantContains(t, "operator page", body, "Puoi consultare questo calendario", "09:00-12:00", `href="/admin/agenda/sede-centrale"`)
	if strings.Contains(body, `action="/admin/calendari/sede-centrale"`) {
		t.Error("the operator gets the edit form")
	}
	v := calendarValues()
	v.Set("slug", "sede-centrale")
	if res, _ = b.opA.post("/admin/calendari/sede-centrale", v); res.StatusCode != http.StatusForbidden {
		t.Errorf("operator save: %d, want 403", res.StatusCode)
	}
	if res, _ = b.opA.post("/admin/calendari/nuovo", calendarValues()); res.StatusCode != http.StatusForbidden {
		t.Errorf("operator create: %d, want 403", res.StatusCode)
	}
	// The operator of another office: 404 everywhere.
	for _, p := range []string{"/admin/calendari/sede-centrale", "/admin/agenda/sede-centrale",
		"/admin/agenda/sede-centrale?vista=settimana"} {
		if res, _ := b.opU.get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("other office GET %s: %d, want 404", p, res.StatusCode)
		}
	}
	sub := b.book("Maria Rossi", at(3, 9, 30))
	res, _ = b.opU.post(actionPath(sub, "presenza"), url.Values{"richiesta": {idOf(sub)}, "esito": {"presentato"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("other office check-in: %d, want 404", res.StatusCode)
	}
	res, _ = b.opU.post(actionPath(sub, "annulla"), url.Values{"richiesta": {idOf(sub)}, "messaggio": {"No"}})
	if _, a := b.appt(sub.ID); res.StatusCode != http.StatusNotFound || a.Status != modulario.BookingConfirmed {
		t.Errorf("other office cancel: %d, status %s", res.StatusCode, a.Status)
	}
	// A booking of another request, or of a request that does not exist.
	other := b.book("Luca Bianchi", at(3, 10, 0))
	res, _ = b.opA.post(actionPath(sub, "presenza"), url.Values{"richiesta": {idOf(other)}, "esito": {"presentato"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("booking of another request: %d, want 404", res.StatusCode)
	}
	if res, _ = b.opA.get(actionPath(sub, "sposta") + "?richiesta=999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown request: %d, want 404", res.StatusCode)
	}
	// Editors keep out of the agenda; an editor of URP cannot change anagrafe's calendar.
	if res, _ = b.editor.get("/admin/agenda"); res.StatusCode != http.StatusForbidden {
		t.Errorf("editor agenda: %d, want 403", res.StatusCode)
	}
	b.addUser(modulario.RoleEditor, "ed-urp@comune.example", "urp")
	edU := b.login("ed-urp@comune.example")
	if res, _ = edU.post("/admin/calendari/sede-centrale", v); res.StatusCode != http.StatusForbidden {
		t.Errorf("URP editor saves anagrafe's calendar: %d, want 403", res.StatusCode)
	}
	// The nav: Agenda for operators, Calendari for editors.
	_, body = b.opA.get("/admin")
	wantContains(t, "operator nav", body, `href="/admin/agenda"`)
	if strings.Contains(body, `modulario-admin-menu-link" href="/admin/calendari"`) {
		t.Error("operator nav links Calendari")
	}
	_, body = b.editor.get("/admin")
	wantContains(t, "editor nav", body, `href="/admin/calendari"`)
	if strings.Contains(body, `href="/admin/agenda"`) {
		t.Error("editor nav links Agenda")
	}
}

// TestBookingHiddenWithoutCalendars checks that a builder without the
// booking services neither routes nor links the calendar screens.
func TestBookingHiddenWithoutCalendars(t *testing.T) {
	e := newEnv(t, func(c *builder.Config) { c.Calendars, c.Bookings, c.Appointments = nil, nil, nil })
	e.addUser(modulario.RoleAdmin, "admin@comune.example")
	c := e.login("admin@comune.example")
	_, body := c.get("/admin")
	if strings.Contains(body, "/admin/agenda") || strings.Contains(body, "/admin/calendari") {
		t.Error("home links booking screens without calendars")
	}
	if res, _ := c.get("/admin/calendari"); res.StatusCode != http.StatusNotFound {
		t.Errorf("/admin/calendari without calendars: %d", res.StatusCode)
	}
}

func TestSettingsPatronDay(t *testing.T) {
	e := newEnv(t)
	e.addUser(modulario.RoleAdmin, "admin@comune.example")
	c := e.login("admin@comune.example")
	res, body := c.post("/admin/impostazioni", url.Values{"site_name": {"Comune di Esempio"}, "patron_day": {"13-40"},
		"patron_name": {"San Giovanni Battista"}})
	wantStatus(t, "bad patron day", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "bad patron day", body, "Scrivi il giorno del santo patrono come MM-GG", `href="#patron_day"`, `value="13-40"`)
	for _, bad := range []string{"02-30", "6-24", "24-06"} {
		if res, _ := c.post("/admin/impostazioni", url.Values{"site_name": {"Comune"}, "patron_day": {bad}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("patron day %q: %d, want 422", bad, res.StatusCode)
		}
	}
	if st, _ := e.Settings.Settings(context.Background()); st.PatronDay != "" {
		t.Fatalf("a refused patron day was stored: %q", st.PatronDay)
	}
	res, body = c.post("/admin/impostazioni", url.Values{"site_name": {"Comune di Esempio"}, "patron_day": {"06-24"},
		"patron_name": {"San Giovanni Battista"}})
	wantStatus(t, "patron day", res, body, http.StatusSeeOther)
	st, err := e.Settings.Settings(context.Background())
	if err != nil || st.PatronDay != "06-24" || st.PatronName != "San Giovanni Battista" {
		t.Fatalf("settings = %+v, %v", st, err)
	}
	_, body = c.get("/admin/impostazioni")
	wantContains(t, "settings page", body, "Giorno del santo patrono", `value="06-24"`)
}

func TestFormEditorAppointmentField(t *testing.T) {
	b := newBookings(t)
	ed := b.editor
	slug := createForm(t, ed, "Prenota un appuntamento")
	addField(t, ed, slug, 0, formedit.TypeShortText, "Motivo")
	_, body := ed.get("/admin/moduli/" + slug)
	wantContains(t, "palette", body, `<option value="appuntamento">Appuntamento</option>`)

	// From the palette: first the calendars.
	res, body := ed.post("/admin/moduli/"+slug+"/campi", url.Values{"step": {"0"}, "type": {"appuntamento"}, "label": {""}})
	wantStatus(t, "chooser", res, body, http.StatusOK)
	wantContains(t, "chooser", body, "Nuovo campo Appuntamento", `name="calendari" value="sede-centrale"`,
		"Anagrafe sede centrale (Sede centrale, Piazza del Municipio 1)", "URP videochiamata", `value="Data e orario"`)
	res, body = ed.post("/admin/moduli/"+slug+"/campi", url.Values{"step": {"0"}, "type": {"appuntamento"},
		"label": {"Data e orario"}, "scelta": {"1"}})
	wantStatus(t, "no calendars", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "no calendars", body, "Scegli almeno un calendario", `href="#cal-0"`)
	res, body = ed.post("/admin/moduli/"+slug+"/campi", url.Values{"step": {"0"}, "type": {"appuntamento"},
		"label": {"Data e orario"}, "scelta": {"1"}, "calendari": {"sede-centrale", "urp-video"}})
	wantStatus(t, "add", res, body, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/admin/moduli/"+slug+"/campi/appuntamento") {
		t.Fatalf("add redirected to %q", loc)
	}
	v := draftDoc(t, b.env, slug).View()
	if len(v.Steps) != 2 || len(v.Steps[1].Fields) != 1 {
		t.Fatalf("steps = %+v", v.Steps)
	}
	f := v.Steps[1].Fields[0]
	if f.Type != formedit.TypeAppointment || !slices.Equal(f.Calendars, []string{"sede-centrale", "urp-video"}) {
		t.Fatalf("appointment field = %+v", f)
	}
	_, body = ed.get("/admin/moduli/" + slug)
	wantContains(t, "editor list", body, "Calendari: Anagrafe sede centrale, URP videochiamata")

	// The field page binds the calendars; none is refused.
	res, body = ed.get("/admin/moduli/" + slug + "/campi/appuntamento")
	wantStatus(t, "field page", res, body, http.StatusOK)
	wantContains(t, "field page", body, `id="cal-0" name="calendari" value="sede-centrale" checked`)
	res, body = ed.post("/admin/moduli/"+slug+"/campi/appuntamento", url.Values{"label": {"Quando?"}, "required": {"1"},
		"calendari": {"urp-video"}})
	wantStatus(t, "field save", res, body, http.StatusSeeOther)
	if f, _, _ := fieldByPath(draftDoc(t, b.env, slug), "appuntamento"); !slices.Equal(f.Calendars, []string{"urp-video"}) || f.Label != "Quando?" {
		t.Fatalf("after save: %+v", f)
	}
	res, body = ed.post("/admin/moduli/"+slug+"/campi/appuntamento", url.Values{"label": {"Quando?"}})
	wantStatus(t, "field without calendars", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "field without calendars", body, "Scegli almeno un calendario")

	// Another field cannot join the appointment's step.
	res, body = ed.post("/admin/moduli/"+slug+"/campi", url.Values{"step": {"1"}, "type": {"email"}, "label": {"Email"}})
	wantStatus(t, "field beside the appointment", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "field beside the appointment", body, "occupa un passo da solo")
}
