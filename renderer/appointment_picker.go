package renderer

import (
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// Picker stages: choose the calendar, the day, the time.
const (
	stageUnavailable = 0
	stageCalendar    = 1
	stageDay         = 2
	stageTime        = 3
)

// pickerView is the accessible slot picker of an appointment field, on its
// form step or when moving an appointment. It works without JavaScript:
// stage 1 is a GET form choosing the calendar, stage 2 a month table whose
// free days are links, stage 3 the free times of a day as radios inside
// the page's POST form.
type pickerView struct {
	tr
	Stage int
	// Label is the field's title; ID its HTML id (the error summary's
	// anchor); Name the posted name of the time radios.
	Label, ID, Name string
	Required        bool
	Error           string
	// Unavailable explains why nothing can be booked (stage 0).
	Unavailable string
	// Chosen is "Hai scelto: …" for the answer already given; ChangeURL
	// lets the citizen choose again.
	Chosen, ChangeURL string
	// Action is the path of the stage-1 GET form; Lang the explicit
	// language and Embed the embed mode it must keep (a GET form drops
	// the query of its action).
	Action, Lang string
	Embed        bool
	Calendars    []optionView
	// Where is the chosen calendar's place line (stages 2 and 3).
	Where             string
	ChangeCalendarURL string
	Month             *monthView
	// NoneFree says that the calendar has no free slot in its horizon.
	NoneFree string
	// DayLegend is "Orari disponibili giovedì 3 dicembre 2026".
	DayLegend    string
	Times        []optionView
	Alternatives []optionView
	NoTimes      string
	ChangeDayURL string
	// dayQuery is "?calendario=…&giorno=…" of stage 3.
	dayQuery string
}

// monthView is the month table of stage 2.
type monthView struct {
	Caption          string
	Headers          []weekdayHeader
	Weeks            [][]dayCell
	PrevURL, NextURL string
	// Empty says that no day of this month has a free slot.
	Empty string
}

// weekdayHeader is one column header of the month table.
type weekdayHeader struct{ Short, Long string }

// dayCell is one day of the month table; Day 0 pads the first and last
// week. Days with free slots have a URL and an aria-label.
type dayCell struct {
	Day   int
	Date  string
	URL   string
	Label string
}

// pickerInput is what a picker is built from.
type pickerInput struct {
	label, id, name string
	required        bool
	// calendars the picker may offer; fixed hides "Cambia sportello".
	calendars []string
	fixed     bool
	// holder's holds count as free (the citizen's own).
	holder string
	// base is the page path, without query.
	base string
	// chosen is the answer already given; selected the value to check.
	chosen, selected string
	// calendar and day override the query (a post re-rendered).
	calendar, day string
	// alternatives are the nearest free slots offered after a conflict.
	alternatives []modulario.Slot
	err          string
}

// buildPicker resolves the stage from the URL (calendario, giorno, mese,
// cambia) and the answer, and loads what that stage shows.
func (s *Server) buildPicker(c echo.Context, in pickerInput) (*pickerView, error) {
	lang := langOf(c)
	v := &pickerView{tr: tr{Lang: lang}, Label: in.label, ID: in.id, Name: in.name,
		Required: in.required, Error: in.err, Action: in.base, Embed: isEmbed(c)}
	if explicit, _ := c.Get(ctxExplicitLang).(bool); explicit {
		v.Lang = lang
	}
	if !s.bookingOn() {
		v.Unavailable = msg.T(lang, "booking.unavailable")
		return v, nil
	}
	ctx := c.Request().Context()
	q := c.QueryParams()
	calSlug, day := q.Get("calendario"), q.Get("giorno")
	if in.calendar != "" {
		calSlug, day = in.calendar, in.day
	}
	if in.chosen != "" {
		if slug, start, err := modulario.ParseAppointmentValue(in.chosen); err == nil {
			cal, err := s.calendar(ctx, slug)
			if err != nil {
				return nil, err
			}
			v.Chosen = msg.T(lang, "booking.chosen", appointmentText(lang, cal, start))
			if calSlug == "" && q.Get("cambia") == "" && q.Get("scegli") == "" && slices.Contains(in.calendars, slug) {
				calSlug, day = slug, start.In(calendarLoc(cal)).Format("2006-01-02")
			}
			if calSlug != "" || q.Get("cambia") == "" {
				v.ChangeURL = link(c, in.base+"?cambia=1")
			}
		}
	}
	if calSlug == "" && len(in.calendars) == 1 {
		calSlug = in.calendars[0]
	}
	if !slices.Contains(in.calendars, calSlug) {
		calSlug, day = "", ""
	}
	if calSlug == "" {
		return s.pickCalendar(c, v, in)
	}
	cal, err := s.calendar(ctx, calSlug)
	if err != nil {
		return nil, err
	}
	if cal == nil {
		if in.fixed || len(in.calendars) == 1 {
			v.Unavailable = msg.T(lang, "booking.unavailable")
			return v, nil
		}
		return s.pickCalendar(c, v, in)
	}
	v.Where = placeLine(lang, cal)
	if !in.fixed && len(in.calendars) > 1 {
		v.ChangeCalendarURL = link(c, in.base+"?cambia=1")
	}
	if d, ok := modulario.ParseDay(day); ok {
		return s.pickTime(c, v, in, cal, d)
	}
	return s.pickDay(c, v, in, cal)
}

// pickCalendar fills stage 1: the field's calendars as radios.
func (s *Server) pickCalendar(c echo.Context, v *pickerView, in pickerInput) (*pickerView, error) {
	ctx := c.Request().Context()
	lang := langOf(c)
	for _, slug := range in.calendars {
		cal, err := s.calendar(ctx, slug)
		if err != nil {
			return nil, err
		}
		if cal == nil {
			continue
		}
		id := v.ID
		if len(v.Calendars) > 0 {
			id += "-cal-" + strconv.Itoa(len(v.Calendars))
		}
		v.Calendars = append(v.Calendars, optionView{ID: id, Value: cal.Slug, Label: placeLine(lang, cal)})
	}
	if len(v.Calendars) == 0 {
		v.Unavailable = msg.T(lang, "booking.unavailable")
		return v, nil
	}
	if c.QueryParam("scegli") == "1" && v.Error == "" {
		v.Error = msg.T(lang, "booking.err_calendar")
	}
	v.Stage = stageCalendar
	return v, nil
}

// pickDay fills stage 2: the month table of cal with its free days.
func (s *Server) pickDay(c echo.Context, v *pickerView, in pickerInput, cal *modulario.Calendar) (*pickerView, error) {
	ctx := c.Request().Context()
	lang := langOf(c)
	v.Stage = stageDay
	now := s.cfg.Now()
	loc := cal.Location()
	ty, tm, td := now.In(loc).Date()
	firstMonth := time.Date(ty, tm, 1, 0, 0, 0, 0, loc)
	lastDay := time.Date(ty, tm, td+cal.HorizonDays, 0, 0, 0, 0, loc)
	lastMonth := time.Date(lastDay.Year(), lastDay.Month(), 1, 0, 0, 0, 0, loc)
	month, err := time.ParseInLocation("2006-01", c.QueryParam("mese"), loc)
	if err != nil || month.Before(firstMonth) || month.After(lastMonth) {
		first, err := s.cfg.Bookings.NearestFree(ctx, cal.Slug, now, now, 1)
		if err != nil {
			return nil, err
		}
		if len(first) == 0 {
			v.NoneFree = msg.T(lang, "booking.none_free", v.Where, cal.HorizonDays)
			return v, nil
		}
		fs := first[0].Start.In(loc)
		month = time.Date(fs.Year(), fs.Month(), 1, 0, 0, 0, 0, loc)
	}
	next := month.AddDate(0, 1, 0)
	slots, err := s.cfg.Bookings.Availability(ctx, cal.Slug,
		modulario.SlotQuery{From: month, To: next, Now: now}, in.holder)
	if err != nil {
		return nil, err
	}
	free := map[string]int{}
	for _, sl := range slots {
		if sl.Free() > 0 {
			free[sl.Start.In(loc).Format("2006-01-02")]++
		}
	}
	m := &monthView{Caption: monthCaption(lang, month)}
	l := namesLang(lang)
	for i := 1; i <= 7; i++ {
		wd := time.Weekday(i % 7)
		m.Headers = append(m.Headers, weekdayHeader{Short: weekdayShort[l][wd], Long: schemas.WeekdayName(lang, wd)})
	}
	week := make([]dayCell, (int(month.Weekday())+6)%7)
	for d := month; d.Before(next); d = d.AddDate(0, 0, 1) {
		date := d.Format("2006-01-02")
		cell := dayCell{Day: d.Day(), Date: date}
		if n := free[date]; n > 0 {
			cell.URL = link(c, in.base+"?calendario="+url.QueryEscape(cal.Slug)+"&giorno="+date)
			key := "booking.day_free"
			if n == 1 {
				key = "booking.day_free_one"
			}
			cell.Label = msg.T(lang, key, schemas.LongDate(lang, d), n)
		}
		week = append(week, cell)
		if len(week) == 7 {
			m.Weeks, week = append(m.Weeks, week), nil
		}
	}
	if len(week) > 0 {
		m.Weeks = append(m.Weeks, append(week, make([]dayCell, 7-len(week))...))
	}
	if len(free) == 0 {
		m.Empty = msg.T(lang, "booking.month_empty", m.Caption)
	}
	monthURL := func(t time.Time) string {
		return link(c, in.base+"?calendario="+url.QueryEscape(cal.Slug)+"&mese="+t.Format("2006-01"))
	}
	if month.After(firstMonth) {
		m.PrevURL = monthURL(month.AddDate(0, -1, 0))
	}
	if next.Before(lastMonth) || next.Equal(lastMonth) {
		m.NextURL = monthURL(next)
	}
	v.Month = m
	return v, nil
}

// pickTime fills stage 3: the free times of day (a civil date) as radios,
// and the alternatives offered after a conflict.
func (s *Server) pickTime(c echo.Context, v *pickerView, in pickerInput, cal *modulario.Calendar, day time.Time) (*pickerView, error) {
	ctx := c.Request().Context()
	lang := langOf(c)
	v.Stage = stageTime
	loc := cal.Location()
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	v.DayLegend = msg.T(lang, "booking.times_legend", schemas.LongDate(lang, from))
	v.dayQuery = "?calendario=" + url.QueryEscape(cal.Slug) + "&giorno=" + from.Format("2006-01-02")
	v.ChangeDayURL = link(c, in.base+"?calendario="+url.QueryEscape(cal.Slug)+"&mese="+from.Format("2006-01"))
	n := 0
	nextID := func() string {
		n++
		if n == 1 {
			return v.ID
		}
		return v.ID + "-" + strconv.Itoa(n-1)
	}
	offered := map[string]bool{}
	for _, sl := range in.alternatives {
		val := modulario.AppointmentValue(sl.Calendar, sl.Start)
		if sl.Calendar != cal.Slug || offered[val] {
			continue
		}
		offered[val] = true
		st := sl.Start.In(loc)
		v.Alternatives = append(v.Alternatives, optionView{ID: nextID(), Value: val,
			Label: shortDay(lang, st) + ", " + slotLabel(lang, sl, loc), Selected: val == in.selected})
	}
	slots, err := s.cfg.Bookings.Availability(ctx, cal.Slug,
		modulario.SlotQuery{From: from, To: from.AddDate(0, 0, 1), Now: s.cfg.Now()}, in.holder)
	if err != nil {
		return nil, err
	}
	for _, sl := range slots {
		val := modulario.AppointmentValue(cal.Slug, sl.Start)
		if sl.Free() <= 0 || offered[val] {
			continue
		}
		v.Times = append(v.Times, optionView{ID: nextID(), Value: val, Label: slotLabel(lang, sl, loc),
			Selected: val == in.selected})
	}
	if len(v.Times) == 0 {
		v.NoTimes = msg.T(lang, "booking.no_times")
	}
	return v, nil
}

// slotLabel is "09:30 – 10:00 · 2 posti disponibili".
func slotLabel(lang string, sl modulario.Slot, loc *time.Location) string {
	key := "booking.slot"
	if sl.Free() == 1 {
		key = "booking.slot_one"
	}
	return msg.T(lang, key, schemas.Clock(sl.Start.In(loc)), schemas.Clock(sl.End.In(loc)), sl.Free())
}
