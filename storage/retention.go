package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// RetentionService deletes or anonymises concluded requests (GDPR storage
// limitation). It finds them through the form index and the inbox rows,
// so a run reads only the form's requests created before the cutoff and
// decodes only those closed before it.
type RetentionService struct {
	db *DB
}

var _ modulario.RetentionService = (*RetentionService)(nil)

// NewRetentionService returns the RetentionService of db.
func NewRetentionService(db *DB) *RetentionService { return &RetentionService{db: db} }

// Batch sizes of a retention run: retentionBatch requests change per
// write transaction; a read transaction looks at most retentionScan index
// entries, so neither holds the database for long (a long read blocks
// the file from growing).
const (
	retentionBatch = 500
	retentionScan  = 5000
)

// ApplyRetention deletes or anonymises the requests of form closed before
// closedBefore, retentionBatch per committed transaction (see
// modulario.RetentionService). Each request is checked again inside the
// write transaction, so a request reopened or changed meanwhile is judged
// on what is stored. On an error the result counts what was committed.
func (s *RetentionService) ApplyRetention(ctx context.Context, form string, closedBefore time.Time, action modulario.RetentionAction) (modulario.RetentionResult, error) {
	res := modulario.RetentionResult{Form: form}
	if !(modulario.RetentionPolicy{Months: 1, Action: action}).Valid() {
		return res, invalidf("Unknown retention action %q.", action)
	}
	err := s.walk(ctx, form, closedBefore, func(ids [][]byte) error {
		var n int
		err := s.db.update(ctx, func(tx *bolt.Tx) error {
			n = 0
			now := s.db.now()
			for _, id := range ids {
				sub, err := findSubmission(tx, id)
				if modulario.ErrorCode(err) == modulario.ENOTFOUND {
					continue // deleted meanwhile
				} else if err != nil {
					return err
				}
				if !due(sub, closedBefore) {
					continue
				}
				if action == modulario.RetentionDelete {
					err = deleteSubmission(tx, sub)
				} else {
					err = anonymiseSubmission(tx, sub, now)
				}
				if err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err == nil && action == modulario.RetentionDelete {
			res.Deleted += n
		} else if err == nil {
			res.Anonymised += n
		}
		return err
	})
	return res, err
}

// PreviewRetention counts what ApplyRetention would do now, changing
// nothing (a dry run).
func (s *RetentionService) PreviewRetention(ctx context.Context, form string, closedBefore time.Time, action modulario.RetentionAction) (modulario.RetentionResult, error) {
	res := modulario.RetentionResult{Form: form}
	err := s.walk(ctx, form, closedBefore, func(ids [][]byte) error {
		if action == modulario.RetentionDelete {
			res.Deleted += len(ids)
		} else {
			res.Anonymised += len(ids)
		}
		return nil
	})
	return res, err
}

// due reports whether sub falls under a retention cutoff: closed before
// it and not anonymised yet.
func due(sub *modulario.Submission, closedBefore time.Time) bool {
	return sub.Status.Closed() && sub.ClosedAt != nil && sub.ClosedAt.Before(closedBefore) && sub.AnonymisedAt == nil
}

// walk calls fn with the IDs of form's requests due at closedBefore, at
// most retentionBatch at a time, in creation order. A request is closed
// after it was created, so the walk stops at the first created at or
// after closedBefore.
func (s *RetentionService) walk(ctx context.Context, form string, closedBefore time.Time, fn func(ids [][]byte) error) error {
	prefix := valuePrefix(form)
	end := posKey(prefix, unixNano(closedBefore), 0)
	after := prefix
	for after != nil {
		var ids [][]byte
		err := s.db.view(ctx, func(tx *bolt.Tx) (err error) {
			ids, after, err = scanDue(tx, prefix, after, end, closedBefore)
			return err
		})
		if err == nil && len(ids) > 0 {
			err = fn(ids)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// scanDue reads the form index from after (exclusive) up to end and
// returns the IDs of due requests, at most retentionBatch from at most
// retentionScan entries, and where to continue (nil: done).
func scanDue(tx *bolt.Tx, prefix, after, end []byte, closedBefore time.Time) (ids [][]byte, next []byte, err error) {
	rows, subs := tx.Bucket(bucketSubmissionRows), tx.Bucket(bucketSubmissions)
	cutoff := unixNano(closedBefore)
	c := tx.Bucket(bucketSubmissionForm).Cursor()
	k, _ := c.Seek(after)
	if bytes.Equal(k, after) {
		k, _ = c.Next()
	}
	var last []byte
	for scanned := 0; k != nil && bytes.HasPrefix(k, prefix) && bytes.Compare(k, end) < 0; k, _ = c.Next() {
		if scanned == retentionScan || len(ids) == retentionBatch {
			return ids, bytes.Clone(last), nil
		}
		scanned++
		last = k
		id := k[len(k)-8:]
		r, ok := decodeRow(rows.Get(id))
		if !ok || r.closed == 0 || r.closed >= cutoff || !modulario.SubmissionStatus(r.status).Closed() {
			continue
		}
		// Only the already anonymised need the request itself.
		var sub modulario.Submission
		if err := json.Unmarshal(subs.Get(id), &sub); err != nil {
			return nil, nil, err
		}
		if due(&sub, closedBefore) {
			ids = append(ids, bytes.Clone(id))
		}
	}
	return ids, nil, nil
}

// deleteSubmission removes sub and everything about it: its lookups
// (tracking token, number), inbox row and index entries, attachments,
// bookings and notifications. Its number stays used (the year's counter
// is left alone); its rating loses the comment and its link (stars are
// anonymous statistics of the form).
func deleteSubmission(tx *bolt.Tx, sub *modulario.Submission) error {
	id := u64(sub.ID)
	if err := deleteLookup(tx, bucketSubmissionTokens, sub.Token, id); err != nil {
		return err
	}
	if err := deleteLookup(tx, bucketSubmissionNumbers, sub.Number, id); err != nil {
		return err
	}
	entries := submissionEntries(sub, submissionWords(sub))
	if sub.DueAt != nil {
		// A request closed by an older version may still have its entry.
		entries = append(entries, indexEntry{bucketSubmissionDue, posKey(valuePrefix(sub.Office), unixNano(*sub.DueAt), sub.ID)})
	}
	if err := deleteEntries(tx, entries); err != nil {
		return err
	}
	if err := tx.Bucket(bucketSubmissionRows).Delete(id); err != nil {
		return err
	}
	if err := deleteRequestFiles(tx, sub.ID); err != nil {
		return err
	}
	if err := deleteBookings(tx, sub); err != nil {
		return err
	}
	if err := deleteOutboxOf(tx, sub.ID); err != nil {
		return err
	}
	if err := scrubRating(tx, sub.ID, true); err != nil {
		return err
	}
	return tx.Bucket(bucketSubmissions).Delete(id)
}

// anonymiseSubmission keeps sub's statistics (form, version, office,
// status, channel, dates, tags, priority, rating stars) and drops the
// rest: answers and their search words, attachments, references,
// tracking token, assignee, who entered it, the messages, actors and
// files of its timeline, the citizen's name on its bookings and its
// notifications. AnonymisedAt marks it, so later runs leave it alone.
func anonymiseSubmission(tx *bolt.Tx, sub *modulario.Submission, now time.Time) error {
	if err := deleteEntries(tx, wordEntries(sub, submissionWords(sub))); err != nil {
		return err
	}
	if err := deleteLookup(tx, bucketSubmissionTokens, sub.Token, u64(sub.ID)); err != nil {
		return err
	}
	if err := deleteRequestFiles(tx, sub.ID); err != nil {
		return err
	}
	if err := deleteOutboxOf(tx, sub.ID); err != nil {
		return err
	}
	if err := scrubRating(tx, sub.ID, false); err != nil {
		return err
	}
	next := *sub
	next.Data = json.RawMessage(`{}`)
	next.Attachments, next.References = nil, nil
	next.Token, next.Assignee, next.EnteredBy = "", "", ""
	next.Timeline = make([]modulario.Event, len(sub.Timeline))
	for i, e := range sub.Timeline {
		next.Timeline[i] = modulario.Event{Type: e.Type, Status: e.Status, At: e.At, Internal: e.Internal, Office: e.Office}
	}
	if err := scrubBookings(tx, &next, now); err != nil {
		return err
	}
	at := now
	next.AnonymisedAt, next.UpdatedAt = &at, now
	if err := moveInboxIndexes(tx, sub, &next); err != nil {
		return err
	}
	return putJSON(tx.Bucket(bucketSubmissions), u64(sub.ID), &next)
}

func deleteEntries(tx *bolt.Tx, entries []indexEntry) error {
	for _, e := range entries {
		if err := tx.Bucket(e.bucket).Delete(e.key); err != nil {
			return err
		}
	}
	return nil
}

// deleteLookup deletes key from a lookup bucket if it still names id.
func deleteLookup(tx *bolt.Tx, bucket []byte, key string, id []byte) error {
	b := tx.Bucket(bucket)
	if key == "" || !bytes.Equal(b.Get([]byte(key)), id) {
		return nil
	}
	return b.Delete([]byte(key))
}

// deleteRequestFiles deletes the files of request id, and those uploaded
// for an integration that was never sent.
func deleteRequestFiles(tx *bolt.Tx, id uint64) error {
	n := strconv.FormatUint(id, 10)
	if err := deleteOwnedAttachments(tx, ownerSubmissionPrefix+n); err != nil {
		return err
	}
	return deleteOwnedAttachments(tx, ownerIntegrationPrefix+n)
}

// deleteBookings deletes the bookings of sub's appointments.
func deleteBookings(tx *bolt.Tx, sub *modulario.Submission) error {
	for _, a := range sub.Appointments {
		b, err := findBooking(tx, a.BookingID)
		if modulario.ErrorCode(err) == modulario.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		if err := deleteBooking(tx, b); err != nil {
			return err
		}
	}
	return nil
}

// scrubBookings drops the citizen's name and the messages from sub's
// appointments and their bookings, which stay for the agenda's figures.
func scrubBookings(tx *bolt.Tx, sub *modulario.Submission, now time.Time) error {
	sub.Appointments = append([]modulario.Appointment(nil), sub.Appointments...)
	for i := range sub.Appointments {
		sub.Appointments[i].Name, sub.Appointments[i].Reason = "", ""
		old, err := findBooking(tx, sub.Appointments[i].BookingID)
		if modulario.ErrorCode(err) == modulario.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		b := *old
		b.Name, b.Reason, b.UpdatedAt = "", "", now
		if err := putBooking(tx, old, &b); err != nil {
			return err
		}
	}
	return nil
}

// deleteOutboxOf deletes every notification about request id, whatever
// its state: a pending one has nothing left to say about a request that
// is gone or anonymised, and sent ones keep recipients in their errors.
func deleteOutboxOf(tx *bolt.Tx, id uint64) error {
	bySub := tx.Bucket(bucketOutboxBySubmission)
	for _, mid := range outboxIDsOf(tx, id) {
		if err := bySub.Delete(joinKey(u64(id), []byte(mid))); err != nil {
			return err
		}
		m, err := findOutbox(tx, mid)
		if modulario.ErrorCode(err) == modulario.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		if m.Status == modulario.OutboxPending {
			if err := tx.Bucket(bucketOutboxDue).Delete(dueKey(m)); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketOutboxCreated).Delete(joinKey(timeKey(m.CreatedAt), []byte(m.ID))); err != nil {
			return err
		}
		if err := tx.Bucket(bucketOutbox).Delete([]byte(m.ID)); err != nil {
			return err
		}
	}
	return nil
}

// scrubRating drops the free-text comment of request id's rating and,
// with unlink, its link to the request (which is being deleted).
func scrubRating(tx *bolt.Tx, id uint64, unlink bool) error {
	bySub := tx.Bucket(bucketRatingsBySubmission)
	rid := bySub.Get(u64(id))
	if len(rid) != 8 {
		return nil
	}
	rid = bytes.Clone(rid)
	if unlink {
		if err := bySub.Delete(u64(id)); err != nil {
			return err
		}
	}
	ratings := tx.Bucket(bucketRatings)
	var r modulario.Rating
	if ok, err := getJSON(ratings, rid, &r); err != nil || !ok || r.Comment == "" {
		return err
	}
	r.Comment = ""
	return putJSON(ratings, rid, &r)
}
