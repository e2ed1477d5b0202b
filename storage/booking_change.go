package storage

import (
	"context"
	"time"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// apptChange is a change of one appointment of a request being prepared
// inside a write transaction.
type apptChange struct {
	tx      *bolt.Tx
	now     time.Time
	sub     *modulario.Submission // a copy of the stored request to change
	i       int                   // the appointment's index in sub.Appointments
	booking *modulario.Booking    // the stored booking
	cal     *modulario.Calendar   // nil when the calendar was deleted
}

// event appends a timeline event stamped with now and the actor.
func (ch *apptChange) event(e modulario.Event, actor, actorName string) {
	e.At, e.Actor, e.ActorName = ch.now, actor, actorName
	ch.sub.Timeline = append(ch.sub.Timeline[:len(ch.sub.Timeline):len(ch.sub.Timeline)], e)
}

// setBooking stores b (the changed booking) and mirrors it on the request.
func (ch *apptChange) setBooking(b *modulario.Booking) error {
	b.UpdatedAt = ch.now
	if err := putBooking(ch.tx, ch.booking, b); err != nil {
		return err
	}
	ch.sub.Appointments[ch.i] = appointmentOf(b)
	return nil
}

// mayChange refuses a citizen past the calendar's ChangeHours before the
// appointment; staff may always act.
func (ch *apptChange) mayChange(c modulario.AppointmentChange) error {
	if c.Staff {
		return nil
	}
	hours := 0
	if ch.cal != nil {
		hours = ch.cal.ChangeHours
	}
	if ch.now.After(ch.booking.Start.Add(-time.Duration(hours) * time.Hour)) {
		if hours == 0 {
			return modulario.Errorf(modulario.EFORBIDDEN, "The appointment can no longer be changed online.")
		}
		return modulario.Errorf(modulario.EFORBIDDEN,
			"The appointment can be changed online only until %d hours before it.", hours)
	}
	return nil
}

// changeAppointment loads request id and its appointment bookingID in one
// shared write transaction and calls check, which refuses without writing
// or returns the function that applies the change to ch. The request is
// then stored with its indexes and outbox queued (Event defaulting to
// event). On success the caller's messages hold the stored values.
func (s *BookingService) changeAppointment(ctx context.Context, id uint64, bookingID, event string,
	outbox []*modulario.OutboxMessage, check func(ch *apptChange) (func() error, error)) (*modulario.Submission, error) {
	ids, err := newOutboxIDs(outbox)
	if err != nil {
		return nil, err
	}
	var sub *modulario.Submission
	var queued []modulario.OutboxMessage
	var refused error
	err = s.db.batch(ctx, func(tx *bolt.Tx) error {
		sub, queued, refused = nil, nil, nil // batch may re-run this function
		ch, err := loadAppointment(tx, id, bookingID, s.db.now())
		if err == nil {
			var apply func() error
			if apply, err = check(ch); err == nil {
				err = apply()
				if refusal(err) { // refusals only come from check
					err = &modulario.Error{Code: modulario.EINTERNAL, Message: "Internal error.", Err: err}
				}
			}
		}
		if refusal(err) {
			refused = err
			return nil
		} else if err != nil {
			return err
		}
		old, err := findSubmission(tx, u64(id))
		if err != nil {
			return err
		}
		ch.sub.UpdatedAt = ch.now
		if err := moveInboxIndexes(tx, old, ch.sub); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bucketSubmissions), u64(id), ch.sub); err != nil {
			return err
		}
		sub = ch.sub
		queued, err = queueOutbox(tx, outbox, ids, sub, event, ch.now)
		return err
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return nil, err
	}
	s.db.committed(outbox, queued)
	return sub, nil
}

// loadAppointment reads request id and its appointment bookingID.
// Returns ENOTFOUND.
func loadAppointment(tx *bolt.Tx, id uint64, bookingID string, now time.Time) (*apptChange, error) {
	sub, err := findSubmission(tx, u64(id))
	if err != nil {
		return nil, err
	}
	ch := &apptChange{tx: tx, now: now, sub: sub, i: -1}
	for i, a := range sub.Appointments {
		if a.BookingID == bookingID && bookingID != "" {
			ch.i = i
		}
	}
	if ch.i < 0 {
		return nil, notFoundf("Appointment not found.")
	}
	sub.Appointments = append([]modulario.Appointment(nil), sub.Appointments...)
	if ch.booking, err = findBooking(tx, bookingID); err != nil {
		return nil, err
	}
	if ch.cal, err = loadCalendar(tx, ch.booking.Calendar); modulario.ErrorCode(err) == modulario.ENOTFOUND {
		ch.cal = nil
	} else if err != nil {
		return nil, err
	}
	return ch, nil
}

// CancelAppointment cancels request id's booking, freeing its place, with
// an "appointment_cancelled" event carrying c.Message, and queues outbox
// (Event defaulting to EventAppointmentCancelled), all in one transaction.
// A citizen cancelling the last active appointment of an open request
// withdraws it too (status event, ClosedAt). Returns ENOTFOUND, ECONFLICT
// when the booking is not active, EFORBIDDEN when a citizen is past the
// calendar's ChangeHours.
func (s *BookingService) CancelAppointment(ctx context.Context, id uint64, bookingID string, c modulario.AppointmentChange, outbox ...*modulario.OutboxMessage) (*modulario.Submission, error) {
	return s.changeAppointment(ctx, id, bookingID, modulario.EventAppointmentCancelled, outbox,
		func(ch *apptChange) (func() error, error) {
			if !ch.booking.Status.Active() {
				return nil, modulario.Errorf(modulario.ECONFLICT, "The appointment was already cancelled.")
			}
			if err := ch.mayChange(c); err != nil {
				return nil, err
			}
			return func() error {
				b := *ch.booking
				b.Status, b.Reason = modulario.BookingCancelled, c.Message
				if err := ch.setBooking(&b); err != nil {
					return err
				}
				if err := skipReminders(ch.tx, ch.sub.ID, b.Field, ch.now); err != nil {
					return err
				}
				ch.event(modulario.Event{Type: modulario.EventTypeAppointmentCancelled, Message: c.Message}, c.Actor, c.ActorName)
				if c.Staff || !ch.sub.Open() || len(ch.sub.ActiveAppointments()) > 0 {
					return nil
				}
				change := &modulario.Change{Status: modulario.StatusWithdrawn, Actor: c.Actor, ActorName: c.ActorName}
				return applyStatus(ch.tx, ch.sub, change, ch.now, false, func(e modulario.Event) {
					ch.event(e, c.Actor, c.ActorName)
				})
			}, nil
		})
}

// MoveAppointment moves request id's booking to the slot starting at start
// of the same calendar (citizens' rules unless c.Staff): the place there is
// taken, the old one freed, an "appointment_moved" event recorded and
// outbox queued (Event defaulting to EventAppointmentMoved, a future
// NextAttemptAt kept), all in one transaction. The booking keeps its ID. A
// cancelled booking of an open request is booked again. Returns ENOTFOUND,
// EINVALID when the slot is not offered or is the booking's own, ECONFLICT
// when it is full or the request closed, EFORBIDDEN when a citizen is past
// the calendar's ChangeHours.
func (s *BookingService) MoveAppointment(ctx context.Context, id uint64, bookingID string, start time.Time, c modulario.AppointmentChange, outbox ...*modulario.OutboxMessage) (*modulario.Submission, error) {
	return s.changeAppointment(ctx, id, bookingID, modulario.EventAppointmentMoved, outbox,
		func(ch *apptChange) (func() error, error) {
			b := *ch.booking
			field := b.Field
			switch {
			case !ch.sub.Open():
				return nil, modulario.Errorf(modulario.ECONFLICT, "The request is closed: its appointment cannot be moved.")
			case b.Status != modulario.BookingConfirmed && b.Status != modulario.BookingCancelled:
				return nil, modulario.Errorf(modulario.ECONFLICT, "The appointment has already taken place.")
			case ch.cal == nil:
				return nil, fieldError(modulario.EINVALID, field, "The calendar of this appointment no longer exists.")
			}
			if b.Status == modulario.BookingConfirmed {
				if err := ch.mayChange(c); err != nil {
					return nil, err
				}
			}
			q := modulario.SlotQuery{Now: ch.now, Staff: c.Staff, Patron: patronDay(ch.tx)}
			slot, ok := ch.cal.SlotAt(start, q)
			switch {
			case !ok:
				return nil, errSlotNotOffered(field)
			case b.Status == modulario.BookingConfirmed && slot.Start.Equal(b.Start):
				return nil, fieldError(modulario.EINVALID, field, "The appointment is already at this time.")
			case countSlot(ch.tx, ch.cal.Slug, slot.Start, ch.now, "") >= ch.cal.Capacity:
				return nil, errSlotFull(field)
			}
			return func() error {
				b.Start, b.End, b.Status, b.Reason = slot.Start, slot.End, modulario.BookingConfirmed, ""
				if err := ch.setBooking(&b); err != nil {
					return err
				}
				// The old reminders go before the move's new ones are queued.
				if err := skipReminders(ch.tx, ch.sub.ID, b.Field, ch.now); err != nil {
					return err
				}
				ch.event(modulario.Event{Type: modulario.EventTypeAppointmentMoved, Message: c.Message}, c.Actor, c.ActorName)
				return nil
			}, nil
		})
}

// CheckIn marks a booking attended or no-show, or back to confirmed, with
// an internal "check_in" event whose Message is the new status. Returns
// ENOTFOUND, EINVALID for another status or a cancelled booking.
func (s *BookingService) CheckIn(ctx context.Context, id uint64, bookingID string, status modulario.BookingStatus, actor, actorName string) (*modulario.Submission, error) {
	if status != modulario.BookingAttended && status != modulario.BookingNoShow && status != modulario.BookingConfirmed {
		return nil, invalidf("Unknown check-in outcome %q.", status)
	}
	return s.changeAppointment(ctx, id, bookingID, "", nil,
		func(ch *apptChange) (func() error, error) {
			if !ch.booking.Status.Active() {
				return nil, invalidf("A cancelled appointment cannot be checked in.")
			}
			return func() error {
				b := *ch.booking
				b.Status = status
				if err := ch.setBooking(&b); err != nil {
					return err
				}
				ch.event(modulario.Event{Type: modulario.EventTypeCheckIn, Internal: true, Message: string(status)}, actor, actorName)
				return nil
			}, nil
		})
}

// freeFutureBookings cancels the active bookings of sub (a request that
// has just closed) starting after now, mirrors them on sub.Appointments
// and skips their pending reminders. Call it before queueing the closing
// change's outbox.
func freeFutureBookings(tx *bolt.Tx, sub *modulario.Submission, now time.Time) error {
	if len(sub.Appointments) == 0 {
		return nil
	}
	sub.Appointments = append([]modulario.Appointment(nil), sub.Appointments...)
	for i, a := range sub.Appointments {
		if !a.Status.Active() || !a.Start.After(now) {
			continue
		}
		if err := skipReminders(tx, sub.ID, a.Field, now); err != nil {
			return err
		}
		old, err := findBooking(tx, a.BookingID)
		if modulario.ErrorCode(err) == modulario.ENOTFOUND {
			sub.Appointments[i].Status = modulario.BookingCancelled
			continue
		} else if err != nil {
			return err
		}
		b := *old
		b.Status, b.UpdatedAt = modulario.BookingCancelled, now
		if err := putBooking(tx, old, &b); err != nil {
			return err
		}
		sub.Appointments[i] = appointmentOf(&b)
	}
	return nil
}
