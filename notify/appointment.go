package notify

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/ics"
	"github.com/modulario/modulario/schemas"
)

// AppointmentDetails is the appointment a message is about, with its
// calendar, for the placeholders {{appuntamento}}, {{luogo}},
// {{data_appuntamento}}, {{ora_appuntamento}} and {{cosa_portare}}.
type AppointmentDetails struct {
	modulario.Appointment
	// Calendar is nil when it cannot be loaded (deleted, or no calendar
	// service): the place is then the calendar's slug.
	Calendar *modulario.Calendar
}

// local is the start in the calendar's time zone (Europe/Rome by default).
func (a *AppointmentDetails) local() time.Time {
	if a.Calendar != nil {
		return a.Start.In(a.Calendar.Location())
	}
	return a.Start.In(rome)
}

// Date is the day in Italian: "giovedì 3 dicembre 2026".
func (a *AppointmentDetails) Date() string {
	return schemas.LongDate("it", a.local())
}

// Clock is the time of day: "9:30".
func (a *AppointmentDetails) Clock() string {
	return schemas.Clock(a.local())
}

// Place is where the appointment is: "Sede centrale, Piazza del Municipio
// 1"; for a video call the calendar's name, prefixed by "Videochiamata, "
// unless it says so already.
func (a *AppointmentDetails) Place() string {
	switch {
	case a.Calendar == nil:
		return a.Appointment.Calendar
	case a.Calendar.Kind == modulario.CalendarVideo:
		if strings.Contains(strings.ToLower(a.Calendar.Name), "videochiamata") {
			return a.Calendar.Name
		}
		return "Videochiamata, " + a.Calendar.Name
	}
	return a.Calendar.Where()
}

// Text is the appointment in one line: "giovedì 3 dicembre 2026 alle
// 9:30, Sede centrale, Piazza del Municipio 1".
func (a *AppointmentDetails) Text() string {
	s := a.Date() + " alle " + a.Clock()
	if p := a.Place(); p != "" {
		s += ", " + p
	}
	return s
}

// Bring is what to bring (Markdown): the calendar's list, else the form's
// requirements.
func (a *AppointmentDetails) Bring(f *schemas.Form) string {
	if a.Calendar != nil && strings.TrimSpace(a.Calendar.Bring) != "" {
		return strings.TrimSpace(a.Calendar.Bring)
	}
	if f != nil {
		return strings.TrimSpace(f.Def.Requirements)
	}
	return ""
}

// pickAppointment returns the appointment om is about: the booking named
// by the action, else the one of om's appointment field and start, else
// (other messages) the request's first active appointment; nil if none.
func pickAppointment(om *modulario.OutboxMessage, a Action, sub *modulario.Submission) *modulario.Appointment {
	for i := range sub.Appointments {
		ap := &sub.Appointments[i]
		switch {
		case a.Booking != "":
			if ap.BookingID == a.Booking {
				return ap
			}
		case om.AppointmentField != "":
			if ap.Field == om.AppointmentField && ap.Start.Equal(om.AppointmentStart) {
				return ap
			}
		case ap.Status.Active():
			return ap
		}
	}
	return nil
}

// appointmentStillDue reports whether sub still has an active appointment
// for field starting at start: the condition for sending a message with
// AppointmentField set. A reminder (event) is also due only while the
// appointment has not started: never remind after the start.
func appointmentStillDue(sub *modulario.Submission, field string, start time.Time, event string, now time.Time) bool {
	if event == modulario.EventAppointmentReminder && !start.After(now) {
		return false
	}
	for _, ap := range sub.ActiveAppointments() {
		if ap.Field == field && ap.Start.Equal(start) {
			return true
		}
	}
	return false
}

// appointmentAnswers maps the appointment answers of sub (as stored in the
// answers, and as AppointmentValue of each appointment) to their text, for
// the {{risposte}} summary: a moved appointment shows where it is now.
func appointmentAnswers(sub *modulario.Submission, data map[string]any, details func(modulario.Appointment) *AppointmentDetails, names map[string]string) {
	for _, ap := range sub.Appointments {
		d := details(ap)
		text := d.Text()
		if ap.Status == modulario.BookingCancelled {
			text += " (annullato)"
		}
		if v, ok := schemas.GetPointer(data, ap.Field); ok {
			if s, ok := v.(string); ok && s != "" {
				names[s] = text
			}
		}
		names[modulario.AppointmentValue(ap.Calendar, d.local())] = text
	}
}

// citizenICS is the calendar entry attached to an e-mail to the citizen
// about d: the PUBLISH version for the receipt, a move and a reminder of
// an active appointment, the CANCEL version for a cancellation; nil for
// other messages.
func citizenICS(m *Message, d *AppointmentDetails, baseURL string, now time.Time) *ics.Appointment {
	if d == nil || m.Action.Notify != modulario.ChannelEmailMsg || strings.TrimSpace(string(m.Action.To)) != `"citizen"` {
		return nil
	}
	cancelled := false
	switch m.Outbox.Event {
	case modulario.EventReceived, modulario.EventAppointmentMoved, modulario.EventAppointmentReminder:
		if !d.Status.Active() {
			return nil
		}
	case modulario.EventAppointmentCancelled:
		if d.Status != modulario.BookingCancelled {
			return nil
		}
		cancelled = true
	default:
		return nil
	}
	seq := movesOf(m.Submission)
	if cancelled {
		seq++
	}
	location := d.Place()
	if d.Calendar != nil && d.Calendar.Kind == modulario.CalendarVideo {
		location = "Videochiamata"
	}
	var desc strings.Builder
	fmt.Fprintf(&desc, "Richiesta %s: %s.\n", m.Submission.Number, m.Form.Def.Title)
	if d.Calendar != nil && d.Calendar.Kind == modulario.CalendarVideo {
		desc.WriteString(d.Calendar.Name + ".\n")
		if v := strings.TrimSpace(d.Calendar.VideoInfo); v != "" {
			desc.WriteString("\n" + v + "\n")
		}
	}
	if b := d.Bring(m.Form); b != "" && !cancelled {
		desc.WriteString("\nCosa portare:\n" + b + "\n")
	}
	// The service page, never the private tracking link: calendar entries
	// are shared and synchronised to third parties.
	service := servicePageURL(baseURL, m.Submission.FormSlug)
	desc.WriteString("\nPagina del servizio: " + service)
	end := d.End
	if !end.After(d.Start) && d.Calendar != nil {
		end = d.Start.Add(time.Duration(d.Calendar.SlotMinutes) * time.Minute)
	}
	return &ics.Appointment{
		UID:         d.BookingID + "@" + hostOf(baseURL),
		Title:       "Appuntamento: " + m.Form.Def.Title,
		Description: desc.String(),
		Location:    location,
		URL:         service,
		Start:       d.Start,
		End:         end,
		Sequence:    seq,
		Cancelled:   cancelled,
		Stamp:       now,
	}
}

// servicePageURL is the public page of the form's service, the link of
// calendar entries.
func servicePageURL(base, slug string) string {
	return strings.TrimRight(base, "/") + "/servizi/" + url.PathEscape(slug)
}

// movesOf counts the request's appointment moves: the SEQUENCE of its
// calendar entry. (Events do not name the booking; a request has one
// appointment field in practice.)
func movesOf(sub *modulario.Submission) int {
	n := 0
	for _, e := range sub.Timeline {
		if e.Type == modulario.EventTypeAppointmentMoved {
			n++
		}
	}
	return n
}

// hostOf is the host (and port, if any) of the public base URL, the
// domain of calendar UIDs, as the renderer's downloads write it.
func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		return u.Host
	}
	return "modulario.invalid"
}
