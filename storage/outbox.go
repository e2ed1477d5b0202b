package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"sort"
	"time"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// maxStoredAttempts caps the attempts kept on one message: the first and
// the latest ones survive.
const maxStoredAttempts = 50

// defaultOutboxLimit is ListOutbox's limit when the filter sets none.
const defaultOutboxLimit = 100

// OutboxService stores notifications and leases them to the dispatcher.
// Pending messages are indexed by their next attempt time, so finding the
// due ones never scans sent or dead messages.
type OutboxService struct {
	db *DB
}

var _ modulario.OutboxService = (*OutboxService)(nil)

// NewOutboxService returns the OutboxService of db.
func NewOutboxService(db *DB) *OutboxService { return &OutboxService{db: db} }

// OutboxWake is signalled after a commit that made messages due.
func (s *OutboxService) OutboxWake() <-chan struct{} { return s.db.OutboxWake() }

// newOutboxIDs returns n message IDs (16 random bytes, base64url). They are
// made outside the transaction so a batch re-run reuses them.
func newOutboxIDs(msgs []*modulario.OutboxMessage) ([]string, error) {
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		if m == nil || m.Channel == "" {
			return nil, invalidf("A notification needs a channel.")
		}
		ids[i] = newToken(16)
	}
	return ids, nil
}

// queueOutbox writes a copy of each message, as pending, with its indexes.
// A message is due at now unless its preset NextAttemptAt is later (a
// scheduled reminder). Its Event defaults to event; a status change also
// replaces a preset rule event (received) but keeps any other (an
// appointment reminder). It returns the copies as stored; the callers
// copy them back into msgs after the commit.
func queueOutbox(tx *bolt.Tx, msgs []*modulario.OutboxMessage, ids []string,
	sub *modulario.Submission, event string, now time.Time) ([]modulario.OutboxMessage, error) {
	out := make([]modulario.OutboxMessage, len(msgs))
	for i, m := range msgs {
		c := *m
		c.ID, c.SubmissionID = ids[i], sub.ID
		if c.Event == "" || (event == modulario.EventStatusChanged && c.Event == modulario.EventReceived) {
			c.Event = event
		}
		if c.Event == modulario.EventStatusChanged {
			c.SubmissionStatus = sub.Status
		}
		c.Status = modulario.OutboxPending
		c.Attempts, c.SentAt, c.LastError = nil, nil, ""
		c.CreatedAt, c.NextAttemptAt = now, now
		if next := m.NextAttemptAt.Round(0); next.After(now) {
			c.NextAttemptAt = next
		}
		c.AppointmentStart = c.AppointmentStart.Round(0)
		if tx.Bucket(bucketOutbox).Get([]byte(c.ID)) != nil {
			return nil, modulario.Errorf(modulario.ECONFLICT, "Notification id collision.")
		}
		if err := saveOutbox(tx, nil, &c); err != nil {
			return nil, err
		}
		id := []byte(c.ID)
		if err := tx.Bucket(bucketOutboxBySubmission).Put(joinKey(u64(sub.ID), id), nil); err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketOutboxCreated).Put(joinKey(timeKey(now), id), nil); err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// committed hands the stored messages back to the caller's and wakes the
// dispatcher if any were queued; call it after the transaction committed.
func (db *DB) committed(msgs []*modulario.OutboxMessage, stored []modulario.OutboxMessage) {
	for i := range stored {
		*msgs[i] = stored[i]
	}
	if len(stored) > 0 {
		db.signalWake()
	}
}

// dueKey is a pending message's key in the due index.
func dueKey(m *modulario.OutboxMessage) []byte {
	return joinKey(timeKey(m.NextAttemptAt), []byte(m.ID))
}

// saveOutbox writes m and keeps the due index consistent with it: old (the
// stored version, nil when new) leaves the index, m enters it if pending.
func saveOutbox(tx *bolt.Tx, old, m *modulario.OutboxMessage) error {
	due := tx.Bucket(bucketOutboxDue)
	if old != nil && old.Status == modulario.OutboxPending {
		if err := due.Delete(dueKey(old)); err != nil {
			return err
		}
	}
	if m.Status == modulario.OutboxPending {
		if err := due.Put(dueKey(m), nil); err != nil {
			return err
		}
	}
	return putJSON(tx.Bucket(bucketOutbox), []byte(m.ID), m)
}

func findOutbox(tx *bolt.Tx, id string) (*modulario.OutboxMessage, error) {
	var m modulario.OutboxMessage
	if ok, err := getJSON(tx.Bucket(bucketOutbox), []byte(id), &m); err != nil {
		return nil, err
	} else if !ok || id == "" {
		return nil, notFoundf("Notification not found.")
	}
	return &m, nil
}

// ClaimDue returns up to limit pending messages due at now, oldest first,
// and pushes their next attempt to now+lease in the same transaction, so
// concurrent callers never get the same message and a message whose
// sender crashed comes back after the lease.
func (s *OutboxService) ClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*modulario.OutboxMessage, error) {
	if limit <= 0 {
		return nil, nil
	}
	now = now.Round(0)
	var claimed []*modulario.OutboxMessage
	err := s.db.batch(ctx, func(tx *bolt.Tx) error {
		claimed = nil // batch may re-run this function
		var ids []string
		c := tx.Bucket(bucketOutboxDue).Cursor()
		end := uint64(now.UnixNano())
		for k, _ := c.First(); k != nil && len(ids) < limit; k, _ = c.Next() {
			if len(k) < 9 || binary.BigEndian.Uint64(k[:8]) > end {
				break
			}
			ids = append(ids, string(k[9:]))
		}
		for _, id := range ids {
			m, err := findOutbox(tx, id)
			if err != nil {
				return err
			}
			old := *m
			m.NextAttemptAt = now.Add(lease)
			if err := saveOutbox(tx, &old, m); err != nil {
				return err
			}
			claimed = append(claimed, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return claimed, nil
}

// RecordAttempt appends a to the message and moves it: skipped (out of the
// due index, never sent) when a.Skipped; sent when a.OK; otherwise pending
// until next, or dead (with a.Error as LastError) when next is zero. A
// message already sent stays sent. Returns ENOTFOUND.
func (s *OutboxService) RecordAttempt(ctx context.Context, id string, a modulario.Attempt, next time.Time) error {
	if a.At.IsZero() {
		a.At = s.db.now()
	}
	a.At = a.At.Round(0)
	return s.db.batch(ctx, func(tx *bolt.Tx) error {
		m, err := findOutbox(tx, id)
		if err != nil {
			return err
		}
		return recordAttempt(tx, m, a, next)
	})
}

// recordAttempt implements RecordAttempt on m (the stored message) inside
// tx; a.At is already set.
func recordAttempt(tx *bolt.Tx, m *modulario.OutboxMessage, a modulario.Attempt, next time.Time) error {
	old := *m
	m.Attempts = appendAttempt(m.Attempts, a)
	switch {
	case a.Skipped && old.Status != modulario.OutboxSent:
		m.Status = modulario.OutboxSkipped
	case a.OK && !a.Skipped:
		at := a.At
		m.Status, m.SentAt, m.LastError = modulario.OutboxSent, &at, ""
	case old.Status == modulario.OutboxSent:
		// A late report (a resend after a lease) cannot unsend it.
	case next.IsZero():
		m.Status, m.LastError = modulario.OutboxDead, a.Error
	default:
		m.Status, m.LastError, m.NextAttemptAt = modulario.OutboxPending, a.Error, next.Round(0)
	}
	return saveOutbox(tx, &old, m)
}

// outboxIDsOf returns the ids of the notifications about request subID,
// from the by-submission index, in key order.
func outboxIDsOf(tx *bolt.Tx, subID uint64) []string {
	prefix := joinKey(u64(subID), nil)
	var ids []string
	c := tx.Bucket(bucketOutboxBySubmission).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, string(k[len(prefix):]))
	}
	return ids
}

// skipReminders marks the pending reminders of request subID about the
// appointment field as skipped (an appointment moved, cancelled or freed),
// in the caller's transaction. Call it before queueing the change's new
// reminders, which must stay pending.
func skipReminders(tx *bolt.Tx, subID uint64, field string, now time.Time) error {
	ids := outboxIDsOf(tx, subID)
	a := modulario.Attempt{At: now.Round(0), OK: true, Skipped: true, Error: "skipped: appointment moved or cancelled"}
	for _, id := range ids {
		m, err := findOutbox(tx, id)
		if modulario.ErrorCode(err) == modulario.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		if m.Status != modulario.OutboxPending || m.Event != modulario.EventAppointmentReminder || m.AppointmentField != field {
			continue
		}
		if err := recordAttempt(tx, m, a, time.Time{}); err != nil {
			return err
		}
	}
	return nil
}

// appendAttempt appends a, keeping the first and the latest attempts when
// there are more than maxStoredAttempts.
func appendAttempt(list []modulario.Attempt, a modulario.Attempt) []modulario.Attempt {
	list = append(list, a)
	if n := len(list); n > maxStoredAttempts {
		list = append(list[:1], list[n-maxStoredAttempts+1:]...)
	}
	return list
}

// FindOutboxMessage returns a message. Returns ENOTFOUND.
func (s *OutboxService) FindOutboxMessage(ctx context.Context, id string) (*modulario.OutboxMessage, error) {
	var m *modulario.OutboxMessage
	err := s.db.view(ctx, func(tx *bolt.Tx) (err error) {
		m, err = findOutbox(tx, id)
		return err
	})
	return m, err
}

// RetryOutboxMessage makes a dead or pending message pending and due at
// now, and wakes the dispatcher. Returns ENOTFOUND, or ECONFLICT for a
// message already sent.
func (s *OutboxService) RetryOutboxMessage(ctx context.Context, id string, now time.Time) error {
	now = now.Round(0)
	err := s.db.batch(ctx, func(tx *bolt.Tx) error {
		m, err := findOutbox(tx, id)
		if err != nil {
			return err
		}
		if m.Status == modulario.OutboxSent {
			return modulario.Errorf(modulario.ECONFLICT, "The notification was already sent.")
		}
		old := *m
		m.Status, m.NextAttemptAt = modulario.OutboxPending, now
		return saveOutbox(tx, &old, m)
	})
	if err == nil {
		s.db.signalWake()
	}
	return err
}

// RetryDead makes every dead message, of channel when not empty, pending
// and due at now, wakes the dispatcher and returns how many there were:
// after an operator fixed a channel's configuration (a key, a secret, an
// endpoint), its dead letters go out again. It reads every message, as
// CountOutbox does.
func (s *OutboxService) RetryDead(ctx context.Context, channel string, now time.Time) (int, error) {
	now = now.Round(0)
	var n int
	err := s.db.batch(ctx, func(tx *bolt.Tx) error {
		n = 0 // batch may re-run this function
		var dead []*modulario.OutboxMessage
		err := tx.Bucket(bucketOutbox).ForEach(func(k, _ []byte) error {
			m, err := findOutbox(tx, string(k))
			if err == nil && m.Status == modulario.OutboxDead && (channel == "" || m.Channel == channel) {
				dead = append(dead, m)
			}
			return err
		})
		if err != nil {
			return err
		}
		for _, m := range dead {
			old := *m
			m.Status, m.NextAttemptAt = modulario.OutboxPending, now
			if err := saveOutbox(tx, &old, m); err != nil {
				return err
			}
		}
		n = len(dead)
		return nil
	})
	if err == nil && n > 0 {
		s.db.signalWake()
	}
	return n, err
}

// ListOutbox returns the messages matching filter, newest first. With a
// SubmissionID it reads that submission's index; otherwise it walks the
// creation-time index backwards until the limit is reached.
func (s *OutboxService) ListOutbox(ctx context.Context, f modulario.OutboxFilter) ([]*modulario.OutboxMessage, error) {
	if f.Limit <= 0 {
		f.Limit = defaultOutboxLimit
	}
	var list []*modulario.OutboxMessage
	err := s.db.view(ctx, func(tx *bolt.Tx) (err error) {
		if f.SubmissionID != 0 {
			list, err = listBySubmission(tx, f)
		} else {
			list, err = listByTime(tx, f)
		}
		return err
	})
	return list, err
}

func matchOutbox(m *modulario.OutboxMessage, f modulario.OutboxFilter) bool {
	return (f.Status == "" || m.Status == f.Status) && (f.Channel == "" || m.Channel == f.Channel)
}

func listBySubmission(tx *bolt.Tx, f modulario.OutboxFilter) ([]*modulario.OutboxMessage, error) {
	var list []*modulario.OutboxMessage
	prefix := append(u64(f.SubmissionID), 0)
	c := tx.Bucket(bucketOutboxBySubmission).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		m, err := findOutbox(tx, string(k[len(prefix):]))
		if err != nil {
			return nil, err
		}
		if matchOutbox(m, f) {
			list = append(list, m)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].CreatedAt.After(list[j].CreatedAt) })
	if len(list) > f.Limit {
		list = list[:f.Limit]
	}
	return list, nil
}

func listByTime(tx *bolt.Tx, f modulario.OutboxFilter) ([]*modulario.OutboxMessage, error) {
	var list []*modulario.OutboxMessage
	c := tx.Bucket(bucketOutboxCreated).Cursor()
	for k, _ := c.Last(); k != nil && len(list) < f.Limit; k, _ = c.Prev() {
		if len(k) < 9 {
			continue
		}
		m, err := findOutbox(tx, string(k[9:]))
		if err != nil {
			return nil, err
		}
		if matchOutbox(m, f) {
			list = append(list, m)
		}
	}
	return list, nil
}

// CountOutbox returns counters per channel. It scans every message, which
// is fine for the outbox sizes of a comune; FailedAttempts counts the
// stored attempts (at most maxStoredAttempts per message).
func (s *OutboxService) CountOutbox(ctx context.Context) (map[string]modulario.OutboxCounts, error) {
	counts := map[string]modulario.OutboxCounts{}
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(k, _ []byte) error {
			m, err := findOutbox(tx, string(k))
			if err != nil {
				return err
			}
			c := counts[m.Channel]
			switch m.Status {
			case modulario.OutboxPending:
				c.Pending++
			case modulario.OutboxSent:
				c.Sent++
			case modulario.OutboxDead:
				c.Dead++
			}
			for _, a := range m.Attempts {
				if !a.OK && !a.Skipped {
					c.FailedAttempts++
				}
			}
			counts[m.Channel] = c
			return nil
		})
	})
	return counts, err
}
