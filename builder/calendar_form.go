package builder

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// calendarForm is the calendar form as posted or loaded: numbers stay as
// typed so a wrong one is shown back.
type calendarForm struct {
	IsNew    bool
	ReadOnly bool
	Slug     string
	Name     string
	Office   string
	Kind     string
	Place    string
	Address  string
	// VideoInfo and Bring are Markdown.
	VideoInfo string
	Bring     string
	// Hours by time.Weekday, as typed ("08:30-12:30, 15:00-17:00").
	Hours                                                                     [7]string
	SlotMinutes, Capacity, NoticeHours, HorizonDays, ChangeHours, RemindHours string
	Closures, Openings                                                        string
	OpenOnHolidays                                                            bool

	// closureLines and openingLines map entries to textarea lines.
	closureLines, openingLines []int
}

// calendarPage is the data of the calendar page.
type calendarPage struct {
	F       *calendarForm
	Fields  map[string]string
	Offices []option
	Days    []dayInput
	// Holidays are the days of the next 12 months that close the calendar.
	Holidays []holidayRow
	// Affected are the bookings that no longer fit the hours (saved
	// calendars only).
	Affected []affectedRow
	// AgendaURL links today's agenda when the user may see it.
	AgendaURL string
}

// dayInput is the hours input of one weekday.
type dayInput struct {
	ID, Label, Value, Error string
}

// holidayRow is one holiday that closes the calendar.
type holidayRow struct {
	Date, Name string
}

// affectedRow is one booking to move or cancel.
type affectedRow struct {
	When, Name, Number, RequestURL, MoveURL, CancelURL string
}

// readCalendarForm reads the posted form.
func readCalendarForm(c echo.Context) *calendarForm {
	f := &calendarForm{Slug: trimmed(c, "slug"), Name: trimmed(c, "name"), Office: trimmed(c, "office"),
		Kind: trimmed(c, "kind"), Place: trimmed(c, "place"), Address: trimmed(c, "address"),
		VideoInfo: strings.TrimSpace(c.FormValue("video_info")), Bring: strings.TrimSpace(c.FormValue("bring")),
		SlotMinutes: trimmed(c, "slot_minutes"), Capacity: trimmed(c, "capacity"), NoticeHours: trimmed(c, "notice_hours"),
		HorizonDays: trimmed(c, "horizon_days"), ChangeHours: trimmed(c, "change_hours"), RemindHours: trimmed(c, "remind_hours"),
		Closures: c.FormValue("closures"), Openings: c.FormValue("openings"), OpenOnHolidays: c.FormValue("open_on_holidays") == "1"}
	for d := range f.Hours {
		f.Hours[d] = trimmed(c, hoursID(d))
	}
	return f
}

// formOfCalendar fills the form from a stored calendar.
func formOfCalendar(cal *modulario.Calendar) *calendarForm {
	f := &calendarForm{Slug: cal.Slug, Name: cal.Name, Office: cal.Office, Kind: string(cal.Kind), Place: cal.Place,
		Address: cal.Address, VideoInfo: cal.VideoInfo, Bring: cal.Bring,
		SlotMinutes: strconv.Itoa(cal.SlotMinutes), Capacity: strconv.Itoa(cal.Capacity),
		NoticeHours: strconv.Itoa(cal.NoticeHours), HorizonDays: strconv.Itoa(cal.HorizonDays),
		ChangeHours: strconv.Itoa(cal.ChangeHours), RemindHours: strconv.Itoa(cal.RemindHours),
		Closures: formatClosures(cal.Closures), Openings: formatOpenings(cal.Openings), OpenOnHolidays: cal.OpenOnHolidays}
	for d, list := range cal.Hours {
		f.Hours[d] = formatIntervals(list)
	}
	return f
}

// renderCalendarForm shows the calendar page: the form (read-only for
// operators), the holidays that close it and, for a stored calendar
// (saved non-nil), the bookings to review.
func (s *Server) renderCalendarForm(c echo.Context, status int, f *calendarForm, saved *modulario.Calendar, errs []FieldError) error {
	ctx := c.Request().Context()
	p := &calendarPage{F: f, Fields: map[string]string{}}
	for _, e := range errs {
		if _, ok := p.Fields[e.ID]; !ok {
			p.Fields[e.ID] = e.Message
		}
	}
	for _, d := range weekOrder {
		id := hoursID(d)
		p.Days = append(p.Days, dayInput{ID: id, Label: s.t(c, "cal.hours."+strconv.Itoa(d)), Value: f.Hours[d], Error: p.Fields[id]})
	}
	offices, err := s.cfg.Offices.ListOffices(ctx)
	if err != nil {
		return err
	}
	u := userOf(c)
	for _, o := range offices {
		if canEditCalendar(u, o.Slug) || o.Slug == f.Office {
			p.Offices = append(p.Offices, option{Value: o.Slug, Label: o.Name, Selected: o.Slug == f.Office})
		}
	}
	st, err := s.cfg.Settings.Settings(ctx)
	if err != nil {
		return err
	}
	if saved != nil {
		p.Holidays = s.holidays(c, saved, st)
		if p.Affected, err = s.affected(c, saved); err != nil {
			return err
		}
		if hasRole(u, modulario.RoleOperator) && canSeeOffice(u, saved.Office) {
			p.AgendaURL = agendaPath + "/" + saved.Slug
		}
	}
	title := s.t(c, "cal.new_title")
	switch {
	case f.ReadOnly:
		title = f.Name
	case !f.IsNew:
		title = s.t(c, "cal.edit_title", f.Name)
	}
	v := s.view(c, title, "calendars", p)
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "cal.title"), URL: calendarsPath}, Crumb{Label: title})
	v.Errors = errs
	return s.render(c, status, "calendar_form", v)
}

// holidays lists the national holidays and the patron saint's day of the
// next 12 months that close cal (none when it opens on holidays; an extra
// opening that day wins).
func (s *Server) holidays(c echo.Context, cal *modulario.Calendar, st *modulario.Settings) []holidayRow {
	if cal.OpenOnHolidays {
		return nil
	}
	loc := cal.Location()
	today := localDay(s.cfg.Now(), loc)
	opened := map[string]bool{}
	for _, o := range cal.Openings {
		opened[o.Date] = true
	}
	var out []holidayRow
	for i := 0; i < 366; i++ {
		day := time.Date(today.Year(), today.Month(), today.Day()+i, 0, 0, 0, 0, loc)
		iso := day.Format("2006-01-02")
		name := modulario.ItalianHoliday(iso)
		if name == "" && st.PatronDay != "" && iso[5:] == st.PatronDay {
			name = s.t(c, "cal.patron")
			if st.PatronName != "" {
				name = st.PatronName
			}
		}
		if name == "" || opened[iso] {
			continue
		}
		out = append(out, holidayRow{Date: s.longDate(c, day), Name: name})
	}
	return out
}

// affected lists the bookings of cal that no longer fit its hours.
func (s *Server) affected(c echo.Context, cal *modulario.Calendar) ([]affectedRow, error) {
	list, err := s.cfg.Bookings.AffectedBookings(c.Request().Context(), cal.Slug, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].Start.Before(list[j].Start) })
	out := make([]affectedRow, 0, len(list))
	for _, b := range list {
		r := affectedRow{When: s.longDate(c, b.Start.In(cal.Location())) + ", " + s.slotTime(b.Start, b.End, cal.Location()),
			Name: b.Name, Number: b.Number}
		if b.SubmissionID != 0 {
			id := strconv.FormatUint(b.SubmissionID, 10)
			r.RequestURL = inboxPath + "/" + id
			base := bookingURL(cal.Slug, b.ID)
			r.MoveURL, r.CancelURL = base+"/sposta?richiesta="+id, base+"/annulla?richiesta="+id
		}
		out = append(out, r)
	}
	return out, nil
}

// longDate is "lunedì 2 marzo 2026" (English: "Monday 2 March 2026") of
// t's date in its own zone.
func (s *Server) longDate(c echo.Context, t time.Time) string {
	return schemas.LongDate(langOf(c), t)
}

// slotTime is "09:30–09:50" in loc.
func (s *Server) slotTime(start, end time.Time, loc *time.Location) string {
	return start.In(loc).Format("15:04") + "–" + end.In(loc).Format("15:04")
}
