package modulario

import (
	"time"
)

// SlotTime is one slot of a calendar: [Start, End) in the calendar's zone.
type SlotTime struct {
	Start time.Time
	End   time.Time
}

// SlotQuery selects the slots of a calendar.
type SlotQuery struct {
	// From and To bound the slot starts: From ≤ Start < To.
	From, To time.Time
	// Now is the booking moment: slots starting before Now+NoticeHours or
	// on a local day after today+HorizonDays are left out. Zero Now (or
	// Staff) ignores notice and horizon; past slots are always left out
	// when Now is set.
	Now time.Time
	// Staff ignores notice and horizon but not the past (operators moving
	// a booking may use tomorrow's first slot).
	Staff bool
	// Patron is the comune's patron saint's day "MM-DD" (Settings), a
	// holiday like the national ones; empty for none.
	Patron string
}

// Slots returns the calendar's slots matching q in time order. Slots are
// cut in wall-clock time from each interval's start: on the days clocks
// change (Europe/Rome, last Sunday of March and October) a 09:00 slot is
// still at 09:00, and a slot whose wall-clock start does not exist (02:30
// when clocks jump to 03:00) is skipped. A slot must end within its
// interval. A date is closed when a closure covers it or, unless
// OpenOnHolidays, it is a holiday (ItalianHoliday or Patron); an Opening
// on that date replaces the weekday's hours and wins over both.
func (c *Calendar) Slots(q SlotQuery) []SlotTime {
	if c.SlotMinutes <= 0 || !q.From.Before(q.To) {
		return nil
	}
	loc := c.Location()
	from, to := q.From, q.To
	if !q.Now.IsZero() {
		if from.Before(q.Now) {
			from = q.Now
		}
		if !q.Staff {
			if earliest := q.Now.Add(time.Duration(c.NoticeHours) * time.Hour); from.Before(earliest) {
				from = earliest
			}
			ny, nm, nd := q.Now.In(loc).Date()
			if last := time.Date(ny, nm, nd+c.HorizonDays+1, 0, 0, 0, 0, loc); to.After(last) {
				to = last
			}
		}
	}
	if !from.Before(to) {
		return nil
	}
	var out []SlotTime
	fy, fm, fd := from.In(loc).Date()
	for day := 0; ; day++ {
		date := time.Date(fy, fm, fd+day, 0, 0, 0, 0, loc)
		if !date.Before(to) {
			break
		}
		for _, iv := range c.intervalsOn(date, q.Patron) {
			a, _ := ParseClock(iv.Start)
			b, _ := ParseClock(iv.End)
			y, m, d := date.Date()
			for start := a; start+c.SlotMinutes <= b; start += c.SlotMinutes {
				s := time.Date(y, m, d, start/60, start%60, 0, 0, loc)
				if s.Hour() != start/60 || s.Minute() != start%60 {
					continue // this wall-clock time does not exist today
				}
				if s.Before(from) || !s.Before(to) {
					continue
				}
				out = append(out, SlotTime{Start: s, End: s.Add(time.Duration(c.SlotMinutes) * time.Minute)})
			}
		}
	}
	return out
}

// SlotAt returns the slot starting exactly at start if the calendar offers
// it under q (q.From and q.To are ignored).
func (c *Calendar) SlotAt(start time.Time, q SlotQuery) (SlotTime, bool) {
	q.From, q.To = start, start.Add(time.Minute)
	for _, s := range c.Slots(q) {
		if s.Start.Equal(start) {
			return s, true
		}
	}
	return SlotTime{}, false
}

// intervalsOn returns the opening intervals of the local date (midnight in
// the calendar's zone).
func (c *Calendar) intervalsOn(date time.Time, patron string) []Interval {
	day := date.Format("2006-01-02")
	for _, o := range c.Openings {
		if o.Date == day {
			return o.Intervals
		}
	}
	if reason := c.ClosedReason(date, patron); reason != "" {
		return nil
	}
	return c.Hours[date.Weekday()]
}

// ClosedReason says why the calendar is closed on the local date of t
// (a closure's reason or "closure", a holiday's Italian name), or "" when
// it is not closed for a closure or a holiday (it may still have no hours
// that weekday).
func (c *Calendar) ClosedReason(t time.Time, patron string) string {
	day := t.In(c.Location()).Format("2006-01-02")
	for _, cl := range c.Closures {
		to := cl.To
		if to == "" {
			to = cl.From
		}
		if cl.From <= day && day <= to {
			if cl.Reason != "" {
				return cl.Reason
			}
			return "closure"
		}
	}
	if c.OpenOnHolidays {
		return ""
	}
	if name := ItalianHoliday(day); name != "" {
		return name
	}
	if patron != "" && day[5:] == patron {
		return "Santo patrono"
	}
	return ""
}

// Easter returns the date of Easter Sunday in the Gregorian calendar
// (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher").
func Easter(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// italianFixedHolidays are the national holidays with a fixed date
// (L. 260/1949 and later laws), by "MM-DD".
var italianFixedHolidays = map[string]string{
	"01-01": "Capodanno",
	"01-06": "Epifania",
	"04-25": "Festa della Liberazione",
	"05-01": "Festa del Lavoro",
	"06-02": "Festa della Repubblica",
	"08-15": "Ferragosto",
	"11-01": "Ognissanti",
	"12-08": "Immacolata Concezione",
	"12-25": "Natale",
	"12-26": "Santo Stefano",
}

// ItalianHoliday returns the Italian name of the national holiday on day
// ("YYYY-MM-DD"), including Easter Sunday and Easter Monday ("Lunedì
// dell'Angelo"), or "" for a working day. (St Francis' day, 4 October,
// becomes a national holiday again from 2026.)
func ItalianHoliday(day string) string {
	t, ok := ParseDay(day)
	if !ok {
		return ""
	}
	if name := italianFixedHolidays[day[5:]]; name != "" {
		return name
	}
	if day[5:] == "10-04" && t.Year() >= 2026 {
		return "San Francesco d'Assisi"
	}
	easter := Easter(t.Year())
	switch {
	case t.Equal(easter):
		return "Pasqua"
	case t.Equal(easter.AddDate(0, 0, 1)):
		return "Lunedì dell'Angelo"
	}
	return ""
}
