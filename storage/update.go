package storage

import (
	"context"
	"slices"
	"time"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// UpdateSubmission applies c in one transaction shared with concurrent
// writers: the status change (checked with CanTransition, by the citizen
// when c.Actor is ActorCitizen) with its message and the integration
// files claimed from IntegrationOwner(id), the re-routing, the assignment
// and the internal note, each with its timeline event stamped with the
// actor, and the tags and priority the status rules set; the request
// moves in every inbox index, and outbox is queued as EventStatusChanged
// only when the status changed. On success the
// caller's messages hold the stored values. A request moving to a closed
// status frees its future bookings (cancelled, and so marked in
// Appointments) in the same transaction. Returns ENOTFOUND, ECONFLICT
// when c.IfStatus differs from the stored status, and EINVALID for an
// empty change, an unknown status, a refused transition, a message or
// files without a status change, or files not uploaded for this request.
func (s *SubmissionService) UpdateSubmission(ctx context.Context, id uint64, c modulario.Change, outbox ...*modulario.OutboxMessage) (*modulario.Submission, error) {
	return s.update(ctx, id, c, true, outbox)
}

// update implements UpdateSubmission; enforce=false skips the transition
// check (ChangeStatus).
func (s *SubmissionService) update(ctx context.Context, id uint64, c modulario.Change, enforce bool, outbox []*modulario.OutboxMessage) (*modulario.Submission, error) {
	if err := checkChange(&c); err != nil {
		return nil, err
	}
	ids, err := newOutboxIDs(outbox)
	if err != nil {
		return nil, err
	}
	var sub *modulario.Submission
	var queued []modulario.OutboxMessage
	err = s.db.batch(ctx, func(tx *bolt.Tx) error {
		// Batch may run this more than once: reassign everything.
		sub, queued = nil, nil
		now := s.db.now()
		old, err := findSubmission(tx, u64(id))
		if err != nil {
			return err
		}
		if c.IfStatus != "" && old.Status != c.IfStatus {
			return modulario.Errorf(modulario.ECONFLICT, "The request changed meanwhile: it is now %s.", old.Status)
		}
		next := *old
		changed, err := applyChange(tx, &next, &c, now, enforce)
		if err != nil || !changed {
			sub = old
			return err
		}
		next.UpdatedAt = now
		if c.Status != "" && next.Status.Closed() {
			// A closed request frees the places of its future appointments.
			if err := freeFutureBookings(tx, &next, now); err != nil {
				return err
			}
		}
		if err := moveInboxIndexes(tx, old, &next); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bucketSubmissions), u64(id), &next); err != nil {
			return err
		}
		sub = &next
		if c.Status == "" {
			return nil
		}
		queued, err = queueOutbox(tx, outbox, ids, sub, modulario.EventStatusChanged, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.db.committed(outbox, queued)
	return sub, nil
}

// checkChange refuses changes that can be judged without the request.
func checkChange(c *modulario.Change) error {
	switch {
	case c.Empty():
		return invalidf("The change is empty.")
	case c.Status != "" && !knownStatuses[c.Status]:
		return invalidf("Unknown request status %q.", c.Status)
	case c.IfStatus != "" && !knownStatuses[c.IfStatus]:
		return invalidf("Unknown request status %q.", c.IfStatus)
	case c.Status == "" && (c.Message != "" || len(c.Attachments) > 0):
		return invalidf("A message or files for the citizen need a status change.")
	}
	return nil
}

// applyChange applies every part of c to sub (a copy of the stored
// request) and reports whether anything changed.
func applyChange(tx *bolt.Tx, sub *modulario.Submission, c *modulario.Change, now time.Time, enforce bool) (bool, error) {
	event := func(e modulario.Event) {
		e.At, e.Actor, e.ActorName = now, c.Actor, c.ActorName
		sub.Timeline = append(sub.Timeline[:len(sub.Timeline):len(sub.Timeline)], e)
	}
	changed := false
	if c.Status != "" {
		if err := applyStatus(tx, sub, c, now, enforce, event); err != nil {
			return false, err
		}
		changed = true
	}
	if c.Office != "" && c.Office != sub.Office {
		sub.Office, sub.Assignee = c.Office, ""
		event(modulario.Event{Type: modulario.EventTypeRerouted, Internal: true, Office: c.Office, Message: c.Reason})
		changed = true
	}
	if c.Assign != nil && *c.Assign != sub.Assignee {
		sub.Assignee = *c.Assign
		event(modulario.Event{Type: modulario.EventTypeAssigned, Internal: true, Assignee: sub.Assignee})
		changed = true
	}
	if c.Note != "" {
		event(modulario.Event{Type: modulario.EventTypeNote, Internal: true, Message: c.Note})
		changed = true
	}
	for _, t := range c.Tags {
		if t != "" && !slices.Contains(sub.Tags, t) {
			sub.Tags = append(sub.Tags[:len(sub.Tags):len(sub.Tags)], t)
			changed = true
		}
	}
	if c.Priority != "" && c.Priority != sub.Priority {
		sub.Priority = c.Priority
		changed = true
	}
	return changed, nil
}

// applyStatus moves sub to c.Status, sets TakenInChargeAt and ClosedAt,
// claims the integration files and records the "status_changed" event.
func applyStatus(tx *bolt.Tx, sub *modulario.Submission, c *modulario.Change, now time.Time, enforce bool, event func(modulario.Event)) error {
	from := sub.Status
	if enforce && !modulario.CanTransition(from, c.Status, c.Actor == modulario.ActorCitizen) {
		return invalidf("A request cannot move from %s to %s.", from, c.Status)
	}
	sub.Status = c.Status
	if from == modulario.StatusReceived && c.Status != modulario.StatusWithdrawn && sub.TakenInChargeAt == nil {
		at := now
		sub.TakenInChargeAt = &at
	}
	if c.Status.Closed() {
		at := now
		sub.ClosedAt = &at
	}
	var attIDs []string
	if len(c.Attachments) > 0 {
		claimed, err := claimAttachments(tx, c.Attachments, modulario.IntegrationOwner(sub.ID), sub.ID, true)
		if err != nil {
			return err
		}
		sub.Attachments = append(sub.Attachments[:len(sub.Attachments):len(sub.Attachments)], claimed...)
		for _, a := range claimed {
			attIDs = append(attIDs, a.ID)
		}
	}
	event(modulario.Event{Type: modulario.EventTypeStatusChanged, Status: c.Status, Message: c.Message, Attachments: attIDs})
	return nil
}

// QueueMessages queues outbox about request id outside a status change,
// in one transaction committed before it returns, and wakes the
// dispatcher. Every message needs a channel and an Event. On success the
// caller's messages hold the stored values. Returns ENOTFOUND for an
// unknown request and EINVALID for a message without channel or event.
func (s *SubmissionService) QueueMessages(ctx context.Context, id uint64, outbox ...*modulario.OutboxMessage) error {
	ids, err := newOutboxIDs(outbox)
	if err != nil {
		return err
	}
	for _, m := range outbox {
		if m.Event == "" {
			return invalidf("A notification needs an event.")
		}
	}
	var queued []modulario.OutboxMessage
	err = s.db.batch(ctx, func(tx *bolt.Tx) error {
		sub, err := findSubmission(tx, u64(id))
		if err != nil {
			return err
		}
		queued, err = queueOutbox(tx, outbox, ids, sub, "", s.db.now())
		return err
	})
	if err != nil {
		return err
	}
	s.db.committed(outbox, queued)
	return nil
}
