package builder

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

const agendaPath = "/admin/agenda"

// agendaRoutes registers the agenda of each calendar with check-in, and
// the staff move and cancel of a booking. Operators work the calendars of
// their offices (others answer 404); admins every calendar.
func (s *Server) agendaRoutes() {
	if !s.booking() {
		return
	}
	op := modulario.RoleOperator
	s.route(http.MethodGet, agendaPath, s.agendaIndex, op)
	s.route(http.MethodGet, agendaPath+"/:slug", s.agendaPage, op)
	b := agendaPath + "/:slug/prenotazioni/:booking"
	s.route(http.MethodPost, b+"/presenza", s.agendaCheckIn, op)
	s.route(http.MethodGet, b+"/sposta", s.agendaMoveForm, op)
	s.route(http.MethodPost, b+"/sposta", s.agendaMove, op)
	s.route(http.MethodGet, b+"/annulla", s.agendaCancelForm, op)
	s.route(http.MethodPost, b+"/annulla", s.agendaCancel, op)
}

// bookingURL is the base address of a booking's actions.
func bookingURL(calendar, bookingID string) string {
	return agendaPath + "/" + calendar + "/prenotazioni/" + url.PathEscape(bookingID)
}

// dayURL is the agenda of calendar on day (view "giorno" or "settimana").
func dayURL(calendar string, day time.Time, view string) string {
	u := agendaPath + "/" + calendar + "?giorno=" + day.Format("2006-01-02")
	if view == "settimana" {
		u += "&vista=settimana"
	}
	return u
}

// agendaIndexView is the list of calendars with their agenda links.
type agendaIndexView struct {
	Rows []calendarRow
}

// agendaIndex lists the calendars whose agenda the user may see.
func (s *Server) agendaIndex(c echo.Context) error {
	rows, err := s.calendarRows(c, canSeeOffice)
	if err != nil {
		return err
	}
	iv := &agendaIndexView{Rows: rows}
	v := s.view(c, s.t(c, "agenda.title"), "agenda", iv)
	v.Crumbs = append(v.Crumbs, Crumb{Label: v.Title})
	return s.render(c, http.StatusOK, "agenda_index", v)
}

// agendaView is the data of the daily or weekly agenda.
type agendaView struct {
	Cal      *modulario.Calendar
	Week     bool
	Heading  string
	Day      string // the chosen day, YYYY-MM-DD
	View     string // "giorno" or "settimana"
	PrevURL  string
	NextURL  string
	TodayURL string
	DayURL   string
	WeekURL  string
	Days     []agendaDay
	Count    int
}

// agendaDay is one day of the agenda.
type agendaDay struct {
	ISO   string
	Label string
	// Closed is why the calendar is closed that day; NoHours that it has
	// no opening hours that weekday.
	Closed  string
	NoHours bool
	Rows    []agendaRow
	URL     string
}

// agendaRow is one booking of the agenda with its actions.
type agendaRow struct {
	B           *modulario.Booking
	Time        string
	StatusLabel string
	RequestURL  string
	ActionURL   string // base of the booking's actions
	Request     string // submission ID
	// Check-in buttons to show; CanCancel for active bookings.
	Attend, NoShow, Reset bool
	CanMove, CanCancel    bool
}

// findAgendaCalendar loads the calendar named by :slug if the user works
// its office (404 otherwise).
func (s *Server) findAgendaCalendar(c echo.Context) (*modulario.Calendar, error) {
	return s.findCalendarParam(c, canSeeOffice)
}

// agendaPage shows the bookings of a day (?giorno=YYYY-MM-DD, default
// today) or of its week (&vista=settimana).
func (s *Server) agendaPage(c echo.Context) error {
	cal, err := s.findAgendaCalendar(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	loc := cal.Location()
	day := localDay(s.cfg.Now(), loc)
	if d, ok := modulario.ParseDay(c.QueryParam("giorno")); ok && d.Year() > 1900 && d.Year() < 3000 {
		day = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	}
	av := &agendaView{Cal: cal, Week: c.QueryParam("vista") == "settimana", Day: day.Format("2006-01-02"), View: "giorno"}
	first, n, step := day, 1, 1
	if av.Week {
		av.View = "settimana"
		first = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7)) // Monday
		first = time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
		n, step = 7, 7
	}
	end := time.Date(first.Year(), first.Month(), first.Day()+n, 0, 0, 0, 0, loc)
	bookings, err := s.cfg.Bookings.Agenda(ctx, cal.Slug, first, end)
	if err != nil {
		return err
	}
	st, err := s.cfg.Settings.Settings(ctx)
	if err != nil {
		return err
	}
	byDay := map[string][]*modulario.Booking{}
	for _, b := range bookings {
		k := b.Start.In(loc).Format("2006-01-02")
		byDay[k] = append(byDay[k], b)
	}
	for i := 0; i < n; i++ {
		d := time.Date(first.Year(), first.Month(), first.Day()+i, 0, 0, 0, 0, loc)
		ad := agendaDay{ISO: d.Format("2006-01-02"), Label: s.longDate(c, d), URL: dayURL(cal.Slug, d, "giorno")}
		ad.Closed, ad.NoHours = s.closedInfo(c, cal, d, st.PatronDay)
		for _, b := range byDay[ad.ISO] {
			ad.Rows = append(ad.Rows, s.agendaRow(c, cal, b))
			av.Count++
		}
		av.Days = append(av.Days, ad)
	}
	prev := time.Date(day.Year(), day.Month(), day.Day()-step, 0, 0, 0, 0, loc)
	next := time.Date(day.Year(), day.Month(), day.Day()+step, 0, 0, 0, 0, loc)
	av.PrevURL, av.NextURL = dayURL(cal.Slug, prev, av.View), dayURL(cal.Slug, next, av.View)
	av.TodayURL = dayURL(cal.Slug, localDay(s.cfg.Now(), loc), av.View)
	av.DayURL, av.WeekURL = dayURL(cal.Slug, day, "giorno"), dayURL(cal.Slug, day, "settimana")
	title := s.t(c, "agenda.day_title", cal.Name, s.longDate(c, day))
	av.Heading = s.longDate(c, day)
	if av.Week {
		last := time.Date(first.Year(), first.Month(), first.Day()+6, 0, 0, 0, 0, loc)
		av.Heading = s.t(c, "agenda.week_range", s.longDate(c, first), s.longDate(c, last))
		title = s.t(c, "agenda.week_title", cal.Name, av.Heading)
	}
	v := s.view(c, title, "agenda", av)
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "agenda.title"), URL: agendaPath}, Crumb{Label: cal.Name})
	return s.render(c, http.StatusOK, "agenda", v)
}

// closedInfo says why cal takes no appointments on the local date d: a
// closure or holiday (its reason), or no hours that weekday.
func (s *Server) closedInfo(c echo.Context, cal *modulario.Calendar, d time.Time, patron string) (string, bool) {
	iso := d.Format("2006-01-02")
	for _, o := range cal.Openings {
		if o.Date == iso {
			return "", false
		}
	}
	switch reason := cal.ClosedReason(d, patron); reason {
	case "":
	case "closure":
		return s.t(c, "agenda.closure"), false
	default:
		return reason, false
	}
	return "", len(cal.Hours[d.Weekday()]) == 0
}

// agendaRow prepares one booking of the agenda.
func (s *Server) agendaRow(c echo.Context, cal *modulario.Calendar, b *modulario.Booking) agendaRow {
	r := agendaRow{B: b, Time: s.slotTime(b.Start, b.End, cal.Location()), StatusLabel: s.bookingStatus(c, b.Status),
		ActionURL: bookingURL(cal.Slug, b.ID)}
	if b.SubmissionID != 0 {
		r.Request = strconv.FormatUint(b.SubmissionID, 10)
		r.RequestURL = inboxPath + "/" + r.Request
		// A confirmed booking moves; a cancelled one can be booked again
		// (storage refuses it when the request is closed). A visit that
		// took place (or was missed) is history: neither moved nor cancelled.
		r.CanMove = b.Status == modulario.BookingConfirmed || b.Status == modulario.BookingCancelled
	}
	if b.Status.Active() && b.SubmissionID != 0 {
		r.CanCancel = b.Status == modulario.BookingConfirmed
		r.Attend = b.Status != modulario.BookingAttended
		r.NoShow = b.Status != modulario.BookingNoShow
		r.Reset = b.Status != modulario.BookingConfirmed
	}
	return r
}

// bookingStatus is the Italian label of a booking status.
func (s *Server) bookingStatus(c echo.Context, st modulario.BookingStatus) string {
	return s.t(c, "agenda.status."+string(st))
}
