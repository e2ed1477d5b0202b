package storage

import (
	"bytes"
	"context"
	"sort"
	"time"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// BookingService is the ledger of calendar slots (see booking.go for the
// layout). Requests confirm their appointments in
// SubmissionService.CreateSubmission.
type BookingService struct {
	db *DB
}

var _ modulario.BookingService = (*BookingService)(nil)

// NewBookingService returns the BookingService of db.
func NewBookingService(db *DB) *BookingService { return &BookingService{db: db} }

// HoldSlot takes a place for h.Holder until h.Until (now + HoldDuration
// when zero), replacing the holder's previous hold for h.Field; holding
// the slot the holder already holds extends it. now zero means the
// database clock. Returns ENOTFOUND for an unknown calendar, EINVALID when
// the calendar does not offer that slot now, ECONFLICT when full (both
// with Fields[h.Field]). A refused hold leaves the previous one in place.
//
// An extension never pushes ExpiresAt beyond the hold's CreatedAt +
// maxHoldAge (3 × HoldDuration): past that it keeps the capped expiry, so
// a citizen who keeps a form open must submit it or lose the place.
func (s *BookingService) HoldSlot(ctx context.Context, h modulario.Hold, now time.Time) (*modulario.Booking, error) {
	if now.IsZero() {
		now = s.db.now()
	}
	now = now.Round(0)
	until := h.Until.Round(0)
	if until.IsZero() {
		until = now.Add(modulario.HoldDuration)
	}
	switch {
	case h.Holder == "" || h.Field == "":
		return nil, invalidf("A hold needs a holder and a field.")
	case !until.After(now):
		return nil, invalidf("A hold must end in the future.")
	}
	var out *modulario.Booking
	var refused error
	err := s.db.batch(ctx, func(tx *bolt.Tx) error {
		out, refused = nil, nil // batch may re-run this function
		b, old, err := s.planHold(tx, h, until, now)
		if refusal(err) {
			refused = err
			return nil
		} else if err != nil {
			return err
		}
		if old != nil && old.ID != b.ID {
			if err := deleteBooking(tx, old); err != nil {
				return err
			}
			old = nil
		}
		out = b
		return putBooking(tx, old, b)
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// planHold checks h without writing and returns the hold to store and the
// holder's previous hold for the field (nil if none; the same ID when it
// is extended).
func (s *BookingService) planHold(tx *bolt.Tx, h modulario.Hold, until, now time.Time) (b, prev *modulario.Booking, err error) {
	cal, err := loadCalendar(tx, h.Calendar)
	if err != nil {
		return nil, nil, fieldError(modulario.ENOTFOUND, h.Field, "The calendar does not exist.")
	}
	slot, ok := cal.SlotAt(h.Start, modulario.SlotQuery{Now: now, Patron: patronDay(tx)})
	if !ok {
		return nil, nil, errSlotNotOffered(h.Field)
	}
	prev, err = findHold(tx, h.Holder, h.Field)
	if err != nil {
		return nil, nil, err
	}
	except := ""
	same := prev != nil && prev.Calendar == cal.Slug && prev.Start.Equal(slot.Start)
	if same {
		except = prev.ID
	}
	if countSlot(tx, cal.Slug, slot.Start, now, except) >= cal.Capacity {
		return nil, nil, errSlotFull(h.Field)
	}
	if same {
		next := *prev
		if limit := prev.CreatedAt.Add(maxHoldAge); until.After(limit) {
			until = limit
			if prev.ExpiresAt.After(until) {
				until = prev.ExpiresAt // the cap never shortens a hold
			}
		}
		next.ExpiresAt, next.UpdatedAt = until, now
		return &next, prev, nil
	}
	return &modulario.Booking{
		ID: newToken(bookingIDBytes), Calendar: cal.Slug, Start: slot.Start, End: slot.End,
		Status: modulario.BookingHeld, Holder: h.Holder, Field: h.Field, ExpiresAt: until,
		CreatedAt: now, UpdatedAt: now,
	}, prev, nil
}

// maxHoldAge is how long after it was taken a hold may last, however
// often it is extended.
const maxHoldAge = 3 * modulario.HoldDuration

// ReleaseHolds frees every hold of holder.
func (s *BookingService) ReleaseHolds(ctx context.Context, holder string) error {
	return s.db.batch(ctx, func(tx *bolt.Tx) error { return releaseHolds(tx, holder) })
}

// PurgeExpiredHolds deletes holds that expired before now, walking the
// expiry index in transactions of at most purgeChunk holds.
func (s *BookingService) PurgeExpiredHolds(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		var n, seen int
		err := s.db.update(ctx, func(tx *bolt.Tx) error {
			n, seen = 0, 0
			limit := timeKey(now)
			var keys [][]byte
			c := tx.Bucket(bucketHoldExpiry).Cursor()
			for k, _ := c.First(); k != nil && len(k) > 9 && bytes.Compare(k[:8], limit) < 0 && len(keys) < purgeChunk; k, _ = c.Next() {
				keys = append(keys, bytes.Clone(k))
			}
			seen = len(keys)
			for _, k := range keys {
				b, err := findBooking(tx, string(k[9:]))
				if modulario.ErrorCode(err) == modulario.ENOTFOUND {
					// A dangling entry: drop it.
					if err := tx.Bucket(bucketHoldExpiry).Delete(k); err != nil {
						return err
					}
					continue
				} else if err != nil {
					return err
				}
				if b.Status != modulario.BookingHeld || !bytes.Equal(holdExpiryKey(b), k) {
					// Stale entry of a hold since confirmed or extended.
					if err := tx.Bucket(bucketHoldExpiry).Delete(k); err != nil {
						return err
					}
					continue
				}
				if err := deleteBooking(tx, b); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		total += n
		if err != nil || seen < purgeChunk {
			return total, err
		}
	}
}

// Availability returns the calendar's slots under q with their taken
// places (confirmed bookings and unexpired holds at q.Now, or at the
// database clock when q.Now is zero), not counting exceptHolder's holds.
// The patron day comes from the settings when q.Patron is empty. Returns
// ENOTFOUND.
func (s *BookingService) Availability(ctx context.Context, calendar string, q modulario.SlotQuery, exceptHolder string) ([]modulario.Slot, error) {
	var out []modulario.Slot
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		cal, err := loadCalendar(tx, calendar)
		if err != nil {
			return err
		}
		out, err = availability(tx, cal, q, exceptHolder, s.db.now())
		return err
	})
	return out, err
}

// availability implements Availability inside tx; clock is the time at
// which holds are judged when q.Now is zero.
func availability(tx *bolt.Tx, cal *modulario.Calendar, q modulario.SlotQuery, exceptHolder string, clock time.Time) ([]modulario.Slot, error) {
	if q.Patron == "" {
		q.Patron = patronDay(tx)
	}
	now := q.Now
	if now.IsZero() {
		now = clock
	}
	times := cal.Slots(q)
	if len(times) == 0 {
		return nil, nil
	}
	skip := map[string]bool{}
	if exceptHolder != "" {
		prefix := joinKey([]byte(exceptHolder), nil)
		c := tx.Bucket(bucketBookingHolders).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			skip[string(v)] = true
		}
	}
	taken := map[int64]int{}
	last := times[len(times)-1].Start.Add(time.Second)
	err := walkSlots(tx, cal.Slug, times[0].Start, last, func(e slotEntry) error {
		if !skip[e.id] && e.takes(now) {
			taken[e.start.Unix()]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]modulario.Slot, len(times))
	for i, t := range times {
		out[i] = modulario.Slot{Calendar: cal.Slug, Start: t.Start, End: t.End,
			Capacity: cal.Capacity, Taken: taken[t.Start.Unix()]}
	}
	return out, nil
}

// NearestFree returns up to n slots with a free place, the closest in time
// to around (before or after) among those a citizen may book at now (the
// database clock when zero), in time order. Returns ENOTFOUND.
func (s *BookingService) NearestFree(ctx context.Context, calendar string, around, now time.Time, n int) ([]modulario.Slot, error) {
	if now.IsZero() {
		now = s.db.now()
	}
	if n <= 0 {
		return nil, nil
	}
	var free []modulario.Slot
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		cal, err := loadCalendar(tx, calendar)
		if err != nil {
			return err
		}
		q := modulario.SlotQuery{From: now, To: now.AddDate(0, 0, cal.HorizonDays+2), Now: now}
		all, err := availability(tx, cal, q, "", now)
		for _, sl := range all {
			if sl.Free() > 0 {
				free = append(free, sl)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	dist := func(t time.Time) time.Duration {
		if d := t.Sub(around); d >= 0 {
			return d
		} else {
			return -d
		}
	}
	sort.SliceStable(free, func(i, j int) bool { return dist(free[i].Start) < dist(free[j].Start) })
	if len(free) > n {
		free = free[:n]
	}
	sort.SliceStable(free, func(i, j int) bool { return free[i].Start.Before(free[j].Start) })
	return free, nil
}

// Agenda returns the calendar's bookings starting in [from, to): confirmed,
// attended, no-show and cancelled, not holds, by start. Returns ENOTFOUND
// for an unknown calendar.
func (s *BookingService) Agenda(ctx context.Context, calendar string, from, to time.Time) ([]*modulario.Booking, error) {
	var list []*modulario.Booking
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		if _, err := loadCalendar(tx, calendar); err != nil {
			return err
		}
		return walkSlots(tx, calendar, from, to, func(e slotEntry) error {
			if e.status == modulario.BookingHeld {
				return nil
			}
			b, err := findBooking(tx, e.id)
			if err != nil {
				return err
			}
			list = append(list, b)
			return nil
		})
	})
	return list, err
}

// AffectedBookings returns the active bookings starting after now that no
// longer fit the calendar (staff rules: notice and horizon ignored), by
// start: those whose start is no longer a slot the calendar offers or
// whose slot now ends at another time (slot length changed), and, in a
// slot holding more active bookings than the current Capacity, the ones
// beyond it (the latest created). Returns ENOTFOUND.
func (s *BookingService) AffectedBookings(ctx context.Context, calendar string, now time.Time) ([]*modulario.Booking, error) {
	if now.IsZero() {
		now = s.db.now()
	}
	var list []*modulario.Booking
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		cal, err := loadCalendar(tx, calendar)
		if err != nil {
			return err
		}
		q := modulario.SlotQuery{Now: now, Staff: true, Patron: patronDay(tx)}
		var group []*modulario.Booking // the active bookings of one slot
		flush := func() {
			if len(group) == 0 {
				return
			}
			slot, ok := cal.SlotAt(group[0].Start, q)
			var fit []*modulario.Booking
			for _, b := range group {
				if !ok || !slot.End.Equal(b.End) {
					list = append(list, b)
				} else {
					fit = append(fit, b)
				}
			}
			if len(fit) > cal.Capacity {
				sort.SliceStable(fit, func(i, j int) bool { return fit[i].CreatedAt.Before(fit[j].CreatedAt) })
				list = append(list, fit[cal.Capacity:]...)
			}
			group = group[:0]
		}
		end := time.Unix(1<<62, 0)
		err = walkSlots(tx, calendar, now, end, func(e slotEntry) error {
			if !e.status.Active() || !e.start.After(now) {
				return nil
			}
			if len(group) > 0 && !group[0].Start.Equal(e.start) {
				flush()
			}
			b, err := findBooking(tx, e.id)
			if err != nil {
				return err
			}
			group = append(group, b)
			return nil
		})
		flush()
		return err
	})
	sort.SliceStable(list, func(i, j int) bool { return list[i].Start.Before(list[j].Start) })
	return list, err
}

// CountBookings counts the active bookings (not holds) of a slot.
func (s *BookingService) CountBookings(ctx context.Context, calendar string, start time.Time) (int, error) {
	n := 0
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		calPrefix := joinKey([]byte(calendar), nil)
		prefix := slotPrefix(calendar, start)
		c := tx.Bucket(bucketBookingSlots).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if decodeSlotEntry(calPrefix, k, v).status.Active() {
				n++
			}
		}
		return nil
	})
	return n, err
}
