package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

var (
	byStaff = modulario.AppointmentChange{Actor: "u-anna", ActorName: "Anna Bianchi", Message: "Sportello chiuso per sciopero.", Staff: true}
	citizen = modulario.AppointmentChange{Actor: modulario.ActorCitizen}
)

func lastEvents(sub *modulario.Submission, n int) []modulario.Event {
	if len(sub.Timeline) < n {
		return nil
	}
	return sub.Timeline[len(sub.Timeline)-n:]
}

func testCancelAppointment(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	saveCalendar(t, st, NewCalendar("sede-centrale"))
	slot := At(12, 9, 0)
	sub := book(t, st, "sede-centrale", slot)
	bid := sub.Appointments[0].BookingID
	_, err := st.Bookings.CancelAppointment(ctx, sub.ID, "missing", byStaff)
	WantCode(t, err, modulario.ENOTFOUND)
	_, err = st.Bookings.CancelAppointment(ctx, sub.ID+100, bid, byStaff)
	WantCode(t, err, modulario.ENOTFOUND)

	msg := NewMessage(modulario.ChannelEmailMsg)
	got, err := st.Bookings.CancelAppointment(ctx, sub.ID, bid, byStaff, msg)
	must(t, err)
	a := got.Appointments[0]
	if a.Status != modulario.BookingCancelled || a.Reason != byStaff.Message || a.BookingID != bid {
		t.Fatalf("cancelled appointment: %+v", a)
	}
	ev := lastEvent(got)
	if ev.Type != modulario.EventTypeAppointmentCancelled || ev.Internal || ev.Actor != byStaff.Actor ||
		ev.ActorName != byStaff.ActorName || ev.Message != byStaff.Message || !ev.At.Equal(Start) {
		t.Fatalf("cancel event: %+v", ev)
	}
	if got.Status != modulario.StatusReceived {
		t.Fatalf("staff cancellation changed the status to %s", got.Status)
	}
	if msg.ID == "" || msg.Event != modulario.EventAppointmentCancelled || msg.SubmissionID != sub.ID {
		t.Fatalf("queued message: %+v", msg)
	}
	stored, err := st.Submissions.FindSubmission(ctx, sub.ID)
	must(t, err)
	if stored.Appointments[0].Status != modulario.BookingCancelled || len(stored.ActiveAppointments()) != 0 {
		t.Fatalf("stored appointments: %+v", stored.Appointments)
	}
	wantCount(t, st, "sede-centrale", slot, 0)
	_, err = st.Bookings.CancelAppointment(ctx, sub.ID, bid, byStaff)
	WantCode(t, err, modulario.ECONFLICT)
	book(t, st, "sede-centrale", slot) // the place is free again
	wantCount(t, st, "sede-centrale", slot, 1)
}

func testCitizenCancelWithdraws(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	saveCalendar(t, st, NewCalendar("sede-centrale"))
	slot := At(13, 9, 0) // more than ChangeHours ahead
	sub := book(t, st, "sede-centrale", slot)
	got, err := st.Bookings.CancelAppointment(ctx, sub.ID, sub.Appointments[0].BookingID, citizen)
	must(t, err)
	evs := lastEvents(got, 2)
	if got.Status != modulario.StatusWithdrawn || got.ClosedAt == nil || !got.ClosedAt.Equal(Start) ||
		evs[0].Type != modulario.EventTypeAppointmentCancelled || evs[0].Actor != modulario.ActorCitizen ||
		evs[1].Type != modulario.EventTypeStatusChanged || evs[1].Status != modulario.StatusWithdrawn {
		t.Fatalf("after the citizen cancelled: status %s, events %+v", got.Status, evs)
	}
	wantCount(t, st, "sede-centrale", slot, 0)
	stored, err := st.Submissions.FindSubmission(ctx, sub.ID)
	must(t, err)
	if stored.Status != modulario.StatusWithdrawn {
		t.Fatalf("stored status %s", stored.Status)
	}
	list, err := st.Submissions.ListSubmissions(ctx, modulario.InboxFilter{Statuses: []modulario.SubmissionStatus{modulario.StatusWithdrawn}})
	must(t, err)
	if len(list.Items) != 1 || list.Items[0].ID != sub.ID {
		t.Fatalf("withdrawn inbox: %+v", list.Items)
	}
}

func testMoveAppointment(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	saveCalendar(t, st, NewCalendar("sede-centrale"))
	x, y, z := At(12, 9, 0), At(12, 9, 30), At(12, 10, 0)
	a := book(t, st, "sede-centrale", x)
	b := book(t, st, "sede-centrale", y)
	aid := a.Appointments[0].BookingID
	_, err := st.Bookings.MoveAppointment(ctx, a.ID, aid, y, byStaff)
	WantField(t, err, modulario.ECONFLICT, ApptField)
	_, err = st.Bookings.MoveAppointment(ctx, a.ID, aid, x, byStaff)
	WantCode(t, err, modulario.EINVALID)
	_, err = st.Bookings.MoveAppointment(ctx, a.ID, aid, At(14, 9, 0), byStaff) // Saturday
	WantField(t, err, modulario.EINVALID, ApptField)
	stored, err := st.Submissions.FindSubmission(ctx, a.ID)
	must(t, err)
	if !stored.Appointments[0].Start.Equal(x) || len(stored.Timeline) != len(a.Timeline) {
		t.Fatalf("a refused move changed the request: %+v", stored.Appointments)
	}
	wantCount(t, st, "sede-centrale", x, 1)
	wantCount(t, st, "sede-centrale", y, 1)

	moved := NewMessage(modulario.ChannelEmailMsg)
	reminder := NewMessage(modulario.ChannelEmailMsg)
	reminder.Event, reminder.NextAttemptAt = modulario.EventAppointmentReminder, z.Add(-24*time.Hour)
	reminder.AppointmentField, reminder.AppointmentStart = ApptField, z
	got, err := st.Bookings.MoveAppointment(ctx, a.ID, aid, z, citizen, moved, reminder)
	must(t, err)
	ap := got.Appointments[0]
	if ap.BookingID != aid || !ap.Start.Equal(z) || !ap.End.Equal(z.Add(30*time.Minute)) || ap.Status != modulario.BookingConfirmed {
		t.Fatalf("moved appointment: %+v", ap)
	}
	if ev := lastEvent(got); ev.Type != modulario.EventTypeAppointmentMoved || ev.Internal || ev.Actor != modulario.ActorCitizen {
		t.Fatalf("move event: %+v", ev)
	}
	if moved.Event != modulario.EventAppointmentMoved || !moved.NextAttemptAt.Equal(Start) ||
		reminder.Event != modulario.EventAppointmentReminder || !reminder.NextAttemptAt.Equal(z.Add(-24*time.Hour)) ||
		!reminder.AppointmentStart.Equal(z) {
		t.Fatalf("queued: moved %+v, reminder %+v", moved, reminder)
	}
	wantCount(t, st, "sede-centrale", x, 0)
	wantCount(t, st, "sede-centrale", z, 1)

	// A booking cancelled by the office may be booked again by moving it.
	bid := b.Appointments[0].BookingID
	_, err = st.Bookings.CancelAppointment(ctx, b.ID, bid, byStaff)
	must(t, err)
	got, err = st.Bookings.MoveAppointment(ctx, b.ID, bid, x, citizen)
	must(t, err)
	if got.Appointments[0].Status != modulario.BookingConfirmed || !got.Appointments[0].Start.Equal(x) {
		t.Fatalf("re-booked: %+v", got.Appointments[0])
	}
	wantCount(t, st, "sede-centrale", x, 1)
	wantCount(t, st, "sede-centrale", y, 0)
}

func testChangeHours(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	saveCalendar(t, st, NewCalendar("sede-centrale")) // ChangeHours 24
	slot := At(11, 9, 0)                              // 22h30 after Start
	sub := book(t, st, "sede-centrale", slot)
	bid := sub.Appointments[0].BookingID
	_, err := st.Bookings.CancelAppointment(ctx, sub.ID, bid, citizen)
	WantCode(t, err, modulario.EFORBIDDEN)
	_, err = st.Bookings.MoveAppointment(ctx, sub.ID, bid, At(12, 9, 0), citizen)
	WantCode(t, err, modulario.EFORBIDDEN)
	wantCount(t, st, "sede-centrale", slot, 1)
	// Staff may move it, even to a slot within the notice.
	got, err := st.Bookings.MoveAppointment(ctx, sub.ID, bid, At(10, 11, 0), byStaff)
	must(t, err)
	if !got.Appointments[0].Start.Equal(At(10, 11, 0)) {
		t.Fatalf("staff move: %+v", got.Appointments[0])
	}
	// Exactly ChangeHours before, a citizen still may.
	later := book(t, st, "sede-centrale", At(13, 9, 0))
	st.SetNow(At(12, 9, 0))
	_, err = st.Bookings.CancelAppointment(ctx, later.ID, later.Appointments[0].BookingID, citizen)
	must(t, err)
}

func testCloseFreesBookings(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	saveCalendar(t, st, NewCalendar("sede-centrale"))
	past := book(t, st, "sede-centrale", At(11, 9, 0))
	future := book(t, st, "sede-centrale", At(12, 9, 0))
	_, err := st.Submissions.ChangeStatus(ctx, future.ID, modulario.StatusInCharge, "")
	must(t, err)
	wantCount(t, st, "sede-centrale", At(12, 9, 0), 1)
	got, err := st.Submissions.UpdateSubmission(ctx, future.ID, modulario.Change{Status: modulario.StatusRejected, Actor: "u-anna"})
	must(t, err)
	if got.Appointments[0].Status != modulario.BookingCancelled {
		t.Fatalf("closed request's appointment: %+v", got.Appointments[0])
	}
	wantCount(t, st, "sede-centrale", At(12, 9, 0), 0)
	// A request closed after its appointment keeps the booking as history.
	st.SetNow(At(11, 10, 0))
	got, err = st.Submissions.ChangeStatus(ctx, past.ID, modulario.StatusConcluded, "")
	must(t, err)
	if got.Appointments[0].Status != modulario.BookingConfirmed {
		t.Fatalf("past appointment after closing: %+v", got.Appointments[0])
	}
	wantCount(t, st, "sede-centrale", At(11, 9, 0), 1)
}

func testCheckIn(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	saveCalendar(t, st, NewCalendar("sede-centrale"))
	slot := At(11, 9, 0)
	sub := book(t, st, "sede-centrale", slot)
	bid := sub.Appointments[0].BookingID
	_, err := st.Bookings.CheckIn(ctx, sub.ID, bid, modulario.BookingCancelled, "u-anna", "Anna")
	WantCode(t, err, modulario.EINVALID)
	st.SetNow(slot)
	got, err := st.Bookings.CheckIn(ctx, sub.ID, bid, modulario.BookingAttended, "u-anna", "Anna")
	must(t, err)
	ev := lastEvent(got)
	if got.Appointments[0].Status != modulario.BookingAttended || ev.Type != modulario.EventTypeCheckIn ||
		!ev.Internal || ev.Message != string(modulario.BookingAttended) || ev.Actor != "u-anna" {
		t.Fatalf("check-in: %+v, event %+v", got.Appointments[0], ev)
	}
	wantCount(t, st, "sede-centrale", slot, 1)
	agenda, err := st.Bookings.Agenda(ctx, "sede-centrale", At(11, 0, 0), At(12, 0, 0))
	must(t, err)
	if len(agenda) != 1 || agenda[0].Status != modulario.BookingAttended {
		t.Fatalf("agenda after check-in: %+v", agenda)
	}
	got, err = st.Bookings.CheckIn(ctx, sub.ID, bid, modulario.BookingNoShow, "u-anna", "Anna")
	must(t, err)
	got, err = st.Bookings.CheckIn(ctx, sub.ID, bid, modulario.BookingConfirmed, "u-anna", "Anna")
	must(t, err)
	if got.Appointments[0].Status != modulario.BookingConfirmed {
		t.Fatalf("back to confirmed: %+v", got.Appointments[0])
	}
	_, err = st.Bookings.CancelAppointment(ctx, sub.ID, bid, byStaff)
	must(t, err)
	_, err = st.Bookings.CheckIn(ctx, sub.ID, bid, modulario.BookingAttended, "u-anna", "Anna")
	WantCode(t, err, modulario.EINVALID)
}

func testAffectedBookings(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	c := NewCalendar("sede-centrale")
	saveCalendar(t, st, c)
	wed, thu, fri := At(11, 11, 30), At(12, 9, 0), At(13, 9, 0)
	for _, s := range []time.Time{wed, thu, fri} {
		book(t, st, "sede-centrale", s)
	}
	ids := func(want ...time.Time) {
		t.Helper()
		list, err := st.Bookings.AffectedBookings(ctx, "sede-centrale", Start)
		must(t, err)
		if len(list) != len(want) {
			t.Fatalf("%d affected bookings, want %d: %+v", len(list), len(want), list)
		}
		for i, b := range list {
			if !b.Start.Equal(want[i]) || b.Status != modulario.BookingConfirmed || b.SubmissionID == 0 {
				t.Fatalf("affected %d: %+v, want start %v", i, b, want[i])
			}
		}
	}
	ids()
	c.Hours[time.Wednesday] = []modulario.Interval{{Start: "09:00", End: "11:00"}}
	must(t, st.Calendars.SaveCalendar(ctx, c))
	ids(wed)
	c.Closures = []modulario.Closure{{From: "2026-03-13", Reason: "Sciopero"}}
	must(t, st.Calendars.SaveCalendar(ctx, c))
	ids(wed, fri)
	for _, s := range []time.Time{wed, thu, fri} {
		wantCount(t, st, "sede-centrale", s, 1) // never dropped
	}
	_, err := st.Bookings.AffectedBookings(ctx, "missing", Start)
	WantCode(t, err, modulario.ENOTFOUND)
}

func testAgenda(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	saveCalendar(t, st, NewCalendar("sede-centrale"))
	late := book(t, st, "sede-centrale", At(11, 11, 0))
	book(t, st, "sede-centrale", At(11, 9, 0))
	book(t, st, "sede-centrale", At(12, 9, 0))
	_, err := st.Bookings.CancelAppointment(ctx, late.ID, late.Appointments[0].BookingID, byStaff)
	must(t, err)
	_, err = st.Bookings.HoldSlot(ctx, hold("draft:x", "sede-centrale", At(11, 10, 0), time.Time{}), Start)
	must(t, err)
	list, err := st.Bookings.Agenda(ctx, "sede-centrale", At(11, 0, 0), At(12, 0, 0))
	must(t, err)
	if len(list) != 2 || !list[0].Start.Equal(At(11, 9, 0)) || list[1].Status != modulario.BookingCancelled ||
		list[1].Reason != byStaff.Message {
		t.Fatalf("agenda of Wednesday: %+v", list)
	}
	list, err = st.Bookings.Agenda(ctx, "sede-centrale", At(9, 0, 0), At(16, 0, 0))
	must(t, err)
	if len(list) != 3 {
		t.Fatalf("agenda of the week: %d bookings", len(list))
	}
	_, err = st.Bookings.Agenda(ctx, "missing", At(9, 0, 0), At(16, 0, 0))
	WantCode(t, err, modulario.ENOTFOUND)
}

func testDeleteCalendar(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	saveCalendar(t, st, NewCalendar("sede-centrale"))
	sub := book(t, st, "sede-centrale", At(12, 9, 0))
	WantCode(t, st.Calendars.DeleteCalendar(ctx, "sede-centrale"), modulario.ECONFLICT)
	_, err := st.Bookings.CancelAppointment(ctx, sub.ID, sub.Appointments[0].BookingID, byStaff)
	must(t, err)
	_, err = st.Bookings.HoldSlot(ctx, hold("draft:x", "sede-centrale", At(12, 9, 0), time.Time{}), Start)
	must(t, err)
	must(t, st.Calendars.DeleteCalendar(ctx, "sede-centrale"))
	_, err = st.Calendars.FindCalendar(ctx, "sede-centrale")
	WantCode(t, err, modulario.ENOTFOUND)
	WantCode(t, st.Calendars.DeleteCalendar(ctx, "sede-centrale"), modulario.ENOTFOUND)
	// The request keeps its (cancelled) appointment.
	got, err := st.Submissions.FindSubmission(ctx, sub.ID)
	must(t, err)
	if len(got.Appointments) != 1 {
		t.Fatalf("appointments after deleting the calendar: %+v", got.Appointments)
	}
}

// testOutboxScheduled queues a reminder due the day before an appointment
// and checks it is claimed then and not before.
func testOutboxScheduled(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openOutbox(t, open)
	due := Start.Add(24 * time.Hour)
	reminder := NewMessage(modulario.ChannelEmailMsg)
	reminder.Event, reminder.NextAttemptAt = modulario.EventAppointmentReminder, due
	reminder.AppointmentField, reminder.AppointmentStart = ApptField, due.Add(24*time.Hour)
	past := NewMessage(modulario.ChannelEmailMsg)
	past.NextAttemptAt = Start.Add(-time.Hour) // in the past: due now
	now := NewMessage(modulario.ChannelWebhook)
	sub := submitWith(t, st, reminder, past, now)
	if reminder.Event != modulario.EventAppointmentReminder || !reminder.NextAttemptAt.Equal(due) ||
		!reminder.CreatedAt.Equal(Start) || reminder.Status != modulario.OutboxPending ||
		reminder.AppointmentField != ApptField || !reminder.AppointmentStart.Equal(due.Add(24*time.Hour)) {
		t.Fatalf("queued reminder: %+v", reminder)
	}
	if past.Event != modulario.EventReceived || !past.NextAttemptAt.Equal(Start) {
		t.Fatalf("queued message: %+v", past)
	}
	claimed, err := st.Outbox.ClaimDue(ctx, Start, time.Minute, 10)
	must(t, err)
	if len(claimed) != 2 {
		t.Fatalf("claimed %d messages now, want 2", len(claimed))
	}
	for _, m := range claimed {
		if m.ID == reminder.ID {
			t.Fatal("the reminder was claimed a day early")
		}
		must(t, st.Outbox.RecordAttempt(ctx, m.ID, modulario.Attempt{At: Start, OK: true}, time.Time{}))
	}
	claimed, err = st.Outbox.ClaimDue(ctx, due.Add(-time.Second), time.Minute, 10)
	must(t, err)
	if len(claimed) != 0 {
		t.Fatalf("claimed %d messages before the reminder was due", len(claimed))
	}
	claimed, err = st.Outbox.ClaimDue(ctx, due, time.Minute, 10)
	must(t, err)
	if len(claimed) != 1 || claimed[0].ID != reminder.ID || claimed[0].SubmissionID != sub.ID ||
		claimed[0].Event != modulario.EventAppointmentReminder {
		t.Fatalf("claimed when due: %+v", claimed)
	}
	// A status change keeps a preset event other than its own.
	other := NewMessage(modulario.ChannelEmailMsg)
	other.Event, other.NextAttemptAt = modulario.EventAppointmentReminder, due.Add(time.Hour)
	plain := NewMessage(modulario.ChannelEmailMsg)
	_, err = st.Submissions.ChangeStatus(ctx, sub.ID, modulario.StatusInCharge, "", other, plain)
	must(t, err)
	if other.Event != modulario.EventAppointmentReminder || !other.NextAttemptAt.Equal(due.Add(time.Hour)) ||
		plain.Event != modulario.EventStatusChanged || plain.SubmissionStatus != modulario.StatusInCharge {
		t.Fatalf("status change messages: %+v %+v", other, plain)
	}
}

// testOutboxSkipped drops a claimed reminder unsent.
func testOutboxSkipped(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openOutbox(t, open)
	m := NewMessage(modulario.ChannelEmailMsg)
	submitWith(t, st, m)
	claimed, err := st.Outbox.ClaimDue(ctx, Start, time.Minute, 10)
	must(t, err)
	if len(claimed) != 1 {
		t.Fatalf("claimed %d", len(claimed))
	}
	why := "skipped: appointment cancelled or moved"
	must(t, st.Outbox.RecordAttempt(ctx, m.ID, modulario.Attempt{At: Start, OK: true, Skipped: true, Error: why}, time.Time{}))
	got, err := st.Outbox.FindOutboxMessage(ctx, m.ID)
	must(t, err)
	if got.Status != modulario.OutboxSkipped || got.SentAt != nil || len(got.Attempts) != 1 ||
		!got.Attempts[0].Skipped || got.Attempts[0].Error != why {
		t.Fatalf("skipped message: %+v", got)
	}
	claimed, err = st.Outbox.ClaimDue(ctx, Start.Add(24*time.Hour), time.Minute, 10)
	must(t, err)
	if len(claimed) != 0 {
		t.Fatalf("a skipped message was claimed again: %+v", claimed)
	}
	counts, err := st.Outbox.CountOutbox(ctx)
	must(t, err)
	if c := counts[modulario.ChannelEmailMsg]; c.Pending != 0 || c.Sent != 0 || c.Dead != 0 || c.FailedAttempts != 0 {
		t.Fatalf("counts with a skipped message: %+v", c)
	}
	list, err := st.Outbox.ListOutbox(ctx, modulario.OutboxFilter{Status: modulario.OutboxSkipped})
	must(t, err)
	if len(list) != 1 || list[0].ID != m.ID {
		t.Fatalf("skipped list: %+v", list)
	}
}
