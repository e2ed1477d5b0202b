package builder

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// maxCancelMessage bounds the message to the citizen of a cancellation.
const maxCancelMessage = 2000

// moveDays is how far ahead (in days, at least the calendar's horizon)
// the staff slot picker looks for free slots.
const moveDays = 60

// bookingRef is a booking as found through its request.
type bookingRef struct {
	Cal *modulario.Calendar
	Sub *modulario.Submission
	App modulario.Appointment
	// When is "lunedì 2 marzo 2026, 09:30–09:50".
	When string
}

// findBooking loads the calendar (:slug, which the user must work), the
// request named by the "richiesta" value and its appointment :booking in
// that calendar. Anything missing answers 404.
func (s *Server) findBooking(c echo.Context) (*bookingRef, error) {
	cal, err := s.findAgendaCalendar(c)
	if err != nil {
		return nil, err
	}
	notFound := modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "agenda.booking_not_found"))
	if s.cfg.Submissions == nil {
		return nil, notFound
	}
	sub, err := s.submissionByID(c, c.FormValue("richiesta"), notFound)
	if err != nil {
		return nil, err
	}
	for _, a := range sub.Appointments {
		if a.BookingID == c.Param("booking") && a.Calendar == cal.Slug {
			return &bookingRef{Cal: cal, Sub: sub, App: a,
				When: s.longDate(c, a.Start.In(cal.Location())) + ", " + s.slotTime(a.Start, a.End, cal.Location())}, nil
		}
	}
	return nil, notFound
}

// checkInStatus maps the posted "esito" to a booking status.
var checkInStatus = map[string]modulario.BookingStatus{
	"presentato":     modulario.BookingAttended,
	"non_presentato": modulario.BookingNoShow,
	"da_confermare":  modulario.BookingConfirmed,
}

// agendaCheckIn records whether the citizen came, then goes back to the
// agenda (the day and view posted with the buttons).
func (s *Server) agendaCheckIn(c echo.Context) error {
	ref, err := s.findBooking(c)
	if err != nil {
		return err
	}
	st, ok := checkInStatus[c.FormValue("esito")]
	if !ok {
		return modulario.Errorf(modulario.EINVALID, "%s", s.t(c, "agenda.err.outcome"))
	}
	u := userOf(c)
	_, err = s.cfg.Bookings.CheckIn(c.Request().Context(), ref.Sub.ID, ref.App.BookingID, st, u.ID, actorName(u))
	if code := modulario.ErrorCode(err); code == modulario.EINVALID || code == modulario.ECONFLICT {
		return modulario.Errorf(modulario.ECONFLICT, "%s", s.t(c, "agenda.err.check_in"))
	} else if err != nil {
		return err
	}
	s.audit(c, "appointment.check_in", "submission:"+strconv.FormatUint(ref.Sub.ID, 10),
		"request "+ref.Sub.Number+": booking "+ref.App.BookingID+" "+string(st))
	return s.redirect(c, s.returnURL(c, ref), "ok.agenda_checked_in")
}

// returnURL is the agenda page the action came from (posted "giorno" and
// "vista"), else the day of the booking.
func (s *Server) returnURL(c echo.Context, ref *bookingRef) string {
	loc := ref.Cal.Location()
	day := localDay(ref.App.Start, loc)
	if d, ok := modulario.ParseDay(c.FormValue("giorno")); ok {
		day = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	}
	return dayURL(ref.Cal.Slug, day, c.FormValue("vista"))
}

// moveView is the data of the staff slot picker.
type moveView struct {
	Ref     *bookingRef
	Base    string
	Request string
	// Days with free slots (step 1), or the free Times of Day (step 2).
	Day     string
	DayText string
	Days    []moveDay
	Times   []moveTime
	Message string
	Errs    map[string]string
}

// moveDay is a day with free places.
type moveDay struct {
	URL, Label string
	Free       int
}

// moveTime is a free slot of the chosen day.
type moveTime struct {
	ID, Value, Label string
	Checked          bool
}

// agendaMoveForm shows the days with free slots, then (?giorno=) the free
// times of that day.
func (s *Server) agendaMoveForm(c echo.Context) error {
	ref, err := s.findBooking(c)
	if err != nil {
		return err
	}
	return s.renderMove(c, http.StatusOK, ref, c.QueryParam("giorno"), "", nil)
}

// renderMove draws the slot picker for ref; day "" lists the days.
func (s *Server) renderMove(c echo.Context, status int, ref *bookingRef, day, message string, errs []FieldError) error {
	ctx := c.Request().Context()
	loc := ref.Cal.Location()
	now := s.cfg.Now()
	mv := &moveView{Ref: ref, Base: bookingURL(ref.Cal.Slug, ref.App.BookingID),
		Request: strconv.FormatUint(ref.Sub.ID, 10), Message: message, Errs: map[string]string{}}
	for _, e := range errs {
		mv.Errs[e.ID] = e.Message
	}
	st, err := s.cfg.Settings.Settings(ctx)
	if err != nil {
		return err
	}
	today := localDay(now, loc)
	q := modulario.SlotQuery{From: today, To: today.AddDate(0, 0, max(moveDays, ref.Cal.HorizonDays)+1), Now: now,
		Staff: true, Patron: st.PatronDay}
	d, dayOK := modulario.ParseDay(day)
	if dayOK {
		from := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		q.From, q.To = from, time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
		mv.Day, mv.DayText = day, s.longDate(c, from)
	}
	slots, err := s.cfg.Bookings.Availability(ctx, ref.Cal.Slug, q, "")
	if err != nil {
		return err
	}
	free := map[string]int{}
	var order []string
	for _, sl := range slots {
		if sl.Free() == 0 || sl.Start.Equal(ref.App.Start) && ref.App.Status.Active() {
			continue
		}
		if dayOK {
			v := sl.Start.Format(time.RFC3339)
			mv.Times = append(mv.Times, moveTime{ID: "inizio-" + strconv.Itoa(len(mv.Times)), Value: v,
				Label: s.t(c, "agenda.slot_free", s.slotTime(sl.Start, sl.End, loc), sl.Free()), Checked: v == c.FormValue("inizio")})
			continue
		}
		k := sl.Start.In(loc).Format("2006-01-02")
		if _, ok := free[k]; !ok {
			order = append(order, k)
		}
		free[k] += sl.Free()
	}
	for _, k := range order {
		dd, _ := modulario.ParseDay(k)
		local := time.Date(dd.Year(), dd.Month(), dd.Day(), 0, 0, 0, 0, loc)
		mv.Days = append(mv.Days, moveDay{URL: mv.Base + "/sposta?richiesta=" + mv.Request + "&giorno=" + k,
			Label: s.longDate(c, local), Free: free[k]})
	}
	v := s.view(c, s.t(c, "agenda.move_title", ref.Sub.Number), "agenda", mv)
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "agenda.title"), URL: agendaPath},
		Crumb{Label: ref.Cal.Name, URL: dayURL(ref.Cal.Slug, localDay(ref.App.Start, loc), "giorno")}, Crumb{Label: v.Title})
	v.Errors = errs
	return s.render(c, status, "agenda_move", v)
}

// agendaMove moves the booking to the chosen slot, with the citizen
// notified through Appointments.
func (s *Server) agendaMove(c echo.Context) error {
	ref, err := s.findBooking(c)
	if err != nil {
		return err
	}
	day, message := c.FormValue("giorno"), strings.TrimSpace(c.FormValue("messaggio"))
	start, perr := time.Parse(time.RFC3339, c.FormValue("inizio"))
	if perr != nil {
		return s.renderMove(c, http.StatusUnprocessableEntity, ref, day, message,
			[]FieldError{{ID: "inizio-0", Message: s.t(c, "agenda.err.choose_time")}})
	}
	if utf8.RuneCountInString(message) > maxCancelMessage {
		return s.renderMove(c, http.StatusUnprocessableEntity, ref, day, message,
			[]FieldError{{ID: "messaggio", Message: s.t(c, "agenda.err.message_long", maxCancelMessage)}})
	}
	u := userOf(c)
	ch := modulario.AppointmentChange{Actor: u.ID, ActorName: actorName(u), Message: message, Staff: true}
	ctx := c.Request().Context()
	if s.cfg.Appointments != nil {
		_, err = s.cfg.Appointments.Move(ctx, ref.Sub.ID, ref.App.BookingID, start, ch)
	} else {
		_, err = s.cfg.Bookings.MoveAppointment(ctx, ref.Sub.ID, ref.App.BookingID, start, ch)
	}
	switch modulario.ErrorCode(err) {
	case "":
	case modulario.ECONFLICT:
		return s.renderMove(c, http.StatusConflict, ref, day, message,
			[]FieldError{{ID: "inizio-0", Message: s.t(c, "agenda.err.slot_taken")}})
	case modulario.EINVALID:
		return s.renderMove(c, http.StatusUnprocessableEntity, ref, day, message,
			[]FieldError{{ID: "inizio-0", Message: s.t(c, "agenda.err.slot_invalid")}})
	default:
		return err
	}
	loc := ref.Cal.Location()
	s.audit(c, "appointment.move", "submission:"+strconv.FormatUint(ref.Sub.ID, 10),
		"request "+ref.Sub.Number+": booking "+ref.App.BookingID+" moved from "+ref.App.Start.In(loc).Format(time.RFC3339)+
			" to "+start.In(loc).Format(time.RFC3339))
	return s.redirect(c, dayURL(ref.Cal.Slug, localDay(start, loc), "giorno"), "ok.agenda_moved")
}

// cancelView is the data of the staff cancellation page.
type cancelView struct {
	Ref     *bookingRef
	Base    string
	Request string
	Message string
	Error   string
}

// agendaCancelForm asks for the message to the citizen.
func (s *Server) agendaCancelForm(c echo.Context) error {
	ref, err := s.findBooking(c)
	if err != nil {
		return err
	}
	return s.renderCancel(c, http.StatusOK, ref, "", nil)
}

func (s *Server) renderCancel(c echo.Context, status int, ref *bookingRef, message string, errs []FieldError) error {
	cv := &cancelView{Ref: ref, Base: bookingURL(ref.Cal.Slug, ref.App.BookingID),
		Request: strconv.FormatUint(ref.Sub.ID, 10), Message: message}
	for _, e := range errs {
		if e.ID == "messaggio" {
			cv.Error = e.Message
		}
	}
	v := s.view(c, s.t(c, "agenda.cancel_title", ref.Sub.Number), "agenda", cv)
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "agenda.title"), URL: agendaPath},
		Crumb{Label: ref.Cal.Name, URL: dayURL(ref.Cal.Slug, localDay(ref.App.Start, ref.Cal.Location()), "giorno")},
		Crumb{Label: v.Title})
	v.Errors = errs
	return s.render(c, status, "agenda_cancel", v)
}

// agendaCancel cancels the booking with a message to the citizen, who is
// notified through Appointments; the place is free at once.
func (s *Server) agendaCancel(c echo.Context) error {
	ref, err := s.findBooking(c)
	if err != nil {
		return err
	}
	message := strings.TrimSpace(c.FormValue("messaggio"))
	switch {
	case message == "":
		return s.renderCancel(c, http.StatusUnprocessableEntity, ref, message,
			[]FieldError{{ID: "messaggio", Message: s.t(c, "agenda.err.message_required")}})
	case utf8.RuneCountInString(message) > maxCancelMessage:
		return s.renderCancel(c, http.StatusUnprocessableEntity, ref, message,
			[]FieldError{{ID: "messaggio", Message: s.t(c, "agenda.err.message_long", maxCancelMessage)}})
	}
	u := userOf(c)
	ch := modulario.AppointmentChange{Actor: u.ID, ActorName: actorName(u), Message: message, Staff: true}
	ctx := c.Request().Context()
	if s.cfg.Appointments != nil {
		_, err = s.cfg.Appointments.Cancel(ctx, ref.Sub.ID, ref.App.BookingID, ch)
	} else {
		_, err = s.cfg.Bookings.CancelAppointment(ctx, ref.Sub.ID, ref.App.BookingID, ch)
	}
	if modulario.ErrorCode(err) == modulario.ECONFLICT {
		return s.renderCancel(c, http.StatusConflict, ref, message, []FieldError{{Message: s.t(c, "agenda.err.not_active")}})
	} else if err != nil {
		return err
	}
	s.audit(c, "appointment.cancel", "submission:"+strconv.FormatUint(ref.Sub.ID, 10),
		"request "+ref.Sub.Number+": booking "+ref.App.BookingID+" cancelled")
	return s.redirect(c, s.returnURL(c, ref), "ok.agenda_cancelled")
}
