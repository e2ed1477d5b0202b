package notify

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// Appointments implements modulario.AppointmentService: it cancels and
// moves appointments through Bookings, queueing in the same transaction
// the e-mail to the citizen (templates appuntamento-annullato and
// appuntamento-spostato, with the calendar entry attached) and, for a
// move, the reminders of the new time. E-mails are queued only when the
// form has the citizen's e-mail address; a problem preparing them is
// logged and never blocks the change.
type Appointments struct {
	Bookings  modulario.BookingService
	Calendars modulario.CalendarService
	Forms     modulario.FormService
	// Submissions loads the request before the change (its form, answers
	// and appointment field).
	Submissions modulario.SubmissionService
	// Engine compiles forms and computes reminders; nil builds one from
	// Forms and Calendars.
	Engine *Engine
	Logger *slog.Logger

	once sync.Once
}

var _ modulario.AppointmentService = (*Appointments)(nil)

// Cancel cancels an appointment (see modulario.BookingService.CancelAppointment).
func (a *Appointments) Cancel(ctx context.Context, id uint64, bookingID string, c modulario.AppointmentChange) (*modulario.Submission, error) {
	var outbox []*modulario.OutboxMessage
	if sub, ap, f := a.load(ctx, id, bookingID); ap != nil && hasCitizenEmail(f, sub) {
		outbox = append(outbox, cancelledMessage(bookingID))
	}
	return a.Bookings.CancelAppointment(ctx, id, bookingID, c, outbox...)
}

// Move moves an appointment (see modulario.BookingService.MoveAppointment).
// The e-mail names the appointment by field and new start, so it is
// skipped if the appointment moves again before it is sent.
func (a *Appointments) Move(ctx context.Context, id uint64, bookingID string, start time.Time, c modulario.AppointmentChange) (*modulario.Submission, error) {
	var outbox []*modulario.OutboxMessage
	if sub, ap, f := a.load(ctx, id, bookingID); ap != nil && hasCitizenEmail(f, sub) {
		outbox = append(outbox, &modulario.OutboxMessage{
			Event:            modulario.EventAppointmentMoved,
			Channel:          modulario.ChannelEmailMsg,
			Action:           citizenAction("appuntamento-spostato", ""),
			AppointmentField: ap.Field,
			AppointmentStart: start,
		})
		moved := *ap
		moved.Start, moved.Status = start, modulario.BookingConfirmed
		outbox = append(outbox, a.engine().Reminders(ctx, f, sub, []modulario.Appointment{moved})...)
	}
	return a.Bookings.MoveAppointment(ctx, id, bookingID, start, c, outbox...)
}

// load returns the request, its appointment bookingID and its compiled
// form; ap is nil when any is missing (the booking service then reports
// the error, or the change goes on without e-mails).
func (a *Appointments) load(ctx context.Context, id uint64, bookingID string) (*modulario.Submission, *modulario.Appointment, *schemas.Form) {
	if a.Submissions == nil {
		a.logger().ErrorContext(ctx, "appointment change without notifications: no submission service")
		return nil, nil, nil
	}
	sub, err := a.Submissions.FindSubmission(ctx, id)
	if err != nil {
		if modulario.ErrorCode(err) != modulario.ENOTFOUND {
			a.logger().ErrorContext(ctx, "appointment change: loading the request failed", "submission", id, "err", err)
		}
		return nil, nil, nil
	}
	var ap *modulario.Appointment
	for i := range sub.Appointments {
		if sub.Appointments[i].BookingID == bookingID {
			ap = &sub.Appointments[i]
		}
	}
	if ap == nil {
		return nil, nil, nil
	}
	f, err := a.engine().Form(ctx, sub.FormSlug, sub.Version)
	if err != nil {
		a.logger().ErrorContext(ctx, "appointment change without notifications: form not loaded",
			"submission", id, "form", sub.FormSlug, "version", sub.Version, "err", err)
		return nil, nil, nil
	}
	return sub, ap, f
}

func (a *Appointments) engine() *Engine {
	a.once.Do(func() {
		if a.Engine == nil {
			a.Engine = NewEngine(a.Forms).WithCalendars(a.Calendars)
		}
	})
	return a.Engine
}

func (a *Appointments) logger() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.Default()
}

// cancelledMessage is the e-mail telling the citizen that appointment
// bookingID was cancelled ("appuntamento-annullato", with the CANCEL
// calendar entry).
func cancelledMessage(bookingID string) *modulario.OutboxMessage {
	return &modulario.OutboxMessage{
		Event:   modulario.EventAppointmentCancelled,
		Channel: modulario.ChannelEmailMsg,
		Action:  citizenAction("appuntamento-annullato", bookingID),
	}
}

// citizenAction is an e-mail action to the citizen with template, about
// booking when not empty.
func citizenAction(template, booking string) json.RawMessage {
	raw, _ := json.Marshal(Action{Notify: modulario.ChannelEmailMsg, To: json.RawMessage(`"citizen"`),
		Template: template, Booking: booking})
	return raw
}
