package renderer

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
	"github.com/modulario/modulario/web"
)

// pickHint tells the picker of a step which day to show again and which
// nearest free slots to offer after the citizen's slot was refused.
type pickHint struct {
	calendar, day string
	alternatives  []modulario.Slot
}

// Outcomes of a refused appointment carried to the step page (?esito=).
const (
	refusedTaken       = "occupato"        // booked by someone else meanwhile
	refusedNotBookable = "non-prenotabile" // no longer offered (past, closed)
	refusedUnavailable = "non-disponibile" // online booking is off
)

// withoutAppointments drops appointment fields: the picker draws them.
func withoutAppointments(fields []*schemas.Field) []*schemas.Field {
	var out []*schemas.Field
	for _, f := range fields {
		if !isAppointment(f) {
			out = append(out, f)
		}
	}
	return out
}

// stepPicker builds the picker of step n's appointment field fl. raw are
// the values just posted (a refused choice stays checked).
func (s *Server) stepPicker(c echo.Context, ss *session, n int, fl *schemas.Field, raw url.Values, errMsg string) (*pickerView, error) {
	answer, _ := getPointer(ss.Data, fl.Pointer)
	chosen, _ := answer.(string)
	in := pickerInput{
		label: fl.Label, id: htmlID(fl.Pointer), name: fl.Pointer, required: fl.Required,
		calendars: fl.Calendars, holder: modulario.DraftHolder(ss.Draft.Token), base: ss.stepPath(n),
		chosen: chosen, selected: chosen, err: errMsg,
	}
	if posted := raw[fl.Pointer]; len(posted) > 0 {
		in.selected = strings.TrimSpace(posted[len(posted)-1])
		if cal, start, err := modulario.ParseAppointmentValue(in.selected); err == nil {
			in.calendar, in.day = cal, start.Format("2006-01-02")
		}
	}
	if h := ss.pick; h != nil {
		in.calendar, in.day, in.alternatives = h.calendar, h.day, h.alternatives
	}
	return s.buildPicker(c, in)
}

// holdAppointment holds the slot answered on step n for the draft, until
// now + HoldDuration. When the slot cannot be held it returns the
// citizen's error and the status to answer with, and puts back the
// answer the draft had before (the refused one is not kept).
func (s *Server) holdAppointment(c echo.Context, ss *session, n int, pruned, before map[string]any) (*schemas.FieldError, int, error) {
	fl := stepAppointment(ss.Form, n)
	if fl == nil {
		return nil, 0, nil
	}
	calSlug, start, ok := appointmentAnswer(pruned, fl.Pointer)
	if !ok {
		return nil, 0, nil
	}
	lang := langOf(c)
	refuse := func(status int, m string) (*schemas.FieldError, int, error) {
		if old, ok := getPointer(before, fl.Pointer); ok {
			schemas.SetPointer(ss.Data, fl.Pointer, old)
		} else {
			schemas.DeletePointer(ss.Data, fl.Pointer)
		}
		return &schemas.FieldError{Pointer: fl.Pointer, Message: m}, status, nil
	}
	if !s.bookingOn() {
		return refuse(http.StatusUnprocessableEntity, msg.T(lang, "booking.unavailable"))
	}
	if !offers(fl, calSlug) {
		return refuse(http.StatusUnprocessableEntity, msg.T(lang, "booking.not_bookable"))
	}
	if ss.Draft.Preview {
		return nil, 0, nil // a staff preview never takes a place
	}
	ctx := c.Request().Context()
	now := s.cfg.Now()
	// Holding again the slot the draft already has does not count.
	oldCal, oldStart, had := appointmentAnswer(before, fl.Pointer)
	again := had && oldCal == calSlug && oldStart.Equal(start)
	holdKey := ss.Draft.Token + "|" + fl.Pointer + "|" + modulario.AppointmentValue(calSlug, start)
	if !again && !s.holds.allow(c.RealIP(), holdKey, now) {
		return refuse(http.StatusTooManyRequests, msg.T(lang, "booking.too_many_holds"))
	}
	_, err := s.cfg.Bookings.HoldSlot(ctx, modulario.Hold{
		Calendar: calSlug, Start: start, Holder: modulario.DraftHolder(ss.Draft.Token),
		Field: fl.Pointer, Until: now.Add(modulario.HoldDuration),
	}, now)
	switch modulario.ErrorCode(err) {
	case "":
		return nil, 0, nil
	case modulario.ENOTFOUND, modulario.EINVALID:
		return refuse(http.StatusUnprocessableEntity, msg.T(lang, "booking.not_bookable"))
	case modulario.ECONFLICT:
		cal, err := s.calendar(ctx, calSlug)
		if err != nil {
			return nil, 0, err
		}
		alts, err := s.nearest(ctx, calSlug, start)
		if err != nil {
			return nil, 0, err
		}
		local := start.In(calendarLoc(cal))
		ss.pick = &pickHint{calendar: calSlug, day: local.Format("2006-01-02"), alternatives: alts}
		return refuse(http.StatusConflict, msg.T(lang, "booking.taken", schemas.Clock(local), shortDay(lang, local)))
	}
	return nil, 0, err
}

// Hold limits: slot holds per client address on the form steps.
const (
	holdWindow        = 10 * time.Minute
	defaultHoldsPerIP = 10
)

// holdLimiter counts the slot holds (and, as draftLimiter, the drafts
// started) of each client address in memory (web.Window); a nil limiter
// allows everything.
type holdLimiter struct {
	mu    sync.Mutex
	max   int
	holds *web.Window
}

// newHoldLimiter allows max holds per address in holdWindow; nil when max
// is negative (no limit).
func newHoldLimiter(max int) *holdLimiter {
	if max < 0 {
		return nil
	}
	return &holdLimiter{max: max, holds: web.NewWindow(holdWindow, maxLookupKeys)}
}

// allow reports whether ip may take the hold key (draft, field and slot)
// at now, and records it if so. A key already taken in the window (the
// same slot posted again for the same draft) is allowed without counting;
// refused attempts do not count either. An empty key counts every call.
func (l *holdLimiter) allow(ip, key string, now time.Time) bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if key != "" && l.holds.Count("h:"+key, now) > 0 {
		return true
	}
	if l.holds.Count("i:"+ip, now) >= l.max {
		return false
	}
	if key == "" {
		l.holds.Add(now, "i:"+ip)
	} else {
		l.holds.Add(now, "i:"+ip, "h:"+key)
	}
	return true
}

// refusalFromURL reads the outcome a refused final submission or review
// sent the citizen back with (?esito=…&calendario=…&giorno=…&ora=HH:MM)
// and prepares the picker: the same day and the nearest free slots.
func (s *Server) refusalFromURL(c echo.Context, ss *session, fl *schemas.Field) (*schemas.FieldError, error) {
	lang := langOf(c)
	var key string
	switch c.QueryParam("esito") {
	case refusedTaken:
		key = "booking.taken_meanwhile"
	case refusedNotBookable:
		key = "booking.not_bookable_now"
	case refusedUnavailable:
		key = "booking.unavailable"
	default:
		return nil, nil
	}
	fe := &schemas.FieldError{Pointer: fl.Pointer, Message: msg.T(lang, key)}
	calSlug := c.QueryParam("calendario")
	if !s.bookingOn() || !offers(fl, calSlug) {
		return fe, nil
	}
	ctx := c.Request().Context()
	cal, err := s.calendar(ctx, calSlug)
	if err != nil || cal == nil {
		return fe, err
	}
	day, ok := modulario.ParseDay(c.QueryParam("giorno"))
	if !ok {
		return fe, nil
	}
	mins, _ := modulario.ParseClock(c.QueryParam("ora"))
	around := time.Date(day.Year(), day.Month(), day.Day(), mins/60, mins%60, 0, 0, cal.Location())
	alts, err := s.nearest(ctx, calSlug, around)
	if err != nil {
		return nil, err
	}
	ss.pick = &pickHint{calendar: calSlug, day: day.Format("2006-01-02"), alternatives: alts}
	return fe, nil
}

// refusedPath is the step page of appointment field ptr telling why the
// slot calSlug@start was refused.
func refusedPath(ss *session, ptr, outcome, calSlug string, start time.Time) string {
	n := ss.Form.StepOf(ptr)
	q := url.Values{"esito": {outcome}}
	if calSlug != "" && !start.IsZero() {
		q.Set("calendario", calSlug)
		q.Set("giorno", start.Format("2006-01-02"))
		q.Set("ora", start.Format("15:04"))
	}
	return ss.stepPath(n) + "?" + q.Encode()
}

// forgetAnswer drops a refused appointment answer from the draft, so that
// the citizen must choose again.
func (s *Server) forgetAnswer(c echo.Context, ss *session, ptr string) error {
	schemas.DeletePointer(ss.Data, ptr)
	return s.save(c, ss)
}

// refreshHolds holds the draft's answered slots again for HoldDuration
// when the citizen reaches the review, and returns when the first hold
// ends. A slot that cannot be held any more (taken after its hold
// expired, no longer offered) is dropped from the draft and back is the
// step to choose again.
func (s *Server) refreshHolds(c echo.Context, ss *session, pruned map[string]any) (until time.Time, back string, err error) {
	ctx := c.Request().Context()
	now := s.cfg.Now()
	for _, fl := range appointmentFields(ss.Form) {
		calSlug, start, ok := appointmentAnswer(pruned, fl.Pointer)
		if !ok {
			continue
		}
		outcome := ""
		switch {
		case !s.bookingOn():
			outcome = refusedUnavailable
		case !offers(fl, calSlug):
			outcome = refusedNotBookable
		case ss.Draft.Preview:
			continue
		default:
			b, err := s.cfg.Bookings.HoldSlot(ctx, modulario.Hold{
				Calendar: calSlug, Start: start, Holder: modulario.DraftHolder(ss.Draft.Token),
				Field: fl.Pointer, Until: now.Add(modulario.HoldDuration),
			}, now)
			switch modulario.ErrorCode(err) {
			case "":
				if until.IsZero() || b.ExpiresAt.Before(until) {
					until = b.ExpiresAt
				}
				continue
			case modulario.ECONFLICT:
				outcome = refusedTaken
			case modulario.EINVALID, modulario.ENOTFOUND:
				outcome = refusedNotBookable
			default:
				return time.Time{}, "", err
			}
		}
		if err := s.forgetAnswer(c, ss, fl.Pointer); err != nil {
			return time.Time{}, "", err
		}
		return time.Time{}, refusedPath(ss, fl.Pointer, outcome, calSlug, start), nil
	}
	return until, "", nil
}

// draftAppointments are the appointments a request made from answers
// data books, for CreateSubmission to confirm. back is the step to send
// the citizen to when an answer names a calendar its field does not offer
// or booking is off.
func (s *Server) draftAppointments(ss *session, data map[string]any) ([]modulario.Appointment, string) {
	var out []modulario.Appointment
	for _, fl := range appointmentFields(ss.Form) {
		calSlug, start, ok := appointmentAnswer(data, fl.Pointer)
		if !ok {
			continue
		}
		if !s.bookingOn() {
			return nil, refusedPath(ss, fl.Pointer, refusedUnavailable, "", time.Time{})
		}
		if !offers(fl, calSlug) {
			return nil, refusedPath(ss, fl.Pointer, refusedNotBookable, "", time.Time{})
		}
		out = append(out, modulario.Appointment{Field: fl.Pointer, Calendar: calSlug, Start: start,
			Name: citizenName(data)})
	}
	return out, ""
}

// citizenName is "nome cognome" from the answers, for the agenda.
func citizenName(data map[string]any) string {
	var parts []string
	for _, k := range []string{"nome", "cognome"} {
		if v, ok := data[k].(string); ok && strings.TrimSpace(v) != "" {
			parts = append(parts, strings.TrimSpace(v))
		}
	}
	return strings.Join(parts, " ")
}

// refusedAppointment maps a CreateSubmission error about an appointment
// (ECONFLICT or EINVALID naming an appointment field) to the field and
// outcome; ok false for any other error.
func refusedAppointment(f *schemas.Form, err error) (fl *schemas.Field, outcome string, ok bool) {
	code := modulario.ErrorCode(err)
	if code != modulario.ECONFLICT && code != modulario.EINVALID {
		return nil, "", false
	}
	for ptr := range modulario.ErrorFields(err) {
		if fl := f.FieldAt(ptr); isAppointment(fl) {
			if code == modulario.ECONFLICT {
				return fl, refusedTaken, true
			}
			return fl, refusedNotBookable, true
		}
	}
	return nil, "", false
}

// nearest returns up to 3 free slots near start, none when booking is off.
func (s *Server) nearest(ctx context.Context, calSlug string, start time.Time) ([]modulario.Slot, error) {
	if s.cfg.Bookings == nil {
		return nil, nil
	}
	return s.cfg.Bookings.NearestFree(ctx, calSlug, start, s.cfg.Now(), 3)
}
