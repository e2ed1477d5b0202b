package builder

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

const calendarsPath = "/admin/calendari"

// booking reports whether appointment booking is configured.
func (s *Server) booking() bool { return s.cfg.Calendars != nil && s.cfg.Bookings != nil }

// calendarRoutes registers the calendar screens. Everyone signed in may
// read the calendars of their offices (admins and editors every one);
// editors and admins change them. Without Calendars and Bookings the
// routes are not registered.
func (s *Server) calendarRoutes() {
	if !s.booking() {
		return
	}
	ed := modulario.RoleEditor
	s.route(http.MethodGet, calendarsPath, s.calendarList)
	s.route(http.MethodGet, calendarsPath+"/nuovo", s.calendarNew, ed)
	s.route(http.MethodPost, calendarsPath+"/nuovo", s.calendarCreate, ed)
	s.route(http.MethodGet, calendarsPath+"/:slug", s.calendarEdit)
	s.route(http.MethodPost, calendarsPath+"/:slug", s.calendarUpdate, ed)
	s.route(http.MethodGet, calendarsPath+"/:slug/elimina", s.calendarDeleteConfirm, ed)
	s.route(http.MethodPost, calendarsPath+"/:slug/elimina", s.calendarDelete, ed)
}

// canReadCalendar reports whether u may see a calendar of office: admins
// and editors see every calendar, operators those of their offices.
func canReadCalendar(u *modulario.User, office string) bool {
	if u == nil {
		return false
	}
	return u.Role == modulario.RoleAdmin || u.Role == modulario.RoleEditor || u.InOffice(office)
}

// canEditCalendar reports whether u may change a calendar of office:
// admins, editors of the whole comune, editors of that office.
func canEditCalendar(u *modulario.User, office string) bool {
	if u == nil {
		return false
	}
	return u.Role == modulario.RoleAdmin ||
		u.Role == modulario.RoleEditor && (len(u.Offices) == 0 || office == "" || u.InOffice(office))
}

// calendarRow is one line of the calendar list.
type calendarRow struct {
	Cal      *modulario.Calendar
	Office   string
	Where    string
	CanEdit  bool
	IsVideo  bool
	Capacity int
}

// calendarListView is the data of the calendar list.
type calendarListView struct {
	Rows    []calendarRow
	CanEdit bool
}

// calendarList lists the calendars the user may see.
func (s *Server) calendarList(c echo.Context) error {
	rows, err := s.calendarRows(c, canReadCalendar)
	if err != nil {
		return err
	}
	lv := &calendarListView{CanEdit: hasRole(userOf(c), modulario.RoleEditor), Rows: rows}
	v := s.view(c, s.t(c, "cal.title"), "calendars", lv)
	v.Crumbs = append(v.Crumbs, Crumb{Label: v.Title})
	return s.render(c, http.StatusOK, "calendars", v)
}

// calendarRows are the rows of the calendars of the offices visible(user,
// office) accepts, ordered by name: the calendar list and the agenda index.
func (s *Server) calendarRows(c echo.Context, visible func(*modulario.User, string) bool) ([]calendarRow, error) {
	list, err := s.cfg.Calendars.ListCalendars(c.Request().Context())
	if err != nil {
		return nil, err
	}
	offices, err := s.officeNames(c)
	if err != nil {
		return nil, err
	}
	u := userOf(c)
	var rows []calendarRow
	for _, cal := range list {
		if visible(u, cal.Office) {
			rows = append(rows, calendarRow{Cal: cal, Office: officeLabel(offices, cal.Office), Where: cal.Where(),
				CanEdit: canEditCalendar(u, cal.Office), IsVideo: cal.Kind == modulario.CalendarVideo, Capacity: cal.Capacity})
		}
	}
	return rows, nil
}

// findCalendarParam loads the calendar named by :slug; one the user may
// not see answers 404 like a missing one.
func (s *Server) findCalendarParam(c echo.Context, read func(*modulario.User, string) bool) (*modulario.Calendar, error) {
	notFound := modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "cal.not_found"))
	cal, err := s.cfg.Calendars.FindCalendar(c.Request().Context(), c.Param("slug"))
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if !read(userOf(c), cal.Office) {
		return nil, notFound
	}
	return cal, nil
}

// calendarNew shows the form of a new calendar with sensible defaults.
func (s *Server) calendarNew(c echo.Context) error {
	f := &calendarForm{IsNew: true, Kind: string(modulario.CalendarPlace), SlotMinutes: "20", Capacity: "1",
		NoticeHours: "12", HorizonDays: "60", ChangeHours: "24", RemindHours: "0"}
	if u := userOf(c); u.Role != modulario.RoleAdmin && len(u.Offices) == 1 {
		f.Office = u.Offices[0]
	}
	return s.renderCalendarForm(c, http.StatusOK, f, nil, nil)
}

// calendarEdit shows a calendar: the form for those who may change it, the
// same data read-only for operators of its office.
func (s *Server) calendarEdit(c echo.Context) error {
	cal, err := s.findCalendarParam(c, canReadCalendar)
	if err != nil {
		return err
	}
	f := formOfCalendar(cal)
	f.ReadOnly = !canEditCalendar(userOf(c), cal.Office)
	return s.renderCalendarForm(c, http.StatusOK, f, cal, nil)
}

// calendarCreate stores a new calendar; its slug must be free.
func (s *Server) calendarCreate(c echo.Context) error {
	f := readCalendarForm(c)
	f.IsNew = true
	cal, errs := s.calendarOfForm(c, f, nil)
	if !hasError(errs, "slug") {
		_, err := s.cfg.Calendars.FindCalendar(c.Request().Context(), f.Slug)
		switch {
		case err == nil || f.Slug == "nuovo":
			errs = append([]FieldError{{ID: "slug", Message: s.t(c, "cal.err.slug_taken")}}, errs...)
		case modulario.ErrorCode(err) != modulario.ENOTFOUND:
			return err
		}
	}
	return s.saveCalendar(c, f, cal, nil, errs)
}

// calendarUpdate saves an existing calendar (its slug does not change).
func (s *Server) calendarUpdate(c echo.Context) error {
	old, err := s.findCalendarParam(c, canReadCalendar)
	if err != nil {
		return err
	}
	if !canEditCalendar(userOf(c), old.Office) {
		return modulario.Errorf(modulario.EFORBIDDEN, "%s", s.t(c, "cal.err.other_office"))
	}
	f := readCalendarForm(c)
	f.Slug = old.Slug
	cal, errs := s.calendarOfForm(c, f, old)
	return s.saveCalendar(c, f, cal, old, errs)
}

// saveCalendar stores cal, or shows the form again with errs (and, for a
// calendar already stored, old's holidays and bookings to review).
func (s *Server) saveCalendar(c echo.Context, f *calendarForm, cal, old *modulario.Calendar, errs []FieldError) error {
	if len(errs) == 0 {
		err := s.cfg.Calendars.SaveCalendar(c.Request().Context(), cal)
		if isInvalid(err) {
			errs = s.calendarErrors(c, err, f)
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderCalendarForm(c, http.StatusUnprocessableEntity, f, old, errs)
	}
	s.audit(c, "calendar.save", "calendar:"+cal.Slug, "saved calendar "+cal.Name)
	return s.redirect(c, calendarsPath+"/"+cal.Slug, "ok.calendar_saved")
}

// calendarOfForm builds the calendar from the posted form (keeping what
// the form does not show from old) and validates it, with the errors in
// Italian and by input.
func (s *Server) calendarOfForm(c echo.Context, f *calendarForm, old *modulario.Calendar) (*modulario.Calendar, []FieldError) {
	cal := &modulario.Calendar{Slug: f.Slug, Name: f.Name, Office: f.Office, Kind: modulario.CalendarKind(f.Kind),
		Place: f.Place, Address: f.Address, VideoInfo: f.VideoInfo, Bring: f.Bring, OpenOnHolidays: f.OpenOnHolidays}
	if old != nil {
		cal.Timezone, cal.CreatedAt = old.Timezone, old.CreatedAt
	}
	now := s.cfg.Now()
	if cal.CreatedAt.IsZero() {
		cal.CreatedAt = now
	}
	cal.UpdatedAt = now
	var errs []FieldError
	add := func(id, key string, args ...any) {
		errs = append(errs, FieldError{ID: id, Message: s.t(c, key, args...)})
	}
	if f.Office != "" {
		if _, err := s.cfg.Offices.FindOffice(c.Request().Context(), f.Office); err != nil || !canEditCalendar(userOf(c), f.Office) {
			add("office", "cal.err.office")
		}
	}
	for _, d := range weekOrder {
		list, perr := parseIntervals(f.Hours[d])
		if perr != nil {
			add(hoursID(d), "cal.err.hours_syntax", s.t(c, "cal.hours."+strconv.Itoa(d)), perr.Token)
			continue
		}
		cal.Hours[d] = list
	}
	for _, n := range []struct {
		id  string
		raw string
		dst *int
	}{{"slot_minutes", f.SlotMinutes, &cal.SlotMinutes}, {"capacity", f.Capacity, &cal.Capacity},
		{"notice_hours", f.NoticeHours, &cal.NoticeHours}, {"horizon_days", f.HorizonDays, &cal.HorizonDays},
		{"change_hours", f.ChangeHours, &cal.ChangeHours}, {"remind_hours", f.RemindHours, &cal.RemindHours}} {
		if n.raw == "" && n.id == "remind_hours" {
			continue
		}
		v, err := strconv.Atoi(n.raw)
		if err != nil {
			add(n.id, "cal.err.number")
			continue
		}
		*n.dst = v
	}
	var perr *textError
	if cal.Closures, f.closureLines, perr = parseClosures(f.Closures); perr != nil {
		add("closures", "cal.err.closure_"+perr.Kind, perr.Line, perr.Token)
	}
	if cal.Openings, f.openingLines, perr = parseOpenings(f.Openings); perr != nil {
		add("openings", "cal.err.opening_"+perr.Kind, perr.Line, perr.Token)
	}
	if err := cal.Validate(); err != nil {
		errs = mergeErrors(errs, s.calendarErrors(c, err, f))
	}
	return cal, sortErrors(errs)
}

// calendarInputs lists the inputs of the calendar form in page order, for
// the error summary.
var calendarInputs = []string{"name", "slug", "office", "kind-place", "place", "address", "video_info", "bring",
	"hours_1", "hours_2", "hours_3", "hours_4", "hours_5", "hours_6", "hours_0",
	"slot_minutes", "capacity", "notice_hours", "horizon_days", "change_hours", "remind_hours",
	"closures", "openings", "open_on_holidays"}

// weekOrder is the order of the weekdays on the page: Monday first.
var weekOrder = []int{1, 2, 3, 4, 5, 6, 0}

// hoursID is the id of the hours input of weekday d.
func hoursID(d int) string { return "hours_" + strconv.Itoa(d) }

// mergeErrors adds more to errs, skipping inputs that already have one (a
// parse error explains more than the validation that follows it).
func mergeErrors(errs, more []FieldError) []FieldError {
	for _, e := range more {
		if e.ID == "" || !hasError(errs, e.ID) {
			errs = append(errs, e)
		}
	}
	return errs
}

// hasError reports whether errs has an error about input id.
func hasError(errs []FieldError, id string) bool {
	for _, e := range errs {
		if e.ID == id {
			return true
		}
	}
	return false
}

// sortErrors orders errors as their inputs appear on the page.
func sortErrors(errs []FieldError) []FieldError {
	rank := map[string]int{}
	for i, id := range calendarInputs {
		rank[id] = i + 1
	}
	out := make([]FieldError, 0, len(errs))
	for _, id := range calendarInputs {
		for _, e := range errs {
			if e.ID == id {
				out = append(out, e)
			}
		}
	}
	for _, e := range errs {
		if rank[e.ID] == 0 {
			out = append(out, e)
		}
	}
	return out
}

// calendarErrors turns Calendar.Validate's (or the store's) errors, keyed
// by JSON pointer, into Italian messages by input, one per input.
func (s *Server) calendarErrors(c echo.Context, err error, f *calendarForm) []FieldError {
	var out []FieldError
	for ptr, m := range modulario.ErrorFields(err) {
		e := s.calendarError(c, ptr, m, f)
		if e.ID == "" || !hasError(out, e.ID) {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		out = append(out, FieldError{Message: s.t(c, "cal.err.invalid")})
	}
	return sortErrors(out)
}

// calendarError translates one pointer's problem.
func (s *Server) calendarError(c echo.Context, ptr, m string, f *calendarForm) FieldError {
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	simple := map[string]string{"slug": "slug", "name": "name", "office": "office", "kind": "kind-place",
		"address": "address", "slot_minutes": "slot_minutes", "capacity": "capacity", "notice_hours": "notice_hours",
		"horizon_days": "horizon_days", "change_hours": "change_hours", "remind_hours": "remind_hours"}
	if id, ok := simple[parts[0]]; ok && len(parts) == 1 {
		return FieldError{ID: id, Message: s.t(c, "cal.err."+parts[0])}
	}
	reason := s.intervalReason(c, m)
	switch {
	case parts[0] == "hours" && len(parts) >= 2:
		d, _ := strconv.Atoi(parts[1])
		n := 1
		if len(parts) >= 3 {
			n, _ = strconv.Atoi(parts[2])
			n++
		}
		return FieldError{ID: hoursID(d % 7), Message: s.t(c, "cal.err.hours", s.t(c, "cal.hours."+strconv.Itoa(d%7)), n, reason)}
	case parts[0] == "closures" && len(parts) >= 2:
		return FieldError{ID: "closures", Message: s.t(c, "cal.err.closure", lineOf(f.closureLines, parts[1]), reason)}
	case parts[0] == "openings" && len(parts) >= 2:
		return FieldError{ID: "openings", Message: s.t(c, "cal.err.opening", lineOf(f.openingLines, parts[1]), reason)}
	}
	return FieldError{Message: s.t(c, "cal.err.other", ptr, m)}
}

// intervalReason translates the reasons Calendar.Validate gives for
// intervals, dates and lists.
func (s *Server) intervalReason(c echo.Context, m string) string {
	for en, key := range map[string]string{
		"must be a time HH:MM":             "cal.reason.time",
		"must be after the start":          "cal.reason.order",
		"overlaps another interval":        "cal.reason.overlap",
		"must be a date YYYY-MM-DD":        "cal.reason.date",
		"must not be before the first day": "cal.reason.to",
		"needs at least one interval":      "cal.reason.no_interval",
	} {
		if m == en {
			return s.t(c, key)
		}
	}
	return m
}

// lineOf returns the textarea line of the i-th entry (its index as text).
func lineOf(lines []int, idx string) int {
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 || i >= len(lines) {
		return i + 1
	}
	return lines[i]
}

// calendarDeleteConfirm asks before deleting a calendar.
func (s *Server) calendarDeleteConfirm(c echo.Context) error {
	cal, err := s.findCalendarParam(c, canEditCalendar)
	if err != nil {
		return err
	}
	return s.renderCalendarDelete(c, http.StatusOK, cal, nil)
}

func (s *Server) renderCalendarDelete(c echo.Context, status int, cal *modulario.Calendar, errs []FieldError) error {
	v := s.view(c, s.t(c, "cal.delete_title"), "calendars", cal)
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "cal.title"), URL: calendarsPath},
		Crumb{Label: cal.Name, URL: calendarsPath + "/" + cal.Slug}, Crumb{Label: v.Title})
	v.Errors = errs
	return s.render(c, status, "calendar_delete", v)
}

// calendarDelete removes a calendar; one with future appointments is
// refused with a clear message.
func (s *Server) calendarDelete(c echo.Context) error {
	cal, err := s.findCalendarParam(c, canEditCalendar)
	if err != nil {
		return err
	}
	err = s.cfg.Calendars.DeleteCalendar(c.Request().Context(), cal.Slug)
	if modulario.ErrorCode(err) == modulario.ECONFLICT {
		return s.renderCalendarDelete(c, http.StatusConflict, cal, []FieldError{{Message: s.t(c, "cal.err.delete_booked")}})
	}
	if err != nil {
		return err
	}
	s.audit(c, "calendar.delete", "calendar:"+cal.Slug, "deleted calendar "+cal.Name)
	return s.redirect(c, calendarsPath, "ok.calendar_deleted")
}

// localDay is midnight of t's local date in loc.
func localDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}
