package modulario

import (
	"testing"
	"time"
)

func TestRetentionCutoffNeverEarly(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Skip("no tzdata")
	}
	cases := []struct {
		now    time.Time
		months int
		want   time.Time
	}{
		{time.Date(2026, 3, 31, 10, 0, 0, 0, rome), 1, time.Date(2026, 2, 28, 10, 0, 0, 0, rome)},
		{time.Date(2028, 3, 31, 10, 0, 0, 0, rome), 1, time.Date(2028, 2, 29, 10, 0, 0, 0, rome)},
		{time.Date(2026, 11, 22, 3, 0, 0, 0, rome), 24, time.Date(2024, 11, 22, 3, 0, 0, 0, rome)},
		{time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), 13, time.Date(2024, 12, 15, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC), 3, time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		got := RetentionPolicy{Months: c.months, Action: RetentionDelete}.Cutoff(c.now)
		if !got.Equal(c.want) {
			t.Errorf("Cutoff(%s, %d months) = %s, want %s", c.now, c.months, got, c.want)
		}
	}
}
