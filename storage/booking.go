package storage

import (
	"bytes"
	"encoding/binary"
	"time"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// Bookings live in bucketBookings (JSON by ID) with three indexes:
//
//   - booking_slots: calendar\x00be(start unix)\x00id → be(hold expiry
//     unixnano) + status, for every booking (cancelled ones too, for the
//     agenda), so counting a slot's places is a short prefix scan that
//     decodes no JSON;
//   - booking_holders: holder\x00field → id, for holds only;
//   - booking_hold_expiry: be(expiry unixnano)\x00id, for holds only, so
//     purging expired holds never scans the bookings.
//
// Places are counted and taken in the same write transaction, so a slot
// never holds more than its capacity whatever the concurrency.

// bookingIDBytes is the random size of a booking ID (16 base64url chars).
const bookingIDBytes = 12

// slotPrefix is the key prefix of the bookings of one slot.
func slotPrefix(calendar string, start time.Time) []byte {
	return joinKey([]byte(calendar), u64(uint64(start.Unix())), nil)
}

func slotKey(b *modulario.Booking) []byte {
	return joinKey([]byte(b.Calendar), u64(uint64(b.Start.Unix())), []byte(b.ID))
}

func slotValue(b *modulario.Booking) []byte {
	var exp uint64
	if b.Status == modulario.BookingHeld {
		exp = uint64(b.ExpiresAt.UnixNano())
	}
	return append(u64(exp), b.Status...)
}

func holderKey(holder, field string) []byte { return joinKey([]byte(holder), []byte(field)) }

func holdExpiryKey(b *modulario.Booking) []byte {
	return joinKey(timeKey(b.ExpiresAt), []byte(b.ID))
}

// slotEntry is a decoded booking_slots entry.
type slotEntry struct {
	start   time.Time
	id      string
	status  modulario.BookingStatus
	expires int64 // unixnano, holds only
}

// decodeSlotEntry decodes k (which starts with calPrefix, "calendar\x00")
// and its value.
func decodeSlotEntry(calPrefix, k, v []byte) slotEntry {
	var e slotEntry
	rest := k[len(calPrefix):]
	if len(rest) < 9 || len(v) < 8 {
		return e
	}
	e.start = time.Unix(int64(binary.BigEndian.Uint64(rest[:8])), 0)
	e.id = string(rest[9:])
	e.expires = int64(binary.BigEndian.Uint64(v[:8]))
	e.status = modulario.BookingStatus(v[8:])
	return e
}

// takes reports whether the entry keeps a place at now: an active booking,
// or a hold that has not expired.
func (e slotEntry) takes(now time.Time) bool {
	return e.status.Active() || (e.status == modulario.BookingHeld && e.expires > now.UnixNano())
}

// countSlot counts the places taken in a slot at now, leaving out the
// booking except (the caller's own hold).
func countSlot(tx *bolt.Tx, calendar string, start, now time.Time, except string) int {
	n := 0
	calPrefix := joinKey([]byte(calendar), nil)
	prefix := slotPrefix(calendar, start)
	c := tx.Bucket(bucketBookingSlots).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if e := decodeSlotEntry(calPrefix, k, v); e.id != except && e.takes(now) {
			n++
		}
	}
	return n
}

// walkSlots calls fn for every booking_slots entry of calendar starting in
// [from, to), in start order.
func walkSlots(tx *bolt.Tx, calendar string, from, to time.Time, fn func(e slotEntry) error) error {
	calPrefix := joinKey([]byte(calendar), nil)
	c := tx.Bucket(bucketBookingSlots).Cursor()
	first := from.Unix()
	if from.Nanosecond() > 0 {
		first++
	}
	if first < 0 {
		first = 0
	}
	for k, v := c.Seek(joinKey([]byte(calendar), u64(uint64(first)))); k != nil && bytes.HasPrefix(k, calPrefix); k, v = c.Next() {
		e := decodeSlotEntry(calPrefix, k, v)
		if !e.start.Before(to) {
			break
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func findBooking(tx *bolt.Tx, id string) (*modulario.Booking, error) {
	var b modulario.Booking
	if err := getNamed(tx.Bucket(bucketBookings), id, &b, "Appointment not found."); err != nil {
		return nil, err
	}
	return &b, nil
}

// findHold returns holder's hold for field, or nil.
func findHold(tx *bolt.Tx, holder, field string) (*modulario.Booking, error) {
	id := tx.Bucket(bucketBookingHolders).Get(holderKey(holder, field))
	if id == nil {
		return nil, nil
	}
	b, err := findBooking(tx, string(id))
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil, nil
	}
	return b, err
}

// putBooking writes b and moves its index entries from old's (nil for a
// new booking).
func putBooking(tx *bolt.Tx, old, b *modulario.Booking) error {
	if old != nil {
		if err := unindexBooking(tx, old); err != nil {
			return err
		}
	}
	slots := indexBucket(tx, bucketBookingSlots)
	if err := slots.Put(slotKey(b), slotValue(b)); err != nil {
		return err
	}
	if b.Status == modulario.BookingHeld {
		if err := tx.Bucket(bucketBookingHolders).Put(holderKey(b.Holder, b.Field), []byte(b.ID)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketHoldExpiry).Put(holdExpiryKey(b), nil); err != nil {
			return err
		}
	}
	return putJSON(tx.Bucket(bucketBookings), []byte(b.ID), b)
}

// unindexBooking removes b's index entries.
func unindexBooking(tx *bolt.Tx, b *modulario.Booking) error {
	if err := tx.Bucket(bucketBookingSlots).Delete(slotKey(b)); err != nil {
		return err
	}
	if b.Status != modulario.BookingHeld {
		return nil
	}
	holders := tx.Bucket(bucketBookingHolders)
	if bytes.Equal(holders.Get(holderKey(b.Holder, b.Field)), []byte(b.ID)) {
		if err := holders.Delete(holderKey(b.Holder, b.Field)); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketHoldExpiry).Delete(holdExpiryKey(b))
}

// deleteBooking removes a booking (a hold: confirmed bookings are kept as
// history) and its index entries.
func deleteBooking(tx *bolt.Tx, b *modulario.Booking) error {
	if err := unindexBooking(tx, b); err != nil {
		return err
	}
	return tx.Bucket(bucketBookings).Delete([]byte(b.ID))
}

// releaseHolds deletes every hold of holder.
func releaseHolds(tx *bolt.Tx, holder string) error {
	if holder == "" {
		return nil
	}
	prefix := joinKey([]byte(holder), nil)
	var ids []string
	c := tx.Bucket(bucketBookingHolders).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		ids = append(ids, string(v))
	}
	for _, id := range ids {
		b, err := findBooking(tx, id)
		if modulario.ErrorCode(err) == modulario.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		if b.Status == modulario.BookingHeld {
			if err := deleteBooking(tx, b); err != nil {
				return err
			}
		}
	}
	return nil
}

// refusal is a modulario error about the caller's request found before a
// batch function wrote anything: the function returns nil and the caller
// returns the refusal after the batch, so the transaction shared with
// other writers is not rolled back and re-run because of it.
func refusal(err error) bool {
	switch modulario.ErrorCode(err) {
	case modulario.EINVALID, modulario.ECONFLICT, modulario.ENOTFOUND, modulario.EFORBIDDEN:
		return true
	}
	return false
}

// fieldError returns an error with code, message and the same message
// under the field's pointer (when there is one).
func fieldError(code, field, msg string) error {
	e := &modulario.Error{Code: code, Message: msg}
	if field != "" {
		e.Fields = map[string]string{field: msg}
	}
	return e
}

// errSlotFull and errSlotNotOffered are the refusals of a booking.
func errSlotFull(field string) error {
	return fieldError(modulario.ECONFLICT, field, "This time is no longer available: please choose another one.")
}

func errSlotNotOffered(field string) error {
	return fieldError(modulario.EINVALID, field, "This time cannot be booked: please choose one of the times offered.")
}
