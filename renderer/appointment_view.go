package renderer

import (
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/ics"
	"github.com/modulario/modulario/schemas"
)

// appointmentView is one appointment of a request on the receipt and the
// tracking page: where, when, what to bring, calendar links and, on the
// tracking page, what the citizen may still do.
type appointmentView struct {
	tr
	leaving
	BookingID string
	// Label is the field's title ("Data e orario").
	Label string
	// Status is the citizen's word for the booking's status; Active is
	// false once cancelled.
	Status    string
	Active    bool
	Cancelled bool
	Reason    string
	Where     string
	Video     bool
	VideoInfo string // Markdown
	When      string
	Bring     string // Markdown
	ICSURL    string
	GoogleURL string
	// MoveURL and CancelURL are set while the citizen may still change
	// the appointment; MoveLabel is "Sposta…" or, after the office
	// cancelled it, "Scegli un nuovo appuntamento".
	MoveURL, MoveLabel, CancelURL string
	// Locked explains why the appointment can no longer be changed online.
	Locked string
	// ShowStatus shows the status (tracking page).
	ShowStatus bool
	// ChangeLead says until when the citizen may change it.
	ChangeLead string
}

// appointmentViews describes sub's appointments; actions adds what the
// citizen may do (tracking page).
func (s *Server) appointmentViews(c echo.Context, sub *modulario.Submission, compiled *schemas.Form, actions bool) ([]*appointmentView, error) {
	lang := langOf(c)
	ctx := c.Request().Context()
	now := s.cfg.Now()
	var out []*appointmentView
	for _, a := range sub.Appointments {
		cal, err := s.calendar(ctx, a.Calendar)
		if err != nil {
			return nil, err
		}
		loc := calendarLoc(cal)
		start, end := a.Start.In(loc), a.End.In(loc)
		v := &appointmentView{
			tr: tr{Lang: lang}, leaving: leavingOf(c), ShowStatus: actions,
			BookingID: a.BookingID, Label: fieldLabel(compiled, a.Field),
			Status: bookingStatus(lang, a.Status), Active: a.Status.Active(),
			Cancelled: a.Status == modulario.BookingCancelled, Reason: a.Reason,
			Where: a.Calendar, When: msg.T(lang, "booking.when_range", schemas.LongDate(lang, start), schemas.Clock(start), schemas.Clock(end)),
			Bring: compiled.Def.Requirements,
		}
		if end.IsZero() || !end.After(start) {
			v.When = msg.T(lang, "booking.when", schemas.LongDate(lang, start), schemas.Clock(start))
		}
		if cal != nil {
			v.Where, v.Video = placeLine(lang, cal), cal.Kind == modulario.CalendarVideo
			if v.Video {
				v.VideoInfo = cal.VideoInfo
			}
			if strings.TrimSpace(cal.Bring) != "" {
				v.Bring = cal.Bring
			}
		}
		if v.Active {
			base := "/pratiche/" + url.PathEscape(sub.Token) + "/appuntamenti/" + url.PathEscape(a.BookingID)
			v.ICSURL = link(c, base+".ics")
			v.GoogleURL = ics.GoogleCalendarLink(s.icsEntry(c, sub, compiled, a, cal))
		}
		if actions {
			s.appointmentActions(c, v, sub, a, cal, now)
		}
		out = append(out, v)
	}
	if len(out) == 1 {
		out[0].Label = "" // one appointment: the heading says "Il tuo appuntamento"
	}
	return out, nil
}

// appointmentActions sets the move and cancel links of v while the
// citizen may use them, or explains why not.
func (s *Server) appointmentActions(c echo.Context, v *appointmentView, sub *modulario.Submission,
	a modulario.Appointment, cal *modulario.Calendar, now time.Time) {
	if s.cfg.Appointments == nil || !sub.Open() || cal == nil {
		return
	}
	lang := langOf(c)
	base := "/pratiche/" + url.PathEscape(sub.Token) + "/appuntamenti/" + url.PathEscape(a.BookingID)
	switch {
	case a.Status == modulario.BookingCancelled:
		v.MoveURL, v.MoveLabel = link(c, base+"/sposta"), msg.T(lang, "booking.rebook")
	case a.Status != modulario.BookingConfirmed || !now.Before(a.Start):
	case citizenMayChange(cal, a, now):
		v.MoveURL, v.MoveLabel = link(c, base+"/sposta"), msg.T(lang, "booking.move")
		v.CancelURL = link(c, base+"/annulla")
		v.ChangeLead = msg.T(lang, "booking.change_lead", cal.ChangeHours)
	default:
		v.Locked = msg.T(lang, "booking.locked", cal.ChangeHours, cal.Name)
	}
}

// citizenMayChange reports whether a citizen may still move or cancel a:
// until the calendar's ChangeHours before it starts.
func citizenMayChange(cal *modulario.Calendar, a modulario.Appointment, now time.Time) bool {
	return now.Before(a.Start.Add(-time.Duration(cal.ChangeHours) * time.Hour))
}

// icsEntry is the calendar entry of appointment a of sub.
func (s *Server) icsEntry(c echo.Context, sub *modulario.Submission, compiled *schemas.Form,
	a modulario.Appointment, cal *modulario.Calendar) ics.Appointment {
	lang := langOf(c)
	// The service page, never the private tracking link: calendar entries
	// and Google links are shared and synchronised to third parties.
	service := s.absURL(c, "/servizi/"+url.PathEscape(sub.FormSlug))
	e := ics.Appointment{
		UID:       a.BookingID + "@" + s.host(c),
		Title:     msg.T(lang, "booking.ics_title", compiled.Def.Title),
		URL:       service,
		Start:     a.Start,
		End:       a.End,
		Organizer: s.site(c.Request().Context()).Name,
		Cancelled: !a.Status.Active(),
		Stamp:     s.cfg.Now(),
		Location:  a.Calendar,
	}
	if e.End.IsZero() && cal != nil {
		e.End = a.Start.Add(time.Duration(cal.SlotMinutes) * time.Minute)
	}
	lines := []string{msg.T(lang, "booking.ics_number", sub.Number)}
	bring := compiled.Def.Requirements
	if cal != nil {
		e.Location = cal.Where()
		if cal.Kind == modulario.CalendarVideo {
			e.Location = msg.T(lang, "booking.video")
			if info := strings.TrimSpace(cal.VideoInfo); info != "" {
				lines = append(lines, info)
			}
		}
		if strings.TrimSpace(cal.Bring) != "" {
			bring = cal.Bring
		}
	}
	if bring = strings.TrimSpace(bring); bring != "" {
		lines = append(lines, msg.T(lang, "booking.bring")+":\n"+bring)
	}
	lines = append(lines, msg.T(lang, "booking.ics_service", service))
	e.Description = strings.Join(lines, "\n\n")
	for _, ev := range sub.Timeline {
		if ev.Type == modulario.EventTypeAppointmentMoved {
			e.Sequence++
		}
	}
	return e
}

// host is the host of the public URL, for calendar UIDs.
func (s *Server) host(c echo.Context) string {
	if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Host != "" {
		return u.Host
	}
	return c.Request().Host
}

// findAppointment returns sub's appointment with booking id.
func findAppointment(sub *modulario.Submission, id string) (modulario.Appointment, bool) {
	for _, a := range sub.Appointments {
		if a.BookingID == id {
			return a, true
		}
	}
	return modulario.Appointment{}, false
}

// currentAppointments indexes sub's appointments by field pointer.
func currentAppointments(sub *modulario.Submission) map[string]modulario.Appointment {
	m := map[string]modulario.Appointment{}
	for _, a := range sub.Appointments {
		m[a.Field] = a
	}
	return m
}
