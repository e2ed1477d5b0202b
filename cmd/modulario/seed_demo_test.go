package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/demo"
)

// TestSeedDemoCalendars seeds an empty store twice and checks the demo
// calendars and patron day are there once; a store whose settings or
// calendars were already set keeps them.
func TestSeedDemoCalendars(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	st, err := openStore(filepath.Join(t.TempDir(), "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for range 2 {
		if err := seedDemo(ctx, st, quiet); err != nil {
			t.Fatal(err)
		}
	}
	cals, err := st.Calendars.ListCalendars(ctx)
	if err != nil || len(cals) != len(demo.Calendars()) {
		t.Fatalf("%d calendars, want %d (%v)", len(cals), len(demo.Calendars()), err)
	}
	set, err := st.Settings.Settings(ctx)
	if err != nil || set.PatronDay != demoPatronDay || set.PatronName != demoPatronName {
		t.Fatalf("settings %+v, %v", set, err)
	}
	if f, err := st.Forms.FindForm(ctx, "carta-identita"); err != nil || f.Published == 0 {
		t.Fatalf("booking form not published: %+v %v", f, err)
	}

	// A store that has its own patron day and a calendar with the demo's
	// slug (but no form yet) keeps both.
	own, err := openStore(filepath.Join(t.TempDir(), "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	if err := own.Settings.SaveSettings(ctx, &modulario.Settings{SiteName: "Comune di Prova", PatronDay: "01-31", PatronName: "San Geminiano"}); err != nil {
		t.Fatal(err)
	}
	if err := own.Offices.SaveOffice(ctx, &modulario.Office{Slug: "anagrafe", Name: "Anagrafe", Emails: []string{"anagrafe@comune.example"}}); err != nil {
		t.Fatal(err)
	}
	mine := demo.Calendars()[0]
	mine.Name = "Sportello del Comune di Prova"
	if err := own.Calendars.SaveCalendar(ctx, mine); err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(ctx, own, quiet); err != nil {
		t.Fatal(err)
	}
	if c, err := own.Calendars.FindCalendar(ctx, mine.Slug); err != nil || c.Name != mine.Name {
		t.Errorf("existing calendar overwritten: %+v %v", c, err)
	}
	if set, _ := own.Settings.Settings(ctx); set.PatronDay != "01-31" || set.PatronName != "San Geminiano" || set.SiteName != "Comune di Prova" {
		t.Errorf("settings changed: %+v", set)
	}
}

// cancelAfterPurge wraps the booking service: it counts purged holds and
// ends the loop's context after the first purge, so the test needs no timing.
type cancelAfterPurge struct {
	modulario.BookingService
	cancel context.CancelFunc
	purged int
}

func (c *cancelAfterPurge) PurgeExpiredHolds(ctx context.Context, now time.Time) (int, error) {
	n, err := c.BookingService.PurgeExpiredHolds(ctx, now)
	c.purged += n
	c.cancel()
	return n, err
}

// TestPurgeHolds checks that the background loop deletes an expired hold
// of a real store, keeps a live one, and stops when its context ends.
func TestPurgeHolds(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	st, err := openStore(filepath.Join(t.TempDir(), "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := seedDemo(ctx, st, quiet); err != nil {
		t.Fatal(err)
	}
	cal := demo.Calendars()[1] // capacity 1
	now := time.Now()
	earlier := now.Add(-time.Hour)
	slots := cal.Slots(modulario.SlotQuery{From: now, To: now.AddDate(0, 0, 30), Now: now, Patron: demoPatronDay})
	if len(slots) < 2 {
		t.Fatalf("only %d slots", len(slots))
	}
	// Held an hour ago for ten minutes (expired), and just now (live).
	expired := modulario.Hold{Calendar: cal.Slug, Start: slots[0].Start, Holder: modulario.DraftHolder("a"), Field: "/appuntamento", Until: earlier.Add(modulario.HoldDuration)}
	live := modulario.Hold{Calendar: cal.Slug, Start: slots[1].Start, Holder: modulario.DraftHolder("b"), Field: "/appuntamento", Until: now.Add(modulario.HoldDuration)}
	if _, err := st.Bookings.HoldSlot(ctx, expired, earlier); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Bookings.HoldSlot(ctx, live, now); err != nil {
		t.Fatal(err)
	}
	loopCtx, cancel := context.WithCancel(ctx)
	p := &cancelAfterPurge{BookingService: st.Bookings, cancel: cancel}
	purgeHolds(loopCtx, p, time.Hour, quiet) // returns once the context ends
	if p.purged != 1 {
		t.Errorf("purged %d holds, want 1 (the expired one)", p.purged)
	}
	// The live hold still takes its slot: a second citizen is refused.
	other := live
	other.Holder = modulario.DraftHolder("c")
	if _, err := st.Bookings.HoldSlot(ctx, other, now); modulario.ErrorCode(err) != modulario.ECONFLICT {
		t.Errorf("second hold on a held slot of capacity 1: %v, want ECONFLICT", err)
	}
}
