package storage

import (
	"context"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// knownStatuses are the statuses ChangeStatus accepts.
var knownStatuses = map[modulario.SubmissionStatus]bool{
	modulario.StatusReceived: true, modulario.StatusInCharge: true,
	modulario.StatusWaiting: true, modulario.StatusIntegrated: true,
	modulario.StatusConcluded: true, modulario.StatusRejected: true,
	modulario.StatusWithdrawn: true,
}

// ChangeStatus sets a submission's status and UpdatedAt, appends a
// "status_changed" timeline event with message, moves the submission in
// the office+status+time index and queues outbox (as EventStatusChanged
// with the new status), all in one transaction. On success the caller's
// messages hold the stored values. Returns EINVALID for an unknown status
// and ENOTFOUND for an unknown submission.
func (s *SubmissionService) ChangeStatus(ctx context.Context, id uint64, status modulario.SubmissionStatus, message string, outbox ...*modulario.OutboxMessage) (*modulario.Submission, error) {
	if !knownStatuses[status] {
		return nil, invalidf("Unknown request status %q.", status)
	}
	ids, err := newOutboxIDs(outbox)
	if err != nil {
		return nil, err
	}
	var sub *modulario.Submission
	var queued []modulario.OutboxMessage
	err = s.db.batch(ctx, func(tx *bolt.Tx) (err error) {
		// Batch may run this more than once: reassign everything.
		now := s.db.now()
		if sub, err = findSubmission(tx, u64(id)); err != nil {
			return err
		}
		index := tx.Bucket(bucketSubmissionOffice)
		if err := index.Delete(officeKey(sub)); err != nil {
			return err
		}
		sub.Status, sub.UpdatedAt = status, now
		sub.Timeline = append(sub.Timeline, modulario.Event{
			Type: "status_changed", Status: status, Message: message, At: now,
		})
		if err := index.Put(officeKey(sub), nil); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bucketSubmissions), u64(id), sub); err != nil {
			return err
		}
		queued, err = queueOutbox(tx, outbox, ids, sub, modulario.EventStatusChanged, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	copyBack(outbox, queued)
	if len(queued) > 0 {
		s.db.signalWake()
	}
	return sub, nil
}

// SetReference stores reference under source in the submission's
// References (e.g. the protocol number a webhook receiver returned),
// replacing an earlier one of the same source. Returns EINVALID for an
// empty source and ENOTFOUND for an unknown submission.
func (s *SubmissionService) SetReference(ctx context.Context, id uint64, source, reference string) error {
	if source == "" {
		return invalidf("A reference needs a source.")
	}
	return s.db.batch(ctx, func(tx *bolt.Tx) error {
		sub, err := findSubmission(tx, u64(id))
		if err != nil {
			return err
		}
		if sub.References == nil {
			sub.References = map[string]string{}
		}
		sub.References[source] = reference
		sub.UpdatedAt = s.db.now()
		return putJSON(tx.Bucket(bucketSubmissions), u64(id), sub)
	})
}
