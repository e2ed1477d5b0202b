package storage

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage/storagetest"
)

// TestDoubleSubmitWithHeldSlot submits the same draft twice after it held
// the only place of a slot: the second submit finds the draft gone and
// gets ENOTFOUND, not the ECONFLICT of the slot the first one confirmed.
func TestDoubleSubmitWithHeldSlot(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t, "")
	saveTestCalendar(t, db, storagetest.NewCalendar("sede-centrale")) // capacity 1
	slot := storagetest.At(12, 9, 0)
	d := &modulario.Draft{FormSlug: "carta-identita", Version: 1, ExpiresAt: storagetest.Start.Add(time.Hour)}
	if err := NewDraftService(db).CreateDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	h := modulario.Hold{Calendar: "sede-centrale", Start: slot, Holder: modulario.DraftHolder(d.Token), Field: storagetest.ApptField}
	if _, err := NewBookingService(db).HoldSlot(ctx, h, storagetest.Start); err != nil {
		t.Fatal(err)
	}
	subs := NewSubmissionService(db)
	if err := subs.CreateSubmission(ctx, storagetest.BookingSubmission("sede-centrale", slot), d.Token); err != nil {
		t.Fatalf("first submit: %v", err)
	}
	err := subs.CreateSubmission(ctx, storagetest.BookingSubmission("sede-centrale", slot), d.Token)
	storagetest.WantCode(t, err, modulario.ENOTFOUND)
	if n, _ := subs.CountSubmissions(ctx); n != 1 {
		t.Fatalf("%d requests after a double submit, want 1", n)
	}
}

// TestHoldExtensionCapped extends a hold every 9 minutes: its expiry never
// passes CreatedAt + 3 × HoldDuration, and once that is past the place is
// free for someone else.
func TestHoldExtensionCapped(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t, "")
	saveTestCalendar(t, db, storagetest.NewCalendar("sede-centrale"))
	bookings := NewBookingService(db)
	start, slot := storagetest.Start, storagetest.At(12, 9, 0)
	limit := start.Add(3 * modulario.HoldDuration)
	h := modulario.Hold{Calendar: "sede-centrale", Start: slot, Holder: "draft:a", Field: storagetest.ApptField}
	first, err := bookings.HoldSlot(ctx, h, start)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []int{9, 18, 27, 29} {
		now := start.Add(time.Duration(m) * time.Minute)
		b, err := bookings.HoldSlot(ctx, h, now)
		if err != nil {
			t.Fatalf("extend at +%dm: %v", m, err)
		}
		want := now.Add(modulario.HoldDuration)
		if want.After(limit) {
			want = limit
		}
		if b.ID != first.ID || !b.ExpiresAt.Equal(want) || !b.CreatedAt.Equal(start) {
			t.Fatalf("extend at +%dm: %s expires %v created %v, want %s expiring %v", m, b.ID, b.ExpiresAt, b.CreatedAt, first.ID, want)
		}
	}
	other := h
	other.Holder = "draft:b"
	if _, err := bookings.HoldSlot(ctx, other, limit.Add(time.Minute)); err != nil {
		t.Fatalf("place still held past the cap: %v", err)
	}
}

// reminders returns the reminder messages of field at start, due a day and
// two hours before it.
func reminders(start time.Time) []*modulario.OutboxMessage {
	var out []*modulario.OutboxMessage
	for _, before := range []time.Duration{24 * time.Hour, 2 * time.Hour} {
		m := storagetest.NewMessage(modulario.ChannelEmailMsg)
		m.Event, m.NextAttemptAt = modulario.EventAppointmentReminder, start.Add(-before)
		m.AppointmentField, m.AppointmentStart = storagetest.ApptField, start
		out = append(out, m)
	}
	return out
}

// pendingReminders returns the IDs of the request's pending reminders,
// sorted, and fails t unless every skipped one carries the skip attempt.
func pendingReminders(t *testing.T, db *DB, id uint64) []string {
	t.Helper()
	list, err := NewOutboxService(db).ListOutbox(context.Background(), modulario.OutboxFilter{SubmissionID: id})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range list {
		switch {
		case m.Event != modulario.EventAppointmentReminder:
		case m.Status == modulario.OutboxPending:
			ids = append(ids, m.ID)
		case m.Status == modulario.OutboxSkipped:
			n := len(m.Attempts)
			if n == 0 || !m.Attempts[n-1].OK || !m.Attempts[n-1].Skipped || !strings.HasPrefix(m.Attempts[n-1].Error, "skipped:") {
				t.Errorf("skipped reminder %s has attempts %+v", m.ID, m.Attempts)
			}
		default:
			t.Errorf("reminder %s is %s", m.ID, m.Status)
		}
	}
	sort.Strings(ids)
	return ids
}

func idsOf(msgs []*modulario.OutboxMessage) []string {
	var ids []string
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	sort.Strings(ids)
	return ids
}

// TestRemindersSkippedOnChange moves an appointment A→B→A, each move
// queueing a new reminder set: only the newest set stays pending. A
// cancellation leaves none pending, and so does closing a request. Other
// pending messages are untouched.
func TestRemindersSkippedOnChange(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t, "")
	saveTestCalendar(t, db, storagetest.NewCalendar("sede-centrale"))
	subs, bookings := NewSubmissionService(db), NewBookingService(db)
	a, b := storagetest.At(12, 9, 0), storagetest.At(12, 9, 30)
	staff := modulario.AppointmentChange{Staff: true, Actor: "u1"}

	received := storagetest.NewMessage(modulario.ChannelEmailMsg)
	sub := storagetest.BookingSubmission("sede-centrale", a)
	if err := subs.CreateSubmission(ctx, sub, "", append(reminders(a), received)...); err != nil {
		t.Fatal(err)
	}
	bookingID := sub.Appointments[0].BookingID
	var last []*modulario.OutboxMessage
	for _, to := range []time.Time{b, a} {
		last = reminders(to)
		if _, err := bookings.MoveAppointment(ctx, sub.ID, bookingID, to, staff, last...); err != nil {
			t.Fatalf("move to %v: %v", to, err)
		}
	}
	if got, want := pendingReminders(t, db, sub.ID), idsOf(last); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("pending reminders after A→B→A = %v, want the newest set %v", got, want)
	}
	if m, err := NewOutboxService(db).FindOutboxMessage(ctx, received.ID); err != nil || m.Status != modulario.OutboxPending {
		t.Fatalf("received message: %+v, %v", m, err)
	}
	checkDueIndex(t, db)

	if _, err := bookings.CancelAppointment(ctx, sub.ID, bookingID, staff); err != nil {
		t.Fatal(err)
	}
	if got := pendingReminders(t, db, sub.ID); len(got) != 0 {
		t.Fatalf("pending reminders after cancel: %v", got)
	}
	checkDueIndex(t, db)

	closed := storagetest.BookingSubmission("sede-centrale", b)
	if err := subs.CreateSubmission(ctx, closed, "", reminders(b)...); err != nil {
		t.Fatal(err)
	}
	if _, err := subs.ChangeStatus(ctx, closed.ID, modulario.StatusRejected, "No."); err != nil {
		t.Fatal(err)
	}
	if got := pendingReminders(t, db, closed.ID); len(got) != 0 {
		t.Fatalf("pending reminders after closing the request: %v", got)
	}
	checkDueIndex(t, db)
}

// TestAffectedBookingsSlotLengthAndCapacity changes a calendar's slot
// length and then lowers its capacity: both leave bookings to report.
func TestAffectedBookingsSlotLengthAndCapacity(t *testing.T) {
	ctx := context.Background()
	db, clock := openTestDB(t, "")
	cal := storagetest.NewCalendar("sede-centrale")
	cal.Capacity = 2
	saveTestCalendar(t, db, cal)
	subs, bookings := NewSubmissionService(db), NewBookingService(db)
	a, b := storagetest.At(12, 9, 0), storagetest.At(12, 9, 30)
	var ids []string // a (first), a (second), b
	for i, start := range []time.Time{a, a, b} {
		clock.Set(storagetest.Start.Add(time.Duration(i) * time.Minute))
		sub := storagetest.BookingSubmission("sede-centrale", start)
		if err := subs.CreateSubmission(ctx, sub, ""); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sub.Appointments[0].BookingID)
	}
	affected := func() string {
		t.Helper()
		list, err := bookings.AffectedBookings(ctx, "sede-centrale", storagetest.Start)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, bk := range list {
			got = append(got, bk.ID)
		}
		return strings.Join(got, ",")
	}
	if got := affected(); got != "" {
		t.Fatalf("affected before any change: %s", got)
	}

	// 15-minute slots: 09:00 and 09:30 still start a slot, ending earlier.
	cal.SlotMinutes = 15
	if err := NewCalendarService(db).SaveCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	got := affected()
	if n := len(strings.Split(got, ",")); got == "" || n != 3 || !strings.HasSuffix(got, ids[2]) {
		t.Fatalf("affected after the slot length changed: %q, want all three (%v), 09:30 last", got, ids)
	}

	// Back to 30 minutes, one place: the later booking of 09:00 is over.
	cal.SlotMinutes, cal.Capacity = 30, 1
	if err := NewCalendarService(db).SaveCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	if got := affected(); got != ids[1] {
		t.Fatalf("affected after capacity lowered: %q, want the later 09:00 booking %s", got, ids[1])
	}
}
