package storage

import (
	"bytes"
	"context"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage/storagetest"
	bolt "go.etcd.io/bbolt"
)

// saveTestCalendar stores the office "anagrafe" and c.
func saveTestCalendar(t testing.TB, db *DB, c *modulario.Calendar) {
	t.Helper()
	ctx := context.Background()
	if err := NewOfficeService(db).SaveOffice(ctx, &modulario.Office{Slug: "anagrafe", Name: "Anagrafe"}); err != nil {
		t.Fatal(err)
	}
	if err := NewCalendarService(db).SaveCalendar(ctx, c); err != nil {
		t.Fatal(err)
	}
}

// TestBookingsSurviveReopen closes the database with a confirmed booking,
// a hold and a scheduled reminder, and checks all three after reopening:
// the booking still takes its place, the hold until it expires, and the
// reminder is claimed when due and not before.
func TestBookingsSurviveReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "modulario.db")
	db, _ := openTestDB(t, path)
	saveTestCalendar(t, db, storagetest.NewCalendar("sede-centrale"))
	slot, held := storagetest.At(12, 9, 0), storagetest.At(12, 9, 30)
	due := slot.Add(-24 * time.Hour)
	reminder := storagetest.NewMessage(modulario.ChannelEmailMsg)
	reminder.Event, reminder.NextAttemptAt = modulario.EventAppointmentReminder, due
	reminder.AppointmentField, reminder.AppointmentStart = storagetest.ApptField, slot
	sub := storagetest.BookingSubmission("sede-centrale", slot)
	if err := NewSubmissionService(db).CreateSubmission(ctx, sub, "", reminder); err != nil {
		t.Fatal(err)
	}
	h := modulario.Hold{Calendar: "sede-centrale", Start: held, Holder: "draft:x", Field: storagetest.ApptField}
	if _, err := NewBookingService(db).HoldSlot(ctx, h, storagetest.Start); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, _ = openTestDB(t, path)
	bookings := NewBookingService(db)
	if n, err := bookings.CountBookings(ctx, "sede-centrale", slot); err != nil || n != 1 {
		t.Fatalf("bookings after reopen = %d, %v", n, err)
	}
	h.Holder = "draft:y"
	if _, err := bookings.HoldSlot(ctx, h, storagetest.Start.Add(time.Minute)); modulario.ErrorCode(err) != modulario.ECONFLICT {
		t.Fatalf("hold lost on reopen: %v", err)
	}
	if _, err := bookings.HoldSlot(ctx, h, storagetest.Start.Add(modulario.HoldDuration+time.Minute)); err != nil {
		t.Fatalf("expired hold still taken after reopen: %v", err)
	}
	got, err := NewSubmissionService(db).FindSubmission(ctx, sub.ID)
	if err != nil || len(got.ActiveAppointments()) != 1 || got.Appointments[0].BookingID != sub.Appointments[0].BookingID {
		t.Fatalf("request after reopen: %+v, %v", got, err)
	}
	out := NewOutboxService(db)
	if claimed, err := out.ClaimDue(ctx, due.Add(-time.Minute), time.Minute, 10); err != nil || len(claimed) != 0 {
		t.Fatalf("claimed before due after reopen: %v, %v", claimed, err)
	}
	claimed, err := out.ClaimDue(ctx, due, time.Minute, 10)
	if err != nil || len(claimed) != 1 || claimed[0].ID != reminder.ID || !claimed[0].AppointmentStart.Equal(slot) {
		t.Fatalf("reminder after reopen: %+v, %v", claimed, err)
	}
	checkDueIndex(t, db)
}

// TestBookingIndexesConsistent walks bookings through hold, confirm, move,
// cancel, release and purge, and checks after each step that every index
// entry matches a stored booking and every booking has its entries.
func TestBookingIndexesConsistent(t *testing.T) {
	ctx := context.Background()
	db, clock := openTestDB(t, "")
	saveTestCalendar(t, db, storagetest.NewCalendar("sede-centrale"))
	bookings, subs, drafts := NewBookingService(db), NewSubmissionService(db), NewDraftService(db)
	start := storagetest.Start
	d := &modulario.Draft{FormSlug: "f", Version: 1, ExpiresAt: start.Add(time.Hour)}
	if err := drafts.CreateDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	holder := modulario.DraftHolder(d.Token)
	var sub *modulario.Submission
	steps := []func() error{
		func() error {
			_, err := bookings.HoldSlot(ctx, modulario.Hold{Calendar: "sede-centrale", Start: storagetest.At(12, 9, 0), Holder: holder, Field: "/a"}, start)
			return err
		},
		func() error { // moves the hold
			_, err := bookings.HoldSlot(ctx, modulario.Hold{Calendar: "sede-centrale", Start: storagetest.At(12, 9, 30), Holder: holder, Field: "/a"}, start)
			return err
		},
		func() error { // extends it
			_, err := bookings.HoldSlot(ctx, modulario.Hold{Calendar: "sede-centrale", Start: storagetest.At(12, 9, 30), Holder: holder, Field: "/a",
				Until: start.Add(20 * time.Minute)}, start.Add(time.Minute))
			return err
		},
		func() error {
			_, err := bookings.HoldSlot(ctx, modulario.Hold{Calendar: "sede-centrale", Start: storagetest.At(12, 10, 0), Holder: holder, Field: "/b"}, start)
			return err
		},
		func() error {
			_, err := bookings.HoldSlot(ctx, modulario.Hold{Calendar: "sede-centrale", Start: storagetest.At(12, 11, 0), Holder: "draft:other", Field: "/a",
				Until: start.Add(time.Minute)}, start)
			return err
		},
		func() error { // confirms /a from its hold; /b's hold goes with the draft
			sub = storagetest.BookingSubmission("sede-centrale", storagetest.At(12, 9, 30))
			sub.Appointments[0].Field = "/a"
			return subs.CreateSubmission(ctx, sub, d.Token)
		},
		func() error {
			_, err := bookings.MoveAppointment(ctx, sub.ID, sub.Appointments[0].BookingID, storagetest.At(12, 10, 30), modulario.AppointmentChange{Staff: true})
			return err
		},
		func() error {
			_, err := bookings.CancelAppointment(ctx, sub.ID, sub.Appointments[0].BookingID, modulario.AppointmentChange{Staff: true})
			return err
		},
		func() error {
			clock.Set(start.Add(time.Hour))
			_, err := bookings.PurgeExpiredHolds(ctx, start.Add(time.Hour))
			return err
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		checkBookingIndexes(t, db)
	}
	var n int
	_ = db.bolt.View(func(tx *bolt.Tx) error { n = tx.Bucket(bucketBookings).Stats().KeyN; return nil })
	if n != 1 {
		t.Fatalf("%d bookings left, want the cancelled one", n)
	}
}

// checkBookingIndexes fails t unless the slot, holder and expiry indexes
// hold exactly the entries of the stored bookings.
func checkBookingIndexes(t *testing.T, db *DB) {
	t.Helper()
	err := db.bolt.View(func(tx *bolt.Tx) error {
		want := map[string]string{}
		err := tx.Bucket(bucketBookings).ForEach(func(k, _ []byte) error {
			b, err := findBooking(tx, string(k))
			if err != nil {
				return err
			}
			want["slot "+string(slotKey(b))] = string(slotValue(b))
			if b.Status == modulario.BookingHeld {
				want["holder "+string(holderKey(b.Holder, b.Field))] = b.ID
				want["expiry "+string(holdExpiryKey(b))] = ""
			}
			return nil
		})
		if err != nil {
			return err
		}
		got := map[string]string{}
		for name, bucket := range map[string][]byte{"slot ": bucketBookingSlots, "holder ": bucketBookingHolders, "expiry ": bucketHoldExpiry} {
			_ = tx.Bucket(bucket).ForEach(func(k, v []byte) error {
				got[name+string(k)] = string(v)
				return nil
			})
		}
		for k, v := range want {
			if g, ok := got[k]; !ok || g != v {
				t.Errorf("index entry %q = %q, want %q", k, g, v)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("stray index entry %q", k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCountSlotIsPrefixScan checks that counting a slot does not read the
// neighbouring slots' entries (the key layout keeps them apart).
func TestCountSlotIsPrefixScan(t *testing.T) {
	a := slotPrefix("sede", time.Unix(100, 0))
	b := slotPrefix("sede", time.Unix(101, 0))
	c := slotPrefix("sede-nord", time.Unix(100, 0))
	if bytes.HasPrefix(b, a) || bytes.HasPrefix(c, a) || bytes.HasPrefix(a, c) {
		t.Fatalf("slot prefixes overlap: %q %q %q", a, b, c)
	}
}

// BenchmarkCreateBookingParallel creates requests with an appointment from
// about 64 concurrent clients on a calendar with ample capacity (six
// months of 10-minute slots, 100 places each) and reports confirmed
// bookings per second.
func BenchmarkCreateBookingParallel(b *testing.B) {
	db, _ := openTestDB(b, "")
	cal := storagetest.NewCalendar("sede-centrale")
	cal.SlotMinutes, cal.Capacity, cal.HorizonDays = 10, 100, 180
	for d := range cal.Hours {
		cal.Hours[d] = []modulario.Interval{{Start: "08:00", End: "20:00"}}
	}
	cal.OpenOnHolidays = true
	saveTestCalendar(b, db, cal)
	slots := cal.Slots(modulario.SlotQuery{From: storagetest.Start, To: storagetest.Start.AddDate(0, 0, 170), Now: storagetest.Start})
	svc, bookings := NewSubmissionService(db), NewBookingService(db)
	ctx := context.Background()
	var next atomic.Int64
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((64 + procs - 1) / procs)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			s := benchSubmission()
			s.Appointments = []modulario.Appointment{{Field: "/appuntamento", Calendar: cal.Slug,
				Start: slots[int(i)%len(slots)].Start, Name: "Mario Rossi"}}
			if err := svc.CreateSubmission(ctx, s, ""); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
	b.StopTimer()
	n, err := bookings.CountBookings(ctx, cal.Slug, slots[1%len(slots)].Start)
	if err != nil || n == 0 || n > cal.Capacity {
		b.Fatalf("slot 1 holds %d bookings (%v)", n, err)
	}
}
