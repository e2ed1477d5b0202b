package storage

import (
	"time"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// apptPlan is one appointment of a new request, checked and ready to be
// written once the request has its ID and number.
type apptPlan struct {
	booking modulario.Booking  // the confirmed booking to store
	hold    *modulario.Booking // the hold it confirms, or nil for a new place
}

// planAppointments checks sub.Appointments inside tx without writing: for
// each, the draft's hold of the field on the same slot is confirmed (an
// expired hold too, while a place is free), or else the slot must be
// offered now (citizens' rules; staff rules for a request entered by
// staff) and have a free place. Returns EINVALID or ECONFLICT with
// Fields[field] set.
func planAppointments(tx *bolt.Tx, sub *modulario.Submission, draftToken string, now time.Time) ([]apptPlan, error) {
	if len(sub.Appointments) == 0 {
		return nil, nil
	}
	plans := make([]apptPlan, 0, len(sub.Appointments))
	patron := patronDay(tx)
	fields := map[string]bool{}
	pending := map[string]int{} // places taken by earlier appointments of sub
	for _, a := range sub.Appointments {
		if a.Field == "" || a.Calendar == "" || a.Start.IsZero() {
			return nil, invalidf("An appointment needs a field, a calendar and a start.")
		}
		if fields[a.Field] {
			return nil, fieldError(modulario.EINVALID, a.Field, "The appointment field is repeated.")
		}
		fields[a.Field] = true
		cal, err := loadCalendar(tx, a.Calendar)
		if modulario.ErrorCode(err) == modulario.ENOTFOUND {
			return nil, fieldError(modulario.EINVALID, a.Field, "The calendar of this appointment no longer exists.")
		} else if err != nil {
			return nil, err
		}
		var hold *modulario.Booking
		if draftToken != "" {
			if hold, err = findHold(tx, modulario.DraftHolder(draftToken), a.Field); err != nil {
				return nil, err
			}
			if hold != nil && (hold.Calendar != a.Calendar || !hold.Start.Equal(a.Start)) {
				hold = nil // a hold of another slot: released with the draft
			}
		}
		p := apptPlan{hold: hold, booking: modulario.Booking{
			Calendar: cal.Slug, Status: modulario.BookingConfirmed, Field: a.Field,
			Name: a.Name, CreatedAt: now, UpdatedAt: now,
		}}
		except := ""
		if hold != nil {
			p.booking.ID, p.booking.Start, p.booking.End, p.booking.CreatedAt = hold.ID, hold.Start, hold.End, hold.CreatedAt
			except = hold.ID
		} else {
			q := modulario.SlotQuery{Now: now, Staff: sub.EnteredBy != "", Patron: patron}
			slot, ok := cal.SlotAt(a.Start, q)
			if !ok {
				return nil, errSlotNotOffered(a.Field)
			}
			p.booking.ID, p.booking.Start, p.booking.End = newToken(bookingIDBytes), slot.Start, slot.End
		}
		key := string(slotPrefix(cal.Slug, p.booking.Start))
		if countSlot(tx, cal.Slug, p.booking.Start, now, except)+pending[key] >= cal.Capacity {
			return nil, errSlotFull(a.Field)
		}
		pending[key]++
		plans = append(plans, p)
	}
	return plans, nil
}

// applyAppointments writes the planned bookings for sub (which has its ID
// and number) and fills in sub.Appointments.
func applyAppointments(tx *bolt.Tx, sub *modulario.Submission, plans []apptPlan) error {
	if len(plans) == 0 {
		return nil
	}
	appts := make([]modulario.Appointment, len(plans))
	for i := range plans {
		b := plans[i].booking
		b.SubmissionID, b.Number = sub.ID, sub.Number
		if err := putBooking(tx, plans[i].hold, &b); err != nil {
			return err
		}
		appts[i] = appointmentOf(&b)
	}
	sub.Appointments = appts
	return nil
}

// appointmentOf is the request's view of booking b.
func appointmentOf(b *modulario.Booking) modulario.Appointment {
	a := modulario.Appointment{Field: b.Field, BookingID: b.ID, Calendar: b.Calendar,
		Start: b.Start, End: b.End, Status: b.Status, Name: b.Name}
	if b.Status == modulario.BookingCancelled {
		a.Reason = b.Reason
	}
	return a
}
