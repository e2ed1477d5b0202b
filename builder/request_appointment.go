package builder

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// apptRow is one appointment of a request, for its detail page.
type apptRow struct {
	Calendar    string
	Where       string
	When        string
	Status      string
	Active      bool
	Reason      string
	AgendaURL   string
	MoveURL     string
	CancelURL   string
	StatusClass string
}

// appointmentRows describes the request's appointments with links to the
// agenda and to the staff move and cancel (when the user works the
// calendar's office).
func (s *Server) appointmentRows(c echo.Context, sub *modulario.Submission) []apptRow {
	if len(sub.Appointments) == 0 {
		return nil
	}
	u := userOf(c)
	id := strconv.FormatUint(sub.ID, 10)
	out := make([]apptRow, 0, len(sub.Appointments))
	for _, a := range sub.Appointments {
		loc := s.location()
		r := apptRow{Calendar: a.Calendar, Status: s.bookingStatus(c, a.Status), Active: a.Status.Active(),
			Reason: a.Reason, StatusClass: string(a.Status)}
		var cal *modulario.Calendar
		if s.cfg.Calendars != nil {
			if found, err := s.cfg.Calendars.FindCalendar(c.Request().Context(), a.Calendar); err == nil {
				cal = found
			}
		}
		if cal != nil {
			loc = cal.Location()
			r.Calendar = cal.Name
			if cal.Kind == modulario.CalendarVideo {
				r.Where = s.t(c, "cal.kind.video")
			} else {
				r.Where = cal.Where()
			}
		}
		r.When = s.longDate(c, a.Start.In(loc)) + ", " + s.slotTime(a.Start, a.End, loc)
		if a.End.IsZero() {
			r.When = s.longDate(c, a.Start.In(loc)) + ", " + a.Start.In(loc).Format("15:04")
		}
		if cal != nil && s.booking() && hasRole(u, modulario.RoleOperator) && canSeeOffice(u, cal.Office) {
			r.AgendaURL = dayURL(cal.Slug, localDay(a.Start, loc), "giorno")
			if a.BookingID != "" {
				base := bookingURL(cal.Slug, a.BookingID)
				if sub.Open() && (a.Status == modulario.BookingConfirmed || a.Status == modulario.BookingCancelled) {
					r.MoveURL = base + "/sposta?richiesta=" + id
				}
				if a.Status == modulario.BookingConfirmed {
					r.CancelURL = base + "/annulla?richiesta=" + id
				}
			}
		}
		out = append(out, r)
	}
	return out
}

// appointmentAnswers names each appointment answer of data by the
// request's current appointment (place, date and time, status), so the
// answers show where the citizen is expected even after a move.
func appointmentAnswers(sub *modulario.Submission, data map[string]any, rows []apptRow, names map[string]string) {
	for i, a := range sub.Appointments {
		v, ok := data[strings.TrimPrefix(a.Field, "/")].(string)
		if !ok || i >= len(rows) {
			continue
		}
		r := rows[i]
		names[v] = strings.Join(nonEmpty(r.Calendar, r.When), " — ") + " (" + r.Status + ")"
	}
}
