package storage

import (
	"bytes"
	"context"
	"sort"
	"strings"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// CalendarService stores the bookable calendars of the offices.
type CalendarService struct {
	db *DB
}

var _ modulario.CalendarService = (*CalendarService)(nil)

// NewCalendarService returns the CalendarService of db.
func NewCalendarService(db *DB) *CalendarService { return &CalendarService{db: db} }

// FindCalendar returns a calendar by slug. Returns ENOTFOUND.
func (s *CalendarService) FindCalendar(ctx context.Context, slug string) (*modulario.Calendar, error) {
	return findNamed[modulario.Calendar](ctx, s.db, bucketCalendars, slug, "Calendar not found.")
}

// ListCalendars returns every calendar ordered by name (Italian collation,
// ignoring case).
func (s *CalendarService) ListCalendars(ctx context.Context) ([]*modulario.Calendar, error) {
	list, err := listNamed[modulario.Calendar](ctx, s.db, bucketCalendars, nil)
	col := collate.New(language.Italian, collate.IgnoreCase)
	sort.SliceStable(list, func(i, j int) bool { return col.CompareString(list[i].Name, list[j].Name) < 0 })
	return list, err
}

// SaveCalendar validates c and creates or replaces the calendar with
// c.Slug, keeping the first CreatedAt. The office must exist. Bookings are
// left alone: those that no longer fit are listed by AffectedBookings. On
// success c holds the stored values. Returns EINVALID.
func (s *CalendarService) SaveCalendar(ctx context.Context, c *modulario.Calendar) error {
	out := *c
	out.Name = strings.TrimSpace(out.Name)
	if err := out.Validate(); err != nil {
		return err
	}
	err := s.db.update(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(bucketOffices).Get([]byte(out.Office)) == nil {
			return &modulario.Error{Code: modulario.EINVALID, Message: "The calendar is not valid.",
				Fields: map[string]string{"/office": "is not a known office"}}
		}
		b := tx.Bucket(bucketCalendars)
		var old modulario.Calendar
		found, err := getJSON(b, []byte(out.Slug), &old)
		if err != nil {
			return err
		}
		out.UpdatedAt = s.db.now()
		out.CreatedAt = out.UpdatedAt
		if found {
			out.CreatedAt = old.CreatedAt
		}
		return putJSON(b, []byte(out.Slug), &out)
	})
	if err == nil {
		*c = out
	}
	return err
}

// DeleteCalendar removes a calendar; its past bookings stay for the
// requests that made them, its holds go. Returns ENOTFOUND, or ECONFLICT
// while it has active bookings starting after now.
func (s *CalendarService) DeleteCalendar(ctx context.Context, slug string) error {
	return s.db.update(ctx, func(tx *bolt.Tx) error {
		if slug == "" || tx.Bucket(bucketCalendars).Get([]byte(slug)) == nil {
			return notFoundf("Calendar not found.")
		}
		now := s.db.now()
		prefix := joinKey([]byte(slug), nil)
		c := tx.Bucket(bucketBookingSlots).Cursor()
		var holds []string
		for k, v := c.Seek(joinKey([]byte(slug), u64(uint64(now.Unix())))); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			e := decodeSlotEntry(prefix, k, v)
			switch {
			case e.status.Active() && e.start.After(now):
				return modulario.Errorf(modulario.ECONFLICT,
					"The calendar has appointments booked in the future: move or cancel them first.")
			case e.status == modulario.BookingHeld:
				holds = append(holds, e.id)
			}
		}
		for _, id := range holds {
			b, err := findBooking(tx, id)
			if err != nil {
				return err
			}
			if err := deleteBooking(tx, b); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketCalendars).Delete([]byte(slug))
	})
}

// loadCalendar reads a calendar inside tx. Returns ENOTFOUND.
func loadCalendar(tx *bolt.Tx, slug string) (*modulario.Calendar, error) {
	var c modulario.Calendar
	if err := getNamed(tx.Bucket(bucketCalendars), slug, &c, "Calendar not found."); err != nil {
		return nil, err
	}
	return &c, nil
}

// patronDay returns the comune's patron saint's day from the settings.
func patronDay(tx *bolt.Tx) string {
	var st modulario.Settings
	if _, err := getJSON(tx.Bucket(bucketSettings), settingsKey, &st); err != nil {
		return ""
	}
	return st.PatronDay
}
