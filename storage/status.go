package storage

import (
	"context"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// knownStatuses are the statuses a change may name.
var knownStatuses = map[modulario.SubmissionStatus]bool{
	modulario.StatusReceived: true, modulario.StatusInCharge: true,
	modulario.StatusWaiting: true, modulario.StatusIntegrated: true,
	modulario.StatusConcluded: true, modulario.StatusRejected: true,
	modulario.StatusWithdrawn: true,
}

// ChangeStatus sets a submission's status with a "status_changed"
// timeline event carrying message, and queues outbox (as
// EventStatusChanged with the new status), all in one transaction, like
// UpdateSubmission but without the transition check: tests, imports and
// the command line may set any known status. On success the caller's
// messages hold the stored values. Returns EINVALID for an unknown status
// and ENOTFOUND for an unknown submission.
func (s *SubmissionService) ChangeStatus(ctx context.Context, id uint64, status modulario.SubmissionStatus, message string, outbox ...*modulario.OutboxMessage) (*modulario.Submission, error) {
	return s.update(ctx, id, modulario.Change{Status: status, Message: message}, false, outbox)
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
