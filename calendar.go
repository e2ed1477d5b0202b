package modulario

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// CalendarKind says where appointments of a calendar take place.
type CalendarKind string

// Calendar kinds.
const (
	// CalendarPlace: at a counter (sportello) with an address.
	CalendarPlace CalendarKind = "place"
	// CalendarVideo: by video call; VideoInfo tells the citizen how.
	CalendarVideo CalendarKind = "video"
)

// Interval is a span of opening hours in the calendar's local time, "HH:MM"
// to "HH:MM" (Start before End, same day).
type Interval struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Closure is a day or a range of days (both included, "YYYY-MM-DD") when
// a calendar takes no appointments: a holiday, a strike, summer closing.
type Closure struct {
	From string `json:"from"`
	// To is the last closed day; empty means the same day as From.
	To     string `json:"to,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Opening is a one-off extra opening on a date ("YYYY-MM-DD"): its
// intervals replace the weekday's hours that day and win over closures
// and holidays.
type Opening struct {
	Date      string     `json:"date"`
	Intervals []Interval `json:"intervals"`
	Reason    string     `json:"reason,omitempty"`
}

// Calendar is a bookable agenda of one office: a counter at a place, or a
// video-call desk. Its slots come from the weekly hours, cut into slots of
// SlotMinutes, each with Capacity places (the number of counters), minus
// closures and holidays, plus extra openings (see Calendar.Slots).
type Calendar struct {
	Slug   string       `json:"slug"`
	Name   string       `json:"name"`
	Office string       `json:"office"`
	Kind   CalendarKind `json:"kind"`
	// Place is the name of the counter's place ("Sede centrale");
	// Address its street address. Both are for CalendarPlace.
	Place   string `json:"place,omitempty"`
	Address string `json:"address,omitempty"`
	// VideoInfo (Markdown) tells the citizen how the video call works.
	VideoInfo string `json:"video_info,omitempty"`
	// Bring (Markdown) is what to bring, shown on the receipt and in
	// e-mails; empty falls back to the form's requirements.
	Bring string `json:"bring,omitempty"`
	// Hours are the opening intervals per weekday, indexed by time.Weekday
	// (0 Sunday … 6 Saturday).
	Hours [7][]Interval `json:"hours"`
	// SlotMinutes is the length of a slot (5–480).
	SlotMinutes int `json:"slot_minutes"`
	// Capacity is the number of appointments per slot (1–100).
	Capacity int `json:"capacity"`
	// NoticeHours is the minimum notice: slots starting sooner than this
	// from now cannot be booked (0–720).
	NoticeHours int `json:"notice_hours"`
	// HorizonDays is how many days ahead slots can be booked (1–730),
	// counted in whole local days from today.
	HorizonDays int `json:"horizon_days"`
	// ChangeHours: citizens may cancel or move an appointment until this
	// many hours before it starts (0–720).
	ChangeHours int `json:"change_hours"`
	// RemindHours, when positive, sends a second reminder this many hours
	// before the appointment, besides the one the day before (0–72).
	RemindHours int       `json:"remind_hours,omitempty"`
	Closures    []Closure `json:"closures,omitempty"`
	Openings    []Opening `json:"openings,omitempty"`
	// OpenOnHolidays keeps the calendar open on national holidays and the
	// patron saint's day (closed by default).
	OpenOnHolidays bool `json:"open_on_holidays,omitempty"`
	// Timezone is an IANA zone; empty means Europe/Rome.
	Timezone  string    `json:"timezone,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Location returns the calendar's time zone (Europe/Rome by default, UTC
// if the zone database is missing, which cmd/modulario prevents by
// embedding time/tzdata).
func (c *Calendar) Location() *time.Location {
	name := c.Timezone
	if name == "" {
		name = "Europe/Rome"
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = time.UTC
	}
	zones.Store(name, loc)
	return loc
}

// zones caches loaded time zones by name: LoadLocation reads and parses
// the zone database on every call, and slots are computed per day.
var zones sync.Map

// Where is the place line of an appointment: "Sede centrale, Piazza del
// Municipio 1", or the calendar's name for a video call.
func (c *Calendar) Where() string {
	if c.Kind == CalendarVideo {
		return c.Name
	}
	return strings.Join(nonBlank(c.Place, c.Address), ", ")
}

func nonBlank(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

var (
	clockRE    = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	monthDayRE = regexp.MustCompile(`^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`)
)

// Validate checks a calendar and returns EINVALID with Fields keyed by
// JSON pointer ("/hours/1/0/start", "/closures/2/from") naming every
// problem (messages in English; the editor translates by pointer).
func (c *Calendar) Validate() error {
	f := map[string]string{}
	if len(c.Slug) > 60 || !ValidSlug(c.Slug) {
		f["/slug"] = "must be lowercase letters, digits and single hyphens (at most 60)"
	}
	if strings.TrimSpace(c.Name) == "" || len(c.Name) > 200 {
		f["/name"] = "is required (at most 200 characters)"
	}
	if c.Office == "" {
		f["/office"] = "is required"
	}
	switch c.Kind {
	case CalendarPlace:
		if strings.TrimSpace(c.Place) == "" && strings.TrimSpace(c.Address) == "" {
			f["/address"] = "a counter calendar needs a place or an address"
		}
	case CalendarVideo:
	default:
		f["/kind"] = `must be "place" or "video"`
	}
	if c.Timezone != "" {
		if _, err := time.LoadLocation(c.Timezone); err != nil {
			f["/timezone"] = "is not a known time zone"
		}
	}
	if c.SlotMinutes < 5 || c.SlotMinutes > 480 {
		f["/slot_minutes"] = "must be between 5 and 480"
	}
	if c.Capacity < 1 || c.Capacity > 100 {
		f["/capacity"] = "must be between 1 and 100"
	}
	if c.NoticeHours < 0 || c.NoticeHours > 720 {
		f["/notice_hours"] = "must be between 0 and 720"
	}
	if c.HorizonDays < 1 || c.HorizonDays > 730 {
		f["/horizon_days"] = "must be between 1 and 730"
	}
	if c.ChangeHours < 0 || c.ChangeHours > 720 {
		f["/change_hours"] = "must be between 0 and 720"
	}
	if c.RemindHours < 0 || c.RemindHours > 72 {
		f["/remind_hours"] = "must be between 0 and 72"
	}
	for d, list := range c.Hours {
		validIntervals(f, fmt.Sprintf("/hours/%d", d), list)
	}
	for i, cl := range c.Closures {
		p := fmt.Sprintf("/closures/%d", i)
		from, ok := ParseDay(cl.From)
		if !ok {
			f[p+"/from"] = "must be a date YYYY-MM-DD"
		}
		if cl.To != "" {
			if to, ok2 := ParseDay(cl.To); !ok2 {
				f[p+"/to"] = "must be a date YYYY-MM-DD"
			} else if ok && to.Before(from) {
				f[p+"/to"] = "must not be before the first day"
			}
		}
	}
	for i, o := range c.Openings {
		p := fmt.Sprintf("/openings/%d", i)
		if _, ok := ParseDay(o.Date); !ok {
			f[p+"/date"] = "must be a date YYYY-MM-DD"
		}
		if len(o.Intervals) == 0 {
			f[p+"/intervals"] = "needs at least one interval"
		}
		validIntervals(f, p+"/intervals", o.Intervals)
	}
	if len(f) > 0 {
		return &Error{Code: EINVALID, Message: "The calendar is not valid.", Fields: f}
	}
	return nil
}

// validIntervals checks that each interval is well formed and that they do
// not overlap.
func validIntervals(f map[string]string, base string, list []Interval) {
	type span struct{ a, b, i int }
	var spans []span
	for i, iv := range list {
		p := fmt.Sprintf("%s/%d", base, i)
		a, okA := ParseClock(iv.Start)
		b, okB := ParseClock(iv.End)
		if !okA {
			f[p+"/start"] = "must be a time HH:MM"
		}
		if !okB {
			f[p+"/end"] = "must be a time HH:MM"
		}
		if okA && okB {
			if b <= a {
				f[p+"/end"] = "must be after the start"
			} else {
				spans = append(spans, span{a, b, i})
			}
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].a < spans[j].a })
	for k := 1; k < len(spans); k++ {
		if spans[k].a < spans[k-1].b {
			f[fmt.Sprintf("%s/%d/start", base, spans[k].i)] = "overlaps another interval"
		}
	}
}

// ParseClock reads "HH:MM" as minutes after midnight.
func ParseClock(s string) (int, bool) {
	if !clockRE.MatchString(s) {
		return 0, false
	}
	return int(s[0]-'0')*600 + int(s[1]-'0')*60 + int(s[3]-'0')*10 + int(s[4]-'0'), true
}

// ParseDay reads "YYYY-MM-DD" as midnight UTC of that date (a civil date,
// no zone).
func ParseDay(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

// ValidMonthDay reports whether s is "MM-DD" naming a real day of some
// year (a patron saint's day): "02-29" yes, "02-30" no.
func ValidMonthDay(s string) bool {
	if !monthDayRE.MatchString(s) {
		return false
	}
	_, err := time.Parse("2006-01-02", "2024-"+s) // a leap year
	return err == nil
}

// CalendarService stores calendars.
type CalendarService interface {
	// FindCalendar returns a calendar by slug. Returns ENOTFOUND.
	FindCalendar(ctx context.Context, slug string) (*Calendar, error)
	// ListCalendars returns every calendar ordered by name.
	ListCalendars(ctx context.Context) ([]*Calendar, error)
	// SaveCalendar creates or replaces the calendar with c.Slug (Validate,
	// and the office must exist). Existing bookings are never dropped:
	// bookings that no longer fit the new hours are reported by
	// BookingService.AffectedBookings. Returns EINVALID.
	SaveCalendar(ctx context.Context, c *Calendar) error
	// DeleteCalendar removes a calendar. Returns ENOTFOUND, or ECONFLICT
	// while it has confirmed bookings in the future.
	DeleteCalendar(ctx context.Context, slug string) error
}
