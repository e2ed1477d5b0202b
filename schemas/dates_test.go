package schemas

import (
	"testing"
	"time"
)

func TestLongDateAndClock(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	d := time.Date(2026, 12, 3, 9, 5, 0, 0, rome)
	for lang, want := range map[string]string{"it": "giovedì 3 dicembre 2026", "": "giovedì 3 dicembre 2026", "en": "Thursday 3 December 2026"} {
		if got := LongDate(lang, d); got != want {
			t.Errorf("LongDate(%q) = %q, want %q", lang, got, want)
		}
	}
	if got := Clock(d); got != "09:05" {
		t.Errorf("Clock = %q, want 09:05", got)
	}
	if got := MonthName("it", time.January) + " " + WeekdayName("en", time.Sunday); got != "gennaio Sunday" {
		t.Errorf("names = %q", got)
	}
}
