package modulario

import (
	"strings"
	"testing"
	"time"
)

var testRome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return loc
}()

// rome returns the date at hh:mm in Europe/Rome.
func rome(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, testRome)
}

// everyDay returns a calendar open every day of the week with intervals.
func everyDay(intervals ...Interval) *Calendar {
	c := &Calendar{Slug: "sede-centrale", Name: "Sede centrale", Office: "anagrafe", Kind: CalendarPlace,
		Place: "Sede centrale", SlotMinutes: 30, Capacity: 1, HorizonDays: 60}
	for d := range c.Hours {
		c.Hours[d] = intervals
	}
	return c
}

// starts formats the slot starts as "2006-01-02T15:04-07:00", joined by
// spaces.
func starts(slots []SlotTime) string {
	var out []string
	for _, s := range slots {
		out = append(out, s.Start.Format("2006-01-02T15:04Z07:00"))
	}
	return strings.Join(out, " ")
}

// day queries the slots of the local date in Rome.
func day(y int, m time.Month, d int) SlotQuery {
	return SlotQuery{From: rome(y, m, d, 0, 0), To: rome(y, m, d+1, 0, 0)}
}

func TestSlots(t *testing.T) {
	morning := Interval{Start: "09:00", End: "10:00"}
	tests := []struct {
		name string
		cal  func() *Calendar
		q    SlotQuery
		want string
	}{
		{"several intervals a day",
			func() *Calendar { return everyDay(Interval{"09:00", "10:00"}, Interval{"15:00", "16:00"}) },
			day(2026, 3, 10), "2026-03-10T09:00+01:00 2026-03-10T09:30+01:00 2026-03-10T15:00+01:00 2026-03-10T15:30+01:00"},
		{"a slot must end within its interval",
			func() *Calendar { return everyDay(Interval{"09:00", "10:45"}) },
			day(2026, 3, 10), "2026-03-10T09:00+01:00 2026-03-10T09:30+01:00 2026-03-10T10:00+01:00"},
		{"slot length 45 minutes",
			func() *Calendar { c := everyDay(Interval{"09:00", "11:00"}); c.SlotMinutes = 45; return c },
			day(2026, 3, 10), "2026-03-10T09:00+01:00 2026-03-10T09:45+01:00"},
		{"weekday without hours",
			func() *Calendar { c := everyDay(morning); c.Hours[time.Tuesday] = nil; return c },
			day(2026, 3, 10), ""},
		{"single-day closure",
			func() *Calendar { c := everyDay(morning); c.Closures = []Closure{{From: "2026-03-10"}}; return c },
			day(2026, 3, 10), ""},
		{"range closure, both ends included",
			func() *Calendar {
				c := everyDay(morning)
				c.Closures = []Closure{{From: "2026-03-10", To: "2026-03-12", Reason: "Trasloco"}}
				return c
			},
			SlotQuery{From: rome(2026, 3, 9, 9, 30), To: rome(2026, 3, 13, 9, 30)},
			"2026-03-09T09:30+01:00 2026-03-13T09:00+01:00"},
		{"Capodanno is closed",
			func() *Calendar { return everyDay(morning) }, day(2026, 1, 1), ""},
		{"Festa della Liberazione is closed",
			func() *Calendar { return everyDay(morning) }, day(2026, 4, 25), ""},
		{"Easter Monday 2026 is closed",
			func() *Calendar { return everyDay(morning) }, day(2026, 4, 6), ""},
		{"Easter Monday 2027 is closed",
			func() *Calendar { return everyDay(morning) }, day(2027, 3, 29), ""},
		{"the Tuesday after Easter is open",
			func() *Calendar { return everyDay(morning) }, day(2026, 4, 7), "2026-04-07T09:00+02:00 2026-04-07T09:30+02:00"},
		{"an extra opening wins over a holiday",
			func() *Calendar {
				c := everyDay(morning)
				c.Openings = []Opening{{Date: "2026-04-25", Intervals: []Interval{{"10:00", "11:00"}}}}
				return c
			},
			day(2026, 4, 25), "2026-04-25T10:00+02:00 2026-04-25T10:30+02:00"},
		{"an extra opening wins over a closure and replaces the hours",
			func() *Calendar {
				c := everyDay(morning)
				c.Closures = []Closure{{From: "2026-03-01", To: "2026-03-31"}}
				c.Openings = []Opening{{Date: "2026-03-10", Intervals: []Interval{{"16:00", "16:30"}}}}
				return c
			},
			day(2026, 3, 10), "2026-03-10T16:00+01:00"},
		{"patron day is closed",
			func() *Calendar { return everyDay(morning) },
			func() SlotQuery { q := day(2026, 6, 24); q.Patron = "06-24"; return q }(), ""},
		{"without a patron the same day is open",
			func() *Calendar { return everyDay(morning) },
			day(2026, 6, 24), "2026-06-24T09:00+02:00 2026-06-24T09:30+02:00"},
		{"open on holidays",
			func() *Calendar { c := everyDay(morning); c.OpenOnHolidays = true; return c },
			func() SlotQuery { q := day(2026, 1, 1); q.Patron = "01-01"; return q }(),
			"2026-01-01T09:00+01:00 2026-01-01T09:30+01:00"},
		{"open on holidays still honours closures",
			func() *Calendar {
				c := everyDay(morning)
				c.OpenOnHolidays = true
				c.Closures = []Closure{{From: "2026-01-01"}}
				return c
			},
			day(2026, 1, 1), ""},
		{"DST starts: 09:00 stays 09:00 local",
			func() *Calendar { return everyDay(Interval{"09:00", "09:30"}) },
			SlotQuery{From: rome(2026, 3, 28, 0, 0), To: rome(2026, 3, 30, 0, 0)},
			"2026-03-28T09:00+01:00 2026-03-29T09:00+02:00"},
		{"DST starts: the missing hour is skipped",
			func() *Calendar { return everyDay(Interval{"01:00", "04:00"}) },
			day(2026, 3, 29),
			"2026-03-29T01:00+01:00 2026-03-29T01:30+01:00 2026-03-29T03:00+02:00 2026-03-29T03:30+02:00"},
		{"DST ends: 09:00 stays 09:00 local",
			func() *Calendar { return everyDay(Interval{"09:00", "09:30"}) },
			SlotQuery{From: rome(2026, 10, 24, 0, 0), To: rome(2026, 10, 26, 0, 0)},
			"2026-10-24T09:00+02:00 2026-10-25T09:00+01:00"},
		{"notice cuts today's slots",
			func() *Calendar { c := everyDay(Interval{"09:00", "12:00"}); c.NoticeHours = 2; return c },
			func() SlotQuery { q := day(2026, 3, 10); q.Now = rome(2026, 3, 10, 8, 40); return q }(),
			"2026-03-10T11:00+01:00 2026-03-10T11:30+01:00"},
		{"past slots are left out",
			func() *Calendar { return everyDay(Interval{"09:00", "10:30"}) },
			func() SlotQuery { q := day(2026, 3, 10); q.Now = rome(2026, 3, 10, 9, 10); return q }(),
			"2026-03-10T09:30+01:00 2026-03-10T10:00+01:00"},
		{"horizon in local days",
			func() *Calendar { c := everyDay(Interval{"09:00", "09:30"}); c.HorizonDays = 2; return c },
			SlotQuery{From: rome(2026, 3, 1, 0, 0), To: rome(2026, 3, 31, 0, 0), Now: rome(2026, 3, 10, 8, 0)},
			"2026-03-10T09:00+01:00 2026-03-11T09:00+01:00 2026-03-12T09:00+01:00"},
		{"horizon counts from the local date, not the UTC one",
			func() *Calendar { c := everyDay(Interval{"09:00", "09:30"}); c.HorizonDays = 1; return c },
			// 23:30 UTC on 10 March is already 11 March in Rome.
			SlotQuery{From: rome(2026, 3, 1, 0, 0), To: rome(2026, 3, 31, 0, 0),
				Now: time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)},
			"2026-03-11T09:00+01:00 2026-03-12T09:00+01:00"},
		{"staff ignore notice and horizon, not the past",
			func() *Calendar {
				c := everyDay(Interval{"09:00", "10:00"})
				c.NoticeHours, c.HorizonDays = 48, 1
				return c
			},
			SlotQuery{From: rome(2026, 3, 10, 0, 0), To: rome(2026, 3, 13, 0, 0), Now: rome(2026, 3, 10, 9, 15), Staff: true},
			"2026-03-10T09:30+01:00 2026-03-11T09:00+01:00 2026-03-11T09:30+01:00 2026-03-12T09:00+01:00 2026-03-12T09:30+01:00"},
		{"a calendar in another zone",
			func() *Calendar { c := everyDay(morning); c.Timezone = "UTC"; return c },
			SlotQuery{From: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)},
			"2026-03-10T09:00Z 2026-03-10T09:30Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.cal()
			if err := c.Validate(); err != nil {
				t.Fatalf("test calendar invalid: %v", err)
			}
			got := c.Slots(tt.q)
			if s := starts(got); s != tt.want {
				t.Fatalf("slots\n got %s\nwant %s", s, tt.want)
			}
			for _, s := range got {
				if d := s.End.Sub(s.Start); d != time.Duration(c.SlotMinutes)*time.Minute {
					t.Fatalf("slot %v lasts %v", s.Start, d)
				}
			}
		})
	}
}

func TestSlotAt(t *testing.T) {
	c := everyDay(Interval{"09:00", "10:00"})
	c.NoticeHours = 24
	now := rome(2026, 3, 10, 9, 0)
	if s, ok := c.SlotAt(rome(2026, 3, 11, 9, 30).UTC(), SlotQuery{Now: now}); !ok || !s.End.Equal(rome(2026, 3, 11, 10, 0)) {
		t.Fatalf("SlotAt tomorrow 09:30 = %v, %v", s, ok)
	}
	for _, start := range []time.Time{rome(2026, 3, 10, 9, 30), rome(2026, 3, 11, 9, 10), rome(2026, 3, 11, 10, 0)} {
		if _, ok := c.SlotAt(start, SlotQuery{Now: now}); ok {
			t.Errorf("SlotAt(%v) offered", start)
		}
	}
	if _, ok := c.SlotAt(rome(2026, 3, 10, 9, 30), SlotQuery{Now: now, Staff: true}); !ok {
		t.Error("staff cannot book within the notice")
	}
}

func TestEaster(t *testing.T) {
	want := map[int]string{
		2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28",
		2028: "2028-04-16", 2029: "2029-04-01", 2030: "2030-04-21",
	}
	for year, date := range want {
		if got := Easter(year).Format("2006-01-02"); got != date {
			t.Errorf("Easter(%d) = %s, want %s", year, got, date)
		}
	}
}

func TestItalianHoliday(t *testing.T) {
	for day, want := range map[string]string{
		"2026-01-01": "Capodanno",
		"2026-04-25": "Festa della Liberazione",
		"2026-04-05": "Pasqua",
		"2026-04-06": "Lunedì dell'Angelo",
		"2027-03-29": "Lunedì dell'Angelo",
		"2026-06-02": "Festa della Repubblica",
		"2026-10-04": "San Francesco d'Assisi",
		"2025-10-04": "",
		"2026-12-26": "Santo Stefano",
		"2026-03-10": "",
		"2026-04-07": "",
		"not a date": "",
	} {
		if got := ItalianHoliday(day); got != want {
			t.Errorf("ItalianHoliday(%s) = %q, want %q", day, got, want)
		}
	}
	c := everyDay(Interval{"09:00", "10:00"})
	c.Closures = []Closure{{From: "2026-08-10", To: "2026-08-20", Reason: "Chiusura estiva"}}
	for at, want := range map[time.Time]string{
		rome(2026, 8, 15, 12, 0): "Chiusura estiva", // closures first
		rome(2026, 6, 24, 12, 0): "Santo patrono",
		rome(2026, 4, 6, 0, 30):  "Lunedì dell'Angelo",
		// 23:30 UTC on 5 April is already Easter Monday in Rome.
		time.Date(2026, 4, 5, 23, 30, 0, 0, time.UTC): "Lunedì dell'Angelo",
		rome(2026, 3, 10, 12, 0):                      "",
	} {
		if got := c.ClosedReason(at, "06-24"); got != want {
			t.Errorf("ClosedReason(%v) = %q, want %q", at, got, want)
		}
	}
}

func TestCalendarValidate(t *testing.T) {
	valid := func() *Calendar { return everyDay(Interval{"09:00", "12:00"}) }
	if err := valid().Validate(); err != nil {
		t.Fatalf("valid calendar: %v", err)
	}
	tests := []struct {
		name   string
		change func(c *Calendar)
		want   []string
	}{
		{"slug", func(c *Calendar) { c.Slug = "Sede Centrale" }, []string{"/slug"}},
		{"name and office", func(c *Calendar) { c.Name, c.Office = " ", "" }, []string{"/name", "/office"}},
		{"place without address", func(c *Calendar) { c.Place, c.Address = "", "" }, []string{"/address"}},
		{"kind", func(c *Calendar) { c.Kind = "phone" }, []string{"/kind"}},
		{"numbers", func(c *Calendar) {
			c.SlotMinutes, c.Capacity, c.NoticeHours, c.HorizonDays, c.ChangeHours, c.RemindHours = 4, 101, -1, 0, 721, 73
		}, []string{"/slot_minutes", "/capacity", "/notice_hours", "/horizon_days", "/change_hours", "/remind_hours"}},
		{"timezone", func(c *Calendar) { c.Timezone = "Mars/Olympus" }, []string{"/timezone"}},
		{"interval clock", func(c *Calendar) { c.Hours[1] = []Interval{{"9:00", "24:00"}} }, []string{"/hours/1/0/start", "/hours/1/0/end"}},
		{"interval backwards", func(c *Calendar) { c.Hours[2] = []Interval{{"12:00", "09:00"}} }, []string{"/hours/2/0/end"}},
		{"overlapping intervals", func(c *Calendar) {
			c.Hours[3] = []Interval{{"09:00", "11:00"}, {"10:30", "12:00"}}
		}, []string{"/hours/3/1/start"}},
		{"closures", func(c *Calendar) {
			c.Closures = []Closure{{From: "2026-3-1"}, {From: "2026-03-10", To: "2026-03-09"}}
		}, []string{"/closures/0/from", "/closures/1/to"}},
		{"openings", func(c *Calendar) {
			c.Openings = []Opening{{Date: "domani"}, {Date: "2026-03-10", Intervals: []Interval{{"10:00", "09:00"}}}}
		}, []string{"/openings/0/date", "/openings/0/intervals", "/openings/1/intervals/0/end"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.change(c)
			err := c.Validate()
			e, ok := err.(*Error)
			if !ok || e.Code != EINVALID {
				t.Fatalf("Validate = %v, want EINVALID", err)
			}
			for _, p := range tt.want {
				if e.Fields[p] == "" {
					t.Errorf("no error at %s: %v", p, e.Fields)
				}
			}
			if len(e.Fields) != len(tt.want) {
				t.Errorf("errors at %v, want only %v", e.Fields, tt.want)
			}
		})
	}
	if !ValidMonthDay("06-24") || ValidMonthDay("6-24") || ValidMonthDay("13-01") {
		t.Error("ValidMonthDay")
	}
}

func TestAppointmentValue(t *testing.T) {
	start := rome(2026, 12, 3, 9, 30)
	v := AppointmentValue("sede-centrale", start)
	if v != "sede-centrale@2026-12-03T09:30:00+01:00" {
		t.Fatalf("AppointmentValue = %s", v)
	}
	cal, got, err := ParseAppointmentValue(v)
	if err != nil || cal != "sede-centrale" || !got.Equal(start) {
		t.Fatalf("ParseAppointmentValue = %s %v %v", cal, got, err)
	}
	for _, bad := range []string{"", "sede-centrale", "Sede@2026-12-03T09:30:00+01:00", "sede@2026-12-03 09:30"} {
		if _, _, err := ParseAppointmentValue(bad); err == nil {
			t.Errorf("ParseAppointmentValue(%q) accepted", bad)
		}
	}
}

func TestValidMonthDay(t *testing.T) {
	for s, want := range map[string]bool{"06-24": true, "02-29": true, "12-31": true, "02-30": false, "04-31": false, "13-01": false, "6-24": false, "": false} {
		if got := ValidMonthDay(s); got != want {
			t.Errorf("ValidMonthDay(%q) = %v, want %v", s, got, want)
		}
	}
}
