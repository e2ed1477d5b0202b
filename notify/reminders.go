package notify

import (
	"context"
	"encoding/json"
	"net/mail"
	"strings"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// reminderAction is the action of appointment reminders.
var reminderAction = json.RawMessage(`{"notify":"email","to":"citizen","template":"promemoria-appuntamento"}`)

// Reminders returns the scheduled reminders of appointments of request s
// (form f): an e-mail to the citizen 24 hours before each appointment, and
// another RemindHours before when its calendar asks for one, each only if
// still in the future. Nothing when the form has no citizen e-mail
// address among the answers. Messages carry AppointmentField and
// AppointmentStart, so the dispatcher drops them if the appointment is
// cancelled or moved meanwhile.
func (e *Engine) Reminders(ctx context.Context, f *schemas.Form, s *modulario.Submission, appts []modulario.Appointment) []*modulario.OutboxMessage {
	if !hasCitizenEmail(f, s) {
		return nil
	}
	now := e.now()
	var out []*modulario.OutboxMessage
	for _, ap := range appts {
		if ap.Status != "" && !ap.Status.Active() {
			continue
		}
		var times []time.Time
		if t := ap.Start.Add(-24 * time.Hour); t.After(now) {
			times = append(times, t)
		}
		if h := e.remindHours(ctx, ap.Calendar); h > 0 {
			if t := ap.Start.Add(-time.Duration(h) * time.Hour); t.After(now) && (len(times) == 0 || !t.Equal(times[0])) {
				times = append(times, t)
			}
		}
		for _, t := range times {
			out = append(out, &modulario.OutboxMessage{
				Event:            modulario.EventAppointmentReminder,
				Channel:          modulario.ChannelEmailMsg,
				Action:           append(json.RawMessage(nil), reminderAction...),
				NextAttemptAt:    t,
				AppointmentField: ap.Field,
				AppointmentStart: ap.Start,
			})
		}
	}
	return out
}

// remindHours is the calendar's RemindHours, 0 when unknown.
func (e *Engine) remindHours(ctx context.Context, calendar string) int {
	if e.cals == nil {
		return 0
	}
	c, err := e.cals.FindCalendar(ctx, calendar)
	if err != nil {
		return 0
	}
	return c.RemindHours
}

// hasCitizenEmail reports whether an action {"to": "citizen"} resolves for
// s: the form names the citizen's e-mail field and the answer is an
// address.
func hasCitizenEmail(f *schemas.Form, s *modulario.Submission) bool {
	addr, err := answerOf(decodeAnswers(s.Data), "", f.Def.Contacts.Email, "email address")
	if err != nil {
		return false
	}
	a, err := mail.ParseAddress(addr)
	return err == nil && a.Address == strings.TrimSpace(addr)
}
