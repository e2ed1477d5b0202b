package notify

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
	"github.com/modulario/modulario/storage"
)

// bookingForm is a booking-only form: the appointment step, then the
// applicant with the e-mail contact; it e-mails the citizen and the office.
const bookingForm = `{"slug":"prenotazione","title":"Rinnovo carta d'identità","office":"anagrafe","privacy":"Informativa.",
  "requirements":"- documento scaduto\n- una fototessera",
  "schema":{"type":"object","required":["appuntamento"],"properties":{
    "appuntamento":{"type":"string","format":"appuntamento","title":"Data e orario"},
    "nome":{"type":"string","title":"Nome e cognome"},
    "email":{"type":"string","title":"Email"}}},
  "ui":{"steps":[{"title":"Luogo, data e orario","fields":["appuntamento"]},{"title":"Richiedente","fields":["nome","email"]}],
    "fields":{"appuntamento":{"widget":"appointment","calendars":["sede-centrale"]}}},
  "contacts":{"email":"email"},
  "rules":[{"name":"ricevuta","on":"submission.received","then":[
    {"notify":"email","to":"citizen"},{"notify":"email","to":"office","template":"nuova-richiesta"}]}]}`

// bookingEnv is a real store with a calendar, the booking form, an e-mail
// channel on an in-process SMTP server and a dispatcher on a test clock.
type bookingEnv struct {
	st       *testStore
	cals     *storage.CalendarService
	bookings *storage.BookingService
	clk      *clock
	engine   *Engine
	appts    *Appointments
	smtp     *smtpBackend
	d        *Dispatcher
}

var romeTZ = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return loc
}()

func at(day, clock string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, romeTZ)
	if err != nil {
		panic(err)
	}
	return t
}

func newBookingEnv(t *testing.T, now time.Time, remindHours int) *bookingEnv {
	t.Helper()
	ctx := context.Background()
	st := newStore(t)
	clk := &clock{t: now}
	st.db.Now = clk.Now
	env := &bookingEnv{st: st, cals: storage.NewCalendarService(st.db), bookings: storage.NewBookingService(st.db), clk: clk}
	if err := st.offices.SaveOffice(ctx, &modulario.Office{Slug: "anagrafe", Name: "Ufficio Anagrafe", Emails: []string{"anagrafe@comune.example.it"}}); err != nil {
		t.Fatal(err)
	}
	weekday := []modulario.Interval{{Start: "08:30", End: "12:30"}}
	cal := &modulario.Calendar{Slug: "sede-centrale", Name: "Anagrafe — Sede centrale", Office: "anagrafe",
		Kind: modulario.CalendarPlace, Place: "Sede centrale", Address: "Piazza del Municipio 1",
		Bring:       "La carta d'identità scaduta e una fototessera.",
		Hours:       [7][]modulario.Interval{1: weekday, 2: weekday, 3: weekday, 4: weekday, 5: weekday},
		SlotMinutes: 30, Capacity: 2, NoticeHours: 12, HorizonDays: 60, ChangeHours: 24, RemindHours: remindHours}
	if err := env.cals.SaveCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.forms.SaveDraft(ctx, modulario.Form{Slug: "prenotazione", Title: "Rinnovo carta d'identità", Office: "anagrafe"},
		json.RawMessage(bookingForm)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.forms.PublishDraft(ctx, "prenotazione"); err != nil {
		t.Fatal(err)
	}
	env.engine = NewEngine(st.forms).WithCalendars(env.cals)
	env.engine.now = clk.Now
	env.appts = &Appointments{Bookings: env.bookings, Calendars: env.cals, Forms: st.forms,
		Submissions: st.subs, Engine: env.engine}
	env.smtp = &smtpBackend{}
	port := startSMTP(t, env.smtp)
	env.d = dispatcher(st, clk, testEmail(t, "smtp://127.0.0.1:"+strconv.Itoa(port)+"?tls=none"))
	env.d.Calendars = env.cals
	return env
}

// request builds an unsaved request booking start.
func (env *bookingEnv) request(start time.Time, email string) *modulario.Submission {
	data, _ := json.Marshal(map[string]string{"appuntamento": modulario.AppointmentValue("sede-centrale", start),
		"nome": "Maria Rossi", "email": email})
	s := &modulario.Submission{FormSlug: "prenotazione", Version: 1, Status: modulario.StatusReceived,
		Channel: modulario.ChannelWeb, Data: data}
	s.Appointments = []modulario.Appointment{{Field: "/appuntamento", Calendar: "sede-centrale", Start: start, Name: "Maria Rossi"}}
	return s
}

// book evaluates the rules and stores the request as the renderer does.
func (env *bookingEnv) book(t *testing.T, start time.Time) *modulario.Submission {
	t.Helper()
	ctx := context.Background()
	s := env.request(start, "maria.rossi@example.org")
	out, err := env.engine.Evaluate(ctx, modulario.EventReceived, s)
	if err != nil {
		t.Fatal(err)
	}
	s.Office = out.Office
	if err := env.st.subs.CreateSubmission(ctx, s, "", out.Messages...); err != nil {
		t.Fatal(err)
	}
	if len(s.Appointments) != 1 || s.Appointments[0].BookingID == "" {
		t.Fatalf("appointment not confirmed: %+v", s.Appointments)
	}
	return s
}

// sentMail is one delivered e-mail, parsed.
type sentMail struct {
	To      string
	Subject string
	Text    string
	// ICS and ICSType are the appuntamento.ics attachment, if any.
	ICS     []byte
	ICSType string
}

// mails returns the e-mails the SMTP server accepted, parsed.
func (env *bookingEnv) mails(t *testing.T) []sentMail {
	t.Helper()
	var out []sentMail
	for _, e := range env.smtp.envelopes() {
		msg, err := mail.ReadMessage(bytes.NewReader(e.Data))
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		m := sentMail{To: strings.Join(e.To, ","), Subject: subject}
		_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		if err != nil {
			t.Fatal(err)
		}
		collectParts(t, multipart.NewReader(msg.Body, params["boundary"]), &m)
		out = append(out, m)
	}
	return out
}

func collectParts(t *testing.T, r *multipart.Reader, m *sentMail) {
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		mt, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if strings.HasPrefix(mt, "multipart/") {
			collectParts(t, multipart.NewReader(p, params["boundary"]), m)
			continue
		}
		body, _ := io.ReadAll(p)
		if p.Header.Get("Content-Transfer-Encoding") == "base64" {
			body = decodeBase64(t, body)
		}
		switch {
		case p.FileName() == ICSFileName:
			m.ICS, m.ICSType = body, p.Header.Get("Content-Type")
		case mt == "text/plain" && p.FileName() == "":
			m.Text = string(body)
		}
	}
}

// mailTo returns the only mail whose subject contains subject.
func mailWith(t *testing.T, mails []sentMail, subject string) sentMail {
	t.Helper()
	var found []sentMail
	for _, m := range mails {
		if strings.Contains(m.Subject, subject) {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		var subjects []string
		for _, m := range mails {
			subjects = append(subjects, m.Subject)
		}
		t.Fatalf("%d mails with %q in the subject; subjects: %q", len(found), subject, subjects)
	}
	return found[0]
}

// event parses an ICS attachment and returns its only event and METHOD.
func event(t *testing.T, raw []byte) (*ical.VEvent, string) {
	t.Helper()
	cal, err := ical.ParseCalendar(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("ICS: %v\n%s", err, raw)
	}
	if len(cal.Events()) != 1 {
		t.Fatalf("ICS events: %d", len(cal.Events()))
	}
	method := ""
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(ical.PropertyMethod) {
			method = p.Value
		}
	}
	return cal.Events()[0], method
}

func evProp(ev *ical.VEvent, p ical.ComponentProperty) string {
	if x := ev.GetProperty(p); x != nil {
		return ical.FromText(x.Value)
	}
	return ""
}

func outboxOf(t *testing.T, env *bookingEnv, id uint64) []*modulario.OutboxMessage {
	t.Helper()
	got, err := env.st.outbox.ListOutbox(context.Background(), modulario.OutboxFilter{SubmissionID: id})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func remindersOf(msgs []*modulario.OutboxMessage) []*modulario.OutboxMessage {
	var out []*modulario.OutboxMessage
	for _, m := range msgs {
		if m.Event == modulario.EventAppointmentReminder {
			out = append(out, m)
		}
	}
	return out
}

func TestReminderSchedule(t *testing.T) {
	start := at("2026-12-03", "09:30") // a Thursday
	cases := []struct {
		name        string
		now         time.Time
		remindHours int
		email       string
		want        []time.Time
	}{
		{"day before only", at("2026-11-20", "10:00"), 0, "maria@example.org", []time.Time{start.Add(-24 * time.Hour)}},
		{"day before and hours before", at("2026-11-20", "10:00"), 2, "maria@example.org",
			[]time.Time{start.Add(-24 * time.Hour), start.Add(-2 * time.Hour)}},
		{"less than a day ahead: no day-before reminder", at("2026-12-02", "20:00"), 0, "maria@example.org", nil},
		{"less than a day ahead: only the hours-before one", at("2026-12-02", "20:00"), 2, "maria@example.org",
			[]time.Time{start.Add(-2 * time.Hour)}},
		{"remind 24 hours is one reminder", at("2026-11-20", "10:00"), 24, "maria@example.org", []time.Time{start.Add(-24 * time.Hour)}},
		{"no citizen e-mail: no reminder", at("2026-11-20", "10:00"), 2, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newBookingEnv(t, tc.now, tc.remindHours)
			out, err := env.engine.Evaluate(context.Background(), modulario.EventReceived, env.request(start, tc.email))
			if err != nil {
				t.Fatal(err)
			}
			rem := remindersOf(out.Messages)
			if len(rem) != len(tc.want) {
				t.Fatalf("reminders = %d, want %d: %+v", len(rem), len(tc.want), rem)
			}
			for i, m := range rem {
				var a Action
				if err := json.Unmarshal(m.Action, &a); err != nil || a.Template != "promemoria-appuntamento" ||
					string(a.To) != `"citizen"` || m.Channel != modulario.ChannelEmailMsg {
					t.Errorf("reminder action = %s (%v)", m.Action, err)
				}
				if !m.NextAttemptAt.Equal(tc.want[i]) || m.AppointmentField != "/appuntamento" || !m.AppointmentStart.Equal(start) {
					t.Errorf("reminder %d at %v for %s %v; want %v", i, m.NextAttemptAt, m.AppointmentField, m.AppointmentStart, tc.want[i])
				}
			}
		})
	}
}

// TestRemindersAreScheduledInStorage: the reminder is stored with its
// future NextAttemptAt and is not claimed before then.
func TestRemindersAreScheduledInStorage(t *testing.T) {
	start := at("2026-12-03", "09:30")
	env := newBookingEnv(t, at("2026-11-20", "10:00"), 2)
	sub := env.book(t, start)
	rem := remindersOf(outboxOf(t, env, sub.ID))
	if len(rem) != 2 {
		t.Fatalf("stored reminders: %d", len(rem))
	}
	want := map[time.Time]bool{start.Add(-24 * time.Hour).UTC(): true, start.Add(-2 * time.Hour).UTC(): true}
	for _, m := range rem {
		if !want[m.NextAttemptAt.UTC()] || m.Status != modulario.OutboxPending {
			t.Errorf("stored reminder %s %v", m.Status, m.NextAttemptAt)
		}
	}
	if n := drain(t, env.d, env.clk); n != 2 { // the receipt and the office mail only
		t.Fatalf("claimed %d now, want 2", n)
	}
	env.clk.t = start.Add(-24*time.Hour - time.Minute)
	if n := drain(t, env.d, env.clk); n != 0 {
		t.Fatalf("claimed %d a minute before the reminder", n)
	}
}

func TestReceiptEmailCarriesICS(t *testing.T) {
	start := at("2026-12-03", "09:30")
	env := newBookingEnv(t, at("2026-11-20", "10:00"), 0)
	sub := env.book(t, start)
	if n := drain(t, env.d, env.clk); n != 2 {
		t.Fatalf("claimed %d", n)
	}
	mails := env.mails(t)
	receipt := mailWith(t, mails, "ricevuta")
	if receipt.To != "maria.rossi@example.org" {
		t.Errorf("receipt to %q", receipt.To)
	}
	for _, want := range []string{"giovedì 3 dicembre 2026", "09:30", "Sede centrale, Piazza del Municipio 1",
		"Cosa portare", "La carta d'identità scaduta e una fototessera."} {
		if !strings.Contains(receipt.Text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, receipt.Text)
		}
	}
	if !strings.HasPrefix(receipt.ICSType, "text/calendar") || !strings.Contains(receipt.ICSType, "method=PUBLISH") {
		t.Errorf("ICS content type %q", receipt.ICSType)
	}
	ev, method := event(t, receipt.ICS)
	if method != "PUBLISH" {
		t.Errorf("METHOD %q", method)
	}
	if got := ev.GetProperty(ical.ComponentPropertyDtStart); got == nil || got.Value != "20261203T083000Z" {
		t.Errorf("DTSTART = %+v, want 09:30 in Rome = 08:30Z", got)
	}
	if got := evProp(ev, ical.ComponentPropertyDtEnd); got != "20261203T090000Z" {
		t.Errorf("DTEND = %q", got)
	}
	if got := evProp(ev, ical.ComponentPropertyLocation); got != "Sede centrale, Piazza del Municipio 1" {
		t.Errorf("LOCATION = %q", got)
	}
	if want := sub.Appointments[0].BookingID + "@comune.example.it"; ev.Id() != want {
		t.Errorf("UID = %q, want %q", ev.Id(), want)
	}
	if got := evProp(ev, ical.ComponentPropertySequence); got != "0" {
		t.Errorf("SEQUENCE = %q", got)
	}
	if got := evProp(ev, ical.ComponentPropertyUrl); got != "https://comune.example.it/servizi/prenotazione" {
		t.Errorf("URL = %q, want the service page", got)
	}
	if strings.Contains(string(receipt.ICS), sub.Token) || strings.Contains(string(receipt.ICS), "/pratiche/") {
		t.Errorf("the calendar entry carries the private tracking link:\n%s", receipt.ICS)
	}
	if org := ev.GetProperty(ical.ComponentPropertyOrganizer); org == nil || org.Value != "mailto:noreply@comune.example.it" {
		t.Errorf("ORGANIZER = %+v", org)
	}

	office := mailWith(t, mails, "Nuova richiesta")
	if office.ICS != nil {
		t.Error("the office mail must not carry the citizen's calendar entry")
	}
	if !strings.Contains(office.Text, "Data e orario: giovedì 3 dicembre 2026 alle 09:30, Sede centrale") ||
		strings.Contains(office.Text, "sede-centrale@") {
		t.Errorf("office summary shows the raw appointment:\n%s", office.Text)
	}
}

func TestReminderOfCancelledAppointmentIsSkipped(t *testing.T) {
	ctx := context.Background()
	start := at("2026-12-03", "09:30")
	env := newBookingEnv(t, at("2026-11-20", "10:00"), 0)
	sub := env.book(t, start)
	drain(t, env.d, env.clk)
	before := len(env.smtp.envelopes())

	got, err := env.appts.Cancel(ctx, sub.ID, sub.Appointments[0].BookingID, modulario.AppointmentChange{
		Actor: "u1", ActorName: "Operatore", Staff: true, Message: "Sportello chiuso per sciopero."})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.ActiveAppointments()) != 0 {
		t.Fatalf("still active: %+v", got.Appointments)
	}
	if n := drain(t, env.d, env.clk); n != 1 {
		t.Fatalf("claimed %d after cancelling, want the cancellation mail", n)
	}
	mails := env.mails(t)
	cancelled := mailWith(t, mails, "appuntamento annullato")
	if !strings.Contains(cancelled.Text, "Sportello chiuso per sciopero.") ||
		!strings.Contains(cancelled.Text, "giovedì 3 dicembre 2026 alle 09:30 (Sede centrale, Piazza del Municipio 1)") {
		t.Errorf("cancellation text:\n%s", cancelled.Text)
	}
	ev, method := event(t, cancelled.ICS)
	if method != "CANCEL" || evProp(ev, ical.ComponentPropertyStatus) != "CANCELLED" ||
		ev.Id() != sub.Appointments[0].BookingID+"@comune.example.it" {
		t.Errorf("cancellation ICS: method %q status %q uid %q", method, evProp(ev, ical.ComponentPropertyStatus), ev.Id())
	}
	if !strings.Contains(cancelled.ICSType, "method=CANCEL") {
		t.Errorf("content type %q", cancelled.ICSType)
	}

	env.clk.t = start.Add(-24 * time.Hour)
	// Storage may skip the reminder when cancelling (then nothing is
	// claimed) or the dispatcher skips it when due: never sent either way.
	if n := drain(t, env.d, env.clk); n > 1 {
		t.Fatalf("claimed %d at reminder time", n)
	}
	if n := len(env.smtp.envelopes()); n != before+1 {
		t.Errorf("mails = %d, want only the cancellation after the receipts", n-before)
	}
	rem := remindersOf(outboxOf(t, env, sub.ID))
	if len(rem) != 1 {
		t.Fatalf("reminders: %d", len(rem))
	}
	if r := rem[0]; r.Status != modulario.OutboxSkipped || len(r.Attempts) != 1 || !r.Attempts[0].Skipped ||
		!r.Attempts[0].OK || !strings.HasPrefix(r.Attempts[0].Error, "skipped: appointment ") {
		t.Errorf("reminder: %s %+v", r.Status, r.Attempts)
	}
}

func TestMoveQueuesMovedEmailAndNewReminders(t *testing.T) {
	ctx := context.Background()
	start := at("2026-12-03", "09:30")
	moved := at("2026-12-04", "10:00") // Friday
	env := newBookingEnv(t, at("2026-11-20", "10:00"), 0)
	sub := env.book(t, start)
	drain(t, env.d, env.clk)

	got, err := env.appts.Move(ctx, sub.ID, sub.Appointments[0].BookingID, moved, modulario.AppointmentChange{Actor: modulario.ActorCitizen})
	if err != nil {
		t.Fatal(err)
	}
	if a := got.ActiveAppointments(); len(a) != 1 || !a[0].Start.Equal(moved) {
		t.Fatalf("after the move: %+v", got.Appointments)
	}
	var movedMsg *modulario.OutboxMessage
	var newReminder *modulario.OutboxMessage
	for _, m := range outboxOf(t, env, sub.ID) {
		switch {
		case m.Event == modulario.EventAppointmentMoved:
			movedMsg = m
		case m.Event == modulario.EventAppointmentReminder && m.AppointmentStart.Equal(moved):
			newReminder = m
		}
	}
	if movedMsg == nil || !movedMsg.AppointmentStart.Equal(moved) {
		t.Fatalf("moved message: %+v", movedMsg)
	}
	if newReminder == nil || !newReminder.NextAttemptAt.Equal(moved.Add(-24*time.Hour)) {
		t.Fatalf("new reminder: %+v", newReminder)
	}

	if n := drain(t, env.d, env.clk); n != 1 {
		t.Fatalf("claimed %d after the move", n)
	}
	mail := mailWith(t, env.mails(t), "spostato")
	if !strings.Contains(mail.Subject, "venerdì 4 dicembre 2026 alle 10:00") || !strings.Contains(mail.Text, "Cosa portare") {
		t.Errorf("moved mail: %q\n%s", mail.Subject, mail.Text)
	}
	ev, method := event(t, mail.ICS)
	if method != "PUBLISH" || evProp(ev, ical.ComponentPropertyDtStart) != "20261204T090000Z" ||
		evProp(ev, ical.ComponentPropertySequence) != "1" || ev.Id() != sub.Appointments[0].BookingID+"@comune.example.it" {
		t.Errorf("moved ICS: %s", mail.ICS)
	}

	// The old reminder (day before the old time) is skipped, the new one sent.
	env.clk.t = start.Add(-24 * time.Hour)
	drain(t, env.d, env.clk)
	env.clk.t = moved.Add(-24 * time.Hour)
	drain(t, env.d, env.clk)
	mails := env.mails(t)
	reminder := mailWith(t, mails, "Promemoria")
	if reminder.Subject != "Promemoria: appuntamento di venerdì 4 dicembre 2026 alle 10:00" {
		t.Errorf("reminder subject %q", reminder.Subject)
	}
	if ev, _ := event(t, reminder.ICS); evProp(ev, ical.ComponentPropertyDtStart) != "20261204T090000Z" {
		t.Errorf("reminder ICS: %s", reminder.ICS)
	}
	skipped := 0
	for _, m := range remindersOf(outboxOf(t, env, sub.ID)) {
		if m.Status == modulario.OutboxSkipped {
			skipped++
			if !m.AppointmentStart.Equal(start) {
				t.Errorf("skipped the reminder of %v", m.AppointmentStart)
			}
		}
	}
	if skipped != 1 {
		t.Errorf("skipped reminders = %d, want the old one", skipped)
	}
}

func decodeBase64(t *testing.T, b []byte) []byte {
	t.Helper()
	out, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), ""))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAppointmentPlaceholders(t *testing.T) {
	f, err := schemas.Load([]byte(bookingForm))
	if err != nil {
		t.Fatal(err)
	}
	start := at("2026-03-30", "14:05") // the day after the change to summer time
	sub := &modulario.Submission{Number: "2026-0000007", Data: json.RawMessage(`{"appuntamento":"` +
		modulario.AppointmentValue("urp-video", start) + `"}`)}
	ap := modulario.Appointment{Field: "/appuntamento", BookingID: "b1", Calendar: "urp-video", Start: start.UTC(),
		Status: modulario.BookingConfirmed}
	tpl := schemas.Template{Subject: "{{data_appuntamento}} {{ora_appuntamento}}",
		Body: "A: {{appuntamento}}\nL: {{luogo}}\nP: {{cosa_portare}}\n{{dettagli-appuntamento}}"}
	cases := []struct {
		name string
		cal  *modulario.Calendar
		want []string
	}{
		{"video call", &modulario.Calendar{Slug: "urp-video", Name: "URP", Kind: modulario.CalendarVideo,
			VideoInfo: "Riceverà il link il giorno prima."},
			[]string{"A: lunedì 30 marzo 2026 alle 14:05, Videochiamata, URP", "L: Videochiamata, URP",
				"P: - documento scaduto", "**Come si svolge la videochiamata**", "Riceverà il link il giorno prima."}},
		{"unknown calendar", nil, []string{"A: lunedì 30 marzo 2026 alle 14:05, urp-video", "L: urp-video"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := TemplateData{Form: f, Submission: sub, Appointment: &AppointmentDetails{Appointment: ap, Calendar: tc.cal}}
			subject, md := Render(tpl, d)
			if subject != "lunedì 30 marzo 2026 14:05" {
				t.Errorf("subject %q", subject)
			}
			for _, w := range tc.want {
				if !strings.Contains(md, w) {
					t.Errorf("missing %q in\n%s", w, md)
				}
			}
		})
	}
	// Without an appointment the placeholders are empty.
	if _, md := Render(tpl, TemplateData{Form: f, Submission: sub}); strings.TrimSpace(md) != "A: \nL: \nP:" {
		t.Errorf("without appointment: %q", md)
	}
}

// TestAppointmentChangesWithoutCitizenEmail: without the citizen's e-mail
// the change happens and nothing is queued for them.
func TestAppointmentChangesWithoutCitizenEmail(t *testing.T) {
	ctx := context.Background()
	env := newBookingEnv(t, at("2026-11-20", "10:00"), 2)
	s := env.request(at("2026-12-03", "09:30"), "")
	out, err := env.engine.Evaluate(ctx, modulario.EventReceived, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.st.subs.CreateSubmission(ctx, s, "", out.Messages...); err != nil {
		t.Fatal(err)
	}
	before := len(outboxOf(t, env, s.ID))
	moved := at("2026-12-04", "10:00")
	got, err := env.appts.Move(ctx, s.ID, s.Appointments[0].BookingID, moved, modulario.AppointmentChange{Actor: "u1", Staff: true})
	if err != nil || !got.Appointments[0].Start.Equal(moved) {
		t.Fatalf("move: %v %+v", err, got)
	}
	if _, err := env.appts.Cancel(ctx, s.ID, s.Appointments[0].BookingID, modulario.AppointmentChange{Actor: "u1", Staff: true}); err != nil {
		t.Fatal(err)
	}
	if n := len(outboxOf(t, env, s.ID)); n != before {
		t.Errorf("queued %d messages for a citizen without e-mail", n-before)
	}
	// An unknown booking is the booking service's error, unchanged.
	if _, err := env.appts.Cancel(ctx, s.ID, "nope", modulario.AppointmentChange{Actor: "u1", Staff: true}); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Errorf("unknown booking: %v", err)
	}
}
