package notify

import (
	"context"
	"strings"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"

	"github.com/modulario/modulario"
)

// TestReminderAfterStartIsSkipped: a reminder claimed late (the
// dispatcher was down) is never sent once the appointment has started.
func TestReminderAfterStartIsSkipped(t *testing.T) {
	start := at("2026-12-03", "09:30")
	env := newBookingEnv(t, at("2026-11-20", "10:00"), 0)
	sub := env.book(t, start)
	drain(t, env.d, env.clk)
	before := len(env.smtp.envelopes())

	env.clk.t = start.Add(5 * time.Minute)
	if n := drain(t, env.d, env.clk); n != 1 {
		t.Fatalf("claimed %d after the start, want the late reminder", n)
	}
	if n := len(env.smtp.envelopes()); n != before {
		t.Fatalf("a reminder was sent after the appointment started (%d mails)", n-before)
	}
	rem := remindersOf(outboxOf(t, env, sub.ID))
	if len(rem) != 1 || rem[0].Status != modulario.OutboxSkipped {
		t.Fatalf("reminder: %+v", rem)
	}
}

// TestRejectingBookedRequestMailsCancellation: closing a request frees
// its future appointment and tells the citizen, with the CANCEL entry
// and the office's message.
func TestRejectingBookedRequestMailsCancellation(t *testing.T) {
	ctx := context.Background()
	start := at("2026-12-03", "09:30")
	env := newBookingEnv(t, at("2026-11-20", "10:00"), 0)
	sub := env.book(t, start)
	drain(t, env.d, env.clk)
	before := len(env.smtp.envelopes())

	w := &Workflow{Submissions: env.st.subs, Rules: env.engine, Now: env.clk.Now}
	got, err := w.Apply(ctx, sub.ID, modulario.Change{Actor: "u1", ActorName: "Operatore",
		Status: modulario.StatusRejected, Message: "Documentazione non conforme."})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.ActiveAppointments()) != 0 {
		t.Fatalf("appointment still active after rejecting: %+v", got.Appointments)
	}
	if n, _ := env.bookings.CountBookings(ctx, "sede-centrale", start); n != 0 {
		t.Fatalf("bookings after rejecting = %d", n)
	}
	drain(t, env.d, env.clk)
	mails := env.mails(t)
	if len(mails) != before+1 {
		t.Fatalf("mails after rejecting = %d, want 1", len(mails)-before)
	}
	cancelled := mailWith(t, mails, "appuntamento annullato")
	if cancelled.To != "maria.rossi@example.org" || !strings.Contains(cancelled.Text, "Documentazione non conforme.") ||
		!strings.Contains(cancelled.Text, "giovedì 3 dicembre 2026 alle 09:30") {
		t.Errorf("cancellation to %q:\n%s", cancelled.To, cancelled.Text)
	}
	ev, method := event(t, cancelled.ICS)
	if method != "CANCEL" || evProp(ev, ical.ComponentPropertyStatus) != "CANCELLED" ||
		ev.Id() != sub.Appointments[0].BookingID+"@comune.example.it" {
		t.Errorf("ICS: method %q status %q uid %q", method, evProp(ev, ical.ComponentPropertyStatus), ev.Id())
	}
	if strings.Contains(string(cancelled.ICS), sub.Token) {
		t.Error("the CANCEL entry carries the private tracking link")
	}
}

// TestWithdrawOrPastAppointmentQueuesNoCancellation: the citizen's
// withdrawal and a closing after the appointment send no cancellation.
func TestWithdrawOrPastAppointmentQueuesNoCancellation(t *testing.T) {
	ctx := context.Background()
	start := at("2026-12-03", "09:30")
	for _, tc := range []struct {
		name   string
		now    time.Time
		change modulario.Change
	}{
		{"withdraw", at("2026-11-20", "10:00"), modulario.Change{Actor: modulario.ActorCitizen, Status: modulario.StatusWithdrawn}},
		{"rejected after the appointment", start.Add(time.Hour), modulario.Change{Actor: "u1", Status: modulario.StatusRejected}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newBookingEnv(t, at("2026-11-20", "10:00"), 0)
			sub := env.book(t, start)
			env.clk.t = tc.now
			w := &Workflow{Submissions: env.st.subs, Rules: env.engine, Now: env.clk.Now}
			if _, err := w.Apply(ctx, sub.ID, tc.change); err != nil {
				t.Fatal(err)
			}
			for _, m := range outboxOf(t, env, sub.ID) {
				if m.Event == modulario.EventAppointmentCancelled {
					t.Fatalf("cancellation queued: %+v", m)
				}
			}
		})
	}
}
