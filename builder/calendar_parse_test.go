package builder

import (
	"reflect"
	"slices"
	"testing"

	"github.com/modulario/modulario"
)

func TestParseIntervals(t *testing.T) {
	iv := func(a, b string) modulario.Interval { return modulario.Interval{Start: a, End: b} }
	cases := []struct {
		in   string
		want []modulario.Interval
		bad  string // the token refused, "" when valid
	}{
		{"", nil, ""},
		{"   ", nil, ""},
		{"08:30-12:30", []modulario.Interval{iv("08:30", "12:30")}, ""},
		{"08:30-12:30, 15:00-17:00", []modulario.Interval{iv("08:30", "12:30"), iv("15:00", "17:00")}, ""},
		{"8:30 - 12:30; 15.00–17.00,", []modulario.Interval{iv("08:30", "12:30"), iv("15:00", "17:00")}, ""},
		{"9:00-9:45", []modulario.Interval{iv("09:00", "09:45")}, ""},
		// Out-of-range times parse; Calendar.Validate refuses them.
		{"25:00-26:00", []modulario.Interval{iv("25:00", "26:00")}, ""},
		{"8-12", nil, "8-12"},
		{"08:30", nil, "08:30"},
		{"08:30-12:30, dalle 15", nil, "dalle 15"},
		{"08:30/12:30", nil, "08:30/12:30"},
		{"083:0-12:30", nil, "083:0-12:30"},
	}
	for _, tc := range cases {
		got, err := parseIntervals(tc.in)
		switch {
		case tc.bad != "" && (err == nil || err.Token != tc.bad || err.Kind != "interval"):
			t.Errorf("parseIntervals(%q) error = %v, want token %q", tc.in, err, tc.bad)
		case tc.bad == "" && err != nil:
			t.Errorf("parseIntervals(%q) = error %v", tc.in, err)
		case tc.bad == "" && !slices.Equal(got, tc.want):
			t.Errorf("parseIntervals(%q) = %v, want %v", tc.in, got, tc.want)
		}
		if tc.bad == "" && formatIntervals(got) != formatIntervals(tc.want) {
			t.Errorf("formatIntervals round trip of %q = %q", tc.in, formatIntervals(got))
		}
	}
}

func TestParseClosuresAndOpenings(t *testing.T) {
	cl, lines, err := parseClosures("2026-12-24\n\n2026-08-10 2026-08-21 Chiusura estiva\n2026-11-02 Ponte dei Santi\n2026-04-27 - 2026-04-30\n")
	want := []modulario.Closure{{From: "2026-12-24"}, {From: "2026-08-10", To: "2026-08-21", Reason: "Chiusura estiva"},
		{From: "2026-11-02", Reason: "Ponte dei Santi"}, {From: "2026-04-27", To: "2026-04-30"}}
	if err != nil || !slices.Equal(cl, want) || !slices.Equal(lines, []int{1, 3, 4, 5}) {
		t.Fatalf("parseClosures = %v %v %v", cl, lines, err)
	}
	if again, _, _ := parseClosures(formatClosures(cl)); !slices.Equal(again, cl) {
		t.Errorf("closures round trip = %v", again)
	}
	for in, kind := range map[string]string{"24/12/2026": "date", "2026-12-24\nNatale": "date", "2026-08-10 - agosto": "to"} {
		if _, _, err := parseClosures(in); err == nil || err.Kind != kind {
			t.Errorf("parseClosures(%q) = %v, want kind %s", in, err, kind)
		}
	}
	if _, _, err := parseClosures("2026-12-24\n24/12"); err == nil || err.Line != 2 {
		t.Errorf("error line = %v, want 2", err)
	}

	op, lines, err := parseOpenings("2026-12-19 09:00-12:00, 14:00 - 16:00 Apertura straordinaria\n2026-12-20 9.00-11.00")
	if err != nil || len(op) != 2 || !slices.Equal(lines, []int{1, 2}) || op[0].Reason != "Apertura straordinaria" ||
		!slices.Equal(op[0].Intervals, []modulario.Interval{{Start: "09:00", End: "12:00"}, {Start: "14:00", End: "16:00"}}) ||
		op[1].Reason != "" || op[1].Intervals[0] != (modulario.Interval{Start: "09:00", End: "11:00"}) {
		t.Fatalf("parseOpenings = %+v %v %v", op, lines, err)
	}
	if again, _, _ := parseOpenings(formatOpenings(op)); len(again) != 2 || again[0].Reason != op[0].Reason ||
		!slices.Equal(again[0].Intervals, op[0].Intervals) {
		t.Errorf("openings round trip = %+v", again)
	}
	for in, kind := range map[string]string{"19/12 09:00-12:00": "date", "2026-12-19 Apertura": "no_interval"} {
		if _, _, err := parseOpenings(in); err == nil || err.Kind != kind {
			t.Errorf("parseOpenings(%q) = %v, want kind %s", in, err, kind)
		}
	}
}

// TestBookingMessages checks that every calendar and agenda string exists
// in Italian and English.
func TestBookingMessages(t *testing.T) {
	for _, prefix := range []string{"cal.", "agenda.", "fe.appt.", "request.appt", "request.ev.appt", "settings.patron"} {
		for k := range msg["it"] {
			if len(k) >= len(prefix) && k[:len(prefix)] == prefix {
				if _, ok := msg["en"][k]; !ok {
					t.Errorf("%s has no English text", k)
				}
			}
		}
		for k := range msg["en"] {
			if len(k) >= len(prefix) && k[:len(prefix)] == prefix {
				if _, ok := msg["it"][k]; !ok {
					t.Errorf("%s has no Italian text", k)
				}
			}
		}
	}
}

// TestClosuresRoundTripOddReasons: what the calendar page writes back reads
// as the same closures, even when a reason starts with "-" or a date.
func TestClosuresRoundTripOddReasons(t *testing.T) {
	in := []modulario.Closure{{From: "2026-03-09", Reason: "- sciopero"}, {From: "2026-08-10", Reason: "2026-08-15 incluso nel ponte"},
		{From: "2026-12-24"}, {From: "2026-04-27", To: "2026-04-30", Reason: "Lavori"}}
	out, _, terr := parseClosures(formatClosures(in))
	if terr != nil || !reflect.DeepEqual(out, in) {
		t.Fatalf("round trip = %+v (%v), want %+v", out, terr, in)
	}
}
