package demo_test

import (
	"slices"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/demo"
)

// TestCalendarsValid checks every demo calendar and that the booking form
// books only demo calendars of its own office.
func TestCalendarsValid(t *testing.T) {
	cals := demo.Calendars()
	bySlug := map[string]*modulario.Calendar{}
	for _, c := range cals {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v %v", c.Slug, err, modulario.ErrorFields(err))
		}
		if bySlug[c.Slug] != nil {
			t.Errorf("slug %q used twice", c.Slug)
		}
		bySlug[c.Slug] = c
	}
	form := loadDemo(t, "carta-identita")
	fl := form.FieldAt("/appuntamento")
	if fl == nil || fl.Step != 1 || !fl.Required {
		t.Fatalf("appointment field = %+v", fl)
	}
	want := []string{"anagrafe-sede-centrale", "anagrafe-delegazione-nord", "anagrafe-delegazione-sud"}
	if !slices.Equal(fl.Calendars, want) {
		t.Errorf("calendars = %q, want %q", fl.Calendars, want)
	}
	for _, slug := range fl.Calendars {
		c := bySlug[slug]
		if c == nil || c.Office != form.Def.Office || c.Kind != modulario.CalendarPlace || c.Bring == "" {
			t.Errorf("calendar %s = %+v: want a counter of office %s with what to bring", slug, c, form.Def.Office)
		}
	}
	video := bySlug["urp-videochiamata"]
	if video == nil || video.Kind != modulario.CalendarVideo || video.Office != "urp" || video.VideoInfo == "" {
		t.Errorf("URP video calendar = %+v", video)
	}
	if demo.Calendars()[0] == cals[0] {
		t.Error("Calendars returns shared values")
	}
}

// TestCalendarSlots checks the demo hours as a citizen sees them.
func TestCalendarSlots(t *testing.T) {
	centre := demo.Calendars()[0]
	if centre.Capacity != 2 {
		t.Errorf("centre capacity %d, want 2 (two counters)", centre.Capacity)
	}
	rome := centre.Location()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, rome) // a Monday
	day := func(y int, m time.Month, d int) []modulario.SlotTime {
		from := time.Date(y, m, d, 0, 0, 0, 0, rome)
		return centre.Slots(modulario.SlotQuery{From: from, To: from.AddDate(0, 0, 1), Now: now, Patron: "06-24"})
	}
	tests := []struct {
		name  string
		slots []modulario.SlotTime
		count int
		first string
	}{
		{"today is within notice", day(2026, 11, 30), 0, ""},
		{"Tuesday morning and afternoon", day(2026, 12, 1), 12 + 7, "08:30"},
		{"Wednesday morning only", day(2026, 12, 2), 12, "08:30"},
		{"extra Saturday opening", day(2026, 12, 12), 9, "09:00"},
		{"plain Sunday", day(2026, 12, 6), 0, ""},
		{"Immacolata (national holiday)", day(2026, 12, 8), 0, ""},
		{"Christmas Eve closure", day(2026, 12, 24), 0, ""},
		{"beyond the 60-day horizon", day(2027, 2, 1), 0, ""},
	}
	for _, tc := range tests {
		if len(tc.slots) != tc.count {
			t.Errorf("%s: %d slots, want %d", tc.name, len(tc.slots), tc.count)
			continue
		}
		if tc.count > 0 {
			s := tc.slots[0]
			if got := s.Start.In(rome).Format("15:04"); got != tc.first || s.End.Sub(s.Start) != 20*time.Minute {
				t.Errorf("%s: first slot %s length %v", tc.name, got, s.End.Sub(s.Start))
			}
		}
	}
}
