package storage

import (
	"context"
	"encoding/json"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// ImportSubmissions stores complete submissions in one transaction,
// committed (fsynced) before it returns: for seeding benchmark stores
// (`modulario dev seed`) and for migrations. Unlike CreateSubmission it
// keeps each submission's Status, Channel, Office, Assignee, Tags,
// Timeline, CreatedAt, UpdatedAt, TakenInChargeAt, ClosedAt, DueAt and
// EnteredBy as given (defaults: received, web, now, CreatedAt, one
// "received" event) and indexes them for the inbox; it assigns ID, Number (by the
// year of CreatedAt) and Token, and claims no draft, attachment or outbox
// message. Returns EINVALID, and stores nothing, if a submission has no
// form or its data is not JSON.
func (s *SubmissionService) ImportSubmissions(ctx context.Context, subs []*modulario.Submission) error {
	for _, sub := range subs {
		if sub.FormSlug == "" || len(sub.Data) == 0 || !json.Valid(sub.Data) {
			return invalidf("Every imported request needs a form and JSON data.")
		}
	}
	out := make([]modulario.Submission, len(subs))
	words := make([][]string, len(subs))
	for i, sub := range subs {
		words[i] = submissionWords(sub)
	}
	err := s.db.update(ctx, func(tx *bolt.Tx) error {
		var entries entryBatch
		for i, sub := range subs {
			out[i] = *sub
			if err := s.importOne(tx, &out[i], words[i], &entries); err != nil {
				return err
			}
		}
		return entries.flush(tx)
	})
	if err != nil {
		return err
	}
	for i := range subs {
		*subs[i] = out[i]
	}
	return nil
}

// importOne fills in the defaults and identifiers of sub and writes it
// with its token, number and row inside tx; its inbox index entries go
// to entries, put in key order at the end of the import.
func (s *SubmissionService) importOne(tx *bolt.Tx, sub *modulario.Submission, words []string, entries *entryBatch) error {
	id, err := tx.Bucket(bucketSubmissions).NextSequence()
	if err != nil {
		return err
	}
	sub.ID = id
	if sub.CreatedAt.IsZero() {
		sub.CreatedAt = s.db.now()
	}
	sub.CreatedAt = sub.CreatedAt.Round(0)
	if sub.UpdatedAt.IsZero() {
		sub.UpdatedAt = sub.CreatedAt
	}
	if sub.Status == "" {
		sub.Status = modulario.StatusReceived
	}
	if sub.Channel == "" {
		sub.Channel = modulario.ChannelWeb
	}
	if len(sub.Timeline) == 0 {
		sub.Timeline = []modulario.Event{{Type: modulario.EventTypeReceived, Status: modulario.StatusReceived,
			At: sub.CreatedAt, Actor: receivedActor(sub)}}
	}
	if sub.Number, err = s.nextNumber(tx, sub); err != nil {
		return err
	}
	sub.Token = newToken(32)
	if tx.Bucket(bucketSubmissionTokens).Get([]byte(sub.Token)) != nil {
		return modulario.Errorf(modulario.ECONFLICT, "Tracking token collision.")
	}
	if err := putJSON(indexBucket(tx, bucketSubmissions), u64(id), sub); err != nil {
		return err
	}
	if err := putLookups(tx, sub); err != nil {
		return err
	}
	return entries.add(tx, sub, words)
}
