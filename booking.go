package modulario

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// FormatAppointment is the JSON Schema format of an appointment field: a
// string "<calendar>@<RFC 3339 start>", e.g.
// "sede-centrale@2026-12-03T09:30:00+01:00". The field's ui names the
// calendars it may book ({"widget": "appointment", "calendars": [...]}).
const FormatAppointment = "appuntamento"

// HoldDuration is how long a slot picked on a form step stays held for the
// citizen while they finish the form.
const HoldDuration = 10 * time.Minute

// AppointmentValue builds the answer of an appointment field.
func AppointmentValue(calendar string, start time.Time) string {
	return calendar + "@" + start.Format(time.RFC3339)
}

// ParseAppointmentValue reads an appointment field's answer.
func ParseAppointmentValue(v string) (calendar string, start time.Time, err error) {
	cal, ts, ok := strings.Cut(v, "@")
	if !ok || !ValidSlug(cal) {
		return "", time.Time{}, fmt.Errorf("appointment %q: want calendar@start", v)
	}
	start, err = time.Parse(time.RFC3339, ts)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("appointment %q: %w", v, err)
	}
	return cal, start, nil
}

// BookingStatus is where a booking stands.
type BookingStatus string

// Booking statuses. Held and confirmed bookings take a place in their
// slot (a hold only until ExpiresAt); cancelled ones free it. Attended
// and no-show are set at check-in and keep the place.
const (
	BookingHeld      BookingStatus = "held"
	BookingConfirmed BookingStatus = "confirmed"
	BookingCancelled BookingStatus = "cancelled"
	BookingAttended  BookingStatus = "attended" // "presentato"
	BookingNoShow    BookingStatus = "no_show"  // "non presentato"
)

// Active reports whether a booking in status st keeps its place.
func (st BookingStatus) Active() bool {
	return st == BookingConfirmed || st == BookingAttended || st == BookingNoShow
}

// Booking is one place taken in one slot of a calendar: a hold while a
// citizen finishes the form, then a confirmed appointment of a request.
type Booking struct {
	ID       string        `json:"id"`
	Calendar string        `json:"calendar"`
	Start    time.Time     `json:"start"`
	End      time.Time     `json:"end"`
	Status   BookingStatus `json:"status"`
	// Holder owns a hold: "draft:<token>". Empty once confirmed.
	Holder string `json:"holder,omitempty"`
	// Field is the JSON pointer of the appointment field ("/appuntamento").
	Field string `json:"field"`
	// ExpiresAt ends a hold.
	ExpiresAt    time.Time `json:"expires_at,omitempty"`
	SubmissionID uint64    `json:"submission_id,omitempty"`
	// Number and Name (the citizen's, from the answers) are copied for the
	// agenda.
	Number string `json:"number,omitempty"`
	Name   string `json:"name,omitempty"`
	// Reason is the cancellation message, or the check-in note.
	Reason    string    `json:"reason,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Appointment is a request's booking as kept on the Submission, updated in
// the same transaction as the booking.
type Appointment struct {
	Field     string        `json:"field"`
	BookingID string        `json:"booking_id"`
	Calendar  string        `json:"calendar"`
	Start     time.Time     `json:"start"`
	End       time.Time     `json:"end"`
	Status    BookingStatus `json:"status"`
	// Reason is the message of a cancellation.
	Reason string `json:"reason,omitempty"`
	// Name is the citizen's name for the agenda ("Maria Rossi"), set by the
	// side that creates the request from the answers.
	Name string `json:"name,omitempty"`
}

// Slot is a calendar slot with its places.
type Slot struct {
	Calendar string
	Start    time.Time
	End      time.Time
	Capacity int
	// Taken counts confirmed bookings and unexpired holds.
	Taken int
}

// Free is the number of places left.
func (s Slot) Free() int { return max(0, s.Capacity-s.Taken) }

// Hold asks for a place in a slot for a citizen filling in a form.
type Hold struct {
	Calendar string
	Start    time.Time
	// Holder is "draft:<token>"; Field the appointment field's pointer. A
	// new hold of the same holder and field replaces the previous one.
	Holder string
	Field  string
	// Until is when the hold expires (now + HoldDuration).
	Until time.Time
}

// DraftHolder is the hold owner of a draft's appointment fields.
func DraftHolder(draftToken string) string { return "draft:" + draftToken }

// AppointmentChange is an action on a request's appointment.
type AppointmentChange struct {
	// Actor is a user ID, ActorCitizen or "api:NAME"; ActorName for reading.
	Actor     string
	ActorName string
	// Message goes to the citizen (a staff cancellation's reason).
	Message string
	// Staff may act at any time and move to any offered slot ignoring
	// notice and horizon; a citizen (Staff false) only until the
	// calendar's ChangeHours before the appointment.
	Staff bool
}

// Timeline event types of appointments (not internal: the citizen sees them).
const (
	EventTypeAppointmentCancelled = "appointment_cancelled"
	EventTypeAppointmentMoved     = "appointment_moved"
	// EventTypeCheckIn is internal: Status is attended or no_show in Message.
	EventTypeCheckIn = "check_in"
)

// Outbox events of appointments. Reminders are queued with the booking,
// due before it (NextAttemptAt), and dropped unsent (OutboxSkipped) when
// at sending time the request no longer has that appointment active.
const (
	EventAppointmentReminder  = "appointment.reminder"
	EventAppointmentCancelled = "appointment.cancelled"
	EventAppointmentMoved     = "appointment.moved"
)

// BookingService is the ledger of slots. Capacity is checked in the same
// transaction that takes a place, so a slot never holds more than its
// Capacity bookings whatever the concurrency. Requests confirm their
// appointments in SubmissionService.CreateSubmission: for each of
// s.Appointments (Calendar, Start, Field set) the draft's hold becomes a
// confirmed booking, or, without a valid hold, a free place is taken;
// otherwise CreateSubmission fails with ECONFLICT and Fields[field] set.
// A request moving to a closed status frees its future bookings.
type BookingService interface {
	// Availability returns the calendar's slots under q with their taken
	// places; holds of exceptHolder are not counted (the citizen's own).
	// The comune's patron day is read from the settings when q.Patron is
	// empty. Returns ENOTFOUND.
	Availability(ctx context.Context, calendar string, q SlotQuery, exceptHolder string) ([]Slot, error)
	// HoldSlot takes a place for h.Holder until h.Until, replacing the
	// holder's previous hold for h.Field. Extending a hold (same holder,
	// field and slot) never moves ExpiresAt past the hold's CreatedAt +
	// 3×HoldDuration, so a place cannot be kept by reloading a page: the
	// citizen submits or loses it. Returns ENOTFOUND for an unknown
	// calendar, EINVALID when the calendar does not offer that slot now
	// (closed, past, within notice, beyond horizon), ECONFLICT when full.
	HoldSlot(ctx context.Context, h Hold, now time.Time) (*Booking, error)
	// ReleaseHolds frees every hold of holder (an abandoned draft).
	ReleaseHolds(ctx context.Context, holder string) error
	// PurgeExpiredHolds deletes holds that expired before now.
	PurgeExpiredHolds(ctx context.Context, now time.Time) (int, error)
	// NearestFree returns up to n slots with a free place closest in time
	// to around (before or after), citizens' rules (q.Now) applied.
	NearestFree(ctx context.Context, calendar string, around time.Time, now time.Time, n int) ([]Slot, error)

	// CancelAppointment cancels request id's booking and frees its place,
	// records an "appointment_cancelled" event with c.Message, and queues
	// outbox (Event EventAppointmentCancelled) in the same transaction.
	// When a citizen cancels the last active appointment of an open
	// request the request is withdrawn in the same transaction. Returns
	// ENOTFOUND, ECONFLICT when the booking is not active, EFORBIDDEN when
	// a citizen is past the calendar's ChangeHours.
	CancelAppointment(ctx context.Context, id uint64, bookingID string, c AppointmentChange, outbox ...*OutboxMessage) (*Submission, error)
	// MoveAppointment moves request id's booking to the slot starting at
	// start of the same calendar: a place there is taken (ECONFLICT when
	// full, EINVALID when not offered), the old one freed, an
	// "appointment_moved" event recorded and outbox (EventAppointmentMoved,
	// and new reminders whose NextAttemptAt is preserved) queued, all in
	// one transaction. A booking cancelled by staff may be moved too (it
	// is booked again). Returns ENOTFOUND, EFORBIDDEN as CancelAppointment.
	MoveAppointment(ctx context.Context, id uint64, bookingID string, start time.Time, c AppointmentChange, outbox ...*OutboxMessage) (*Submission, error)
	// CheckIn marks a confirmed booking attended or no-show (or back to
	// confirmed with BookingConfirmed) with an internal "check_in" event.
	// Returns ENOTFOUND, EINVALID for another status.
	CheckIn(ctx context.Context, id uint64, bookingID string, status BookingStatus, actor, actorName string) (*Submission, error)

	// Agenda returns the calendar's bookings starting in [from, to),
	// confirmed, attended, no-show and cancelled (not holds), by start.
	Agenda(ctx context.Context, calendar string, from, to time.Time) ([]*Booking, error)
	// AffectedBookings returns active future bookings (after now) that no
	// longer fit the calendar (hours changed, closure added, slot length
	// changed, or beyond a lowered capacity: the latest booked), by start:
	// the operator moves or cancels them.
	AffectedBookings(ctx context.Context, calendar string, now time.Time) ([]*Booking, error)
	// CountBookings counts the active bookings of a slot (tests, metrics).
	CountBookings(ctx context.Context, calendar string, start time.Time) (int, error)
}

// AppointmentService acts on appointments the way staff and citizens do:
// it queues the notifications of the change (to the citizen, with the new
// ICS for a move, and new reminders) and stores everything through
// BookingService in one transaction.
type AppointmentService interface {
	// Cancel cancels an appointment (see BookingService.CancelAppointment).
	Cancel(ctx context.Context, id uint64, bookingID string, c AppointmentChange) (*Submission, error)
	// Move moves an appointment (see BookingService.MoveAppointment).
	Move(ctx context.Context, id uint64, bookingID string, start time.Time, c AppointmentChange) (*Submission, error)
}
