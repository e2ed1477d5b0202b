package storage

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// SubmissionService stores citizens' requests durably.
type SubmissionService struct {
	db *DB
}

var _ modulario.SubmissionService = (*SubmissionService)(nil)

// NewSubmissionService returns the SubmissionService of db.
func NewSubmissionService(db *DB) *SubmissionService { return &SubmissionService{db: db} }

// CreateSubmission assigns ID, Number, Token, timestamps, status and the
// "received" event, re-owns s.Attachments, deletes the draft and stores s,
// all in one transaction committed (fsynced) before it returns. Concurrent
// calls share commits (group commit). CreatedAt, if set, decides the year
// of the number; otherwise DB.Now does. Returns EINVALID if the form slug
// or data is missing or an attachment is unknown or owned by another draft
// or request, and ENOTFOUND if draftToken names no draft (already submitted
// or purged), so a double submit cannot make two requests.
//
// Each of s.Appointments (Field, Calendar, Start, Name) is confirmed in the
// same transaction: the draft's hold of that field becomes the confirmed
// booking, or (no hold, or an API request without draft) the slot must be
// offered and have a free place. A full slot returns ECONFLICT and a slot
// not offered EINVALID, both with Fields[field], and nothing is stored. On
// success BookingID, End and Status are filled in.
//
// outbox are written in the same transaction, pending and due at once
// (ID, SubmissionID, Status and times assigned; Event defaults to
// EventReceived); on success the caller's messages hold the stored values
// and the dispatcher is woken. s.Office is stored as routed and indexed.
func (s *SubmissionService) CreateSubmission(ctx context.Context, sub *modulario.Submission, draftToken string, outbox ...*modulario.OutboxMessage) error {
	if sub.FormSlug == "" {
		return invalidf("The request needs a form.")
	}
	if len(sub.Data) == 0 || !json.Valid(sub.Data) {
		return invalidf("The request data is not valid JSON.")
	}
	ids, err := newOutboxIDs(outbox)
	if err != nil {
		return err
	}
	var out modulario.Submission
	var queued []modulario.OutboxMessage
	var refused error
	words := submissionWords(sub) // outside the transaction every writer waits for
	err = s.db.batch(ctx, func(tx *bolt.Tx) error {
		// Batch may run this more than once: build out from scratch each time.
		out, queued, refused = *sub, nil, nil
		out.Appointments = append([]modulario.Appointment(nil), sub.Appointments...)
		// The draft is checked first: a double submit finds it gone and
		// gets ENOTFOUND, not the ECONFLICT of the slot its first submit
		// just confirmed.
		if draftToken != "" {
			if _, err := findDraft(tx, draftToken); refusal(err) {
				refused = err
				return nil
			} else if err != nil {
				return err
			}
		}
		// Appointments are checked before anything is written, so a full
		// slot refuses this request without failing the shared commit.
		plans, err := planAppointments(tx, &out, draftToken, s.db.now())
		if refusal(err) {
			refused = err
			return nil
		} else if err != nil {
			return err
		}
		if err := s.create(tx, &out, draftToken, words, plans); err != nil {
			return err
		}
		queued, err = queueOutbox(tx, outbox, ids, &out, modulario.EventReceived, s.db.now())
		return err
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return err
	}
	*sub = out
	s.db.committed(outbox, queued)
	return nil
}

// create fills in s and writes it with its indexes inside tx.
func (s *SubmissionService) create(tx *bolt.Tx, sub *modulario.Submission, draftToken string, words []string, plans []apptPlan) error {
	subs := indexBucket(tx, bucketSubmissions) // IDs only grow: fill pages
	id, err := subs.NextSequence()
	if err != nil {
		return err
	}
	if sub.CreatedAt.IsZero() {
		sub.CreatedAt = s.db.now()
	}
	sub.CreatedAt = sub.CreatedAt.Round(0)
	sub.ID = id
	sub.UpdatedAt = sub.CreatedAt
	sub.Status = modulario.StatusReceived
	if sub.Channel == "" {
		sub.Channel = modulario.ChannelWeb
	}
	sub.Timeline = append(append([]modulario.Event(nil), sub.Timeline...),
		modulario.Event{Type: modulario.EventTypeReceived, Status: modulario.StatusReceived, At: sub.CreatedAt,
			Actor: receivedActor(sub)})
	if sub.Number, err = s.nextNumber(tx, sub); err != nil {
		return err
	}
	sub.Token = newToken(32)
	if tx.Bucket(bucketSubmissionTokens).Get([]byte(sub.Token)) != nil {
		return fmt.Errorf("tracking token collision")
	}

	if err := applyAppointments(tx, sub, plans); err != nil {
		return err
	}
	if err := s.claimDraft(tx, sub, draftToken); err != nil {
		return err
	}
	if err := putJSON(subs, u64(id), sub); err != nil {
		return err
	}
	return putSubmissionIndexes(tx, sub, words)
}

// receivedActor is who made a new request: the staff member who entered
// it for a citizen, or the citizen.
func receivedActor(sub *modulario.Submission) string {
	if sub.EnteredBy != "" {
		return sub.EnteredBy
	}
	return modulario.ActorCitizen
}

// nextNumber increments the counter of the submission's year and returns
// "YYYY-NNNNNNN". The counter lives in the same transaction as the
// submission, so a crash can neither reuse nor skip a number.
func (s *SubmissionService) nextNumber(tx *bolt.Tx, sub *modulario.Submission) (string, error) {
	year := sub.CreatedAt.In(s.db.loc).Year()
	counters := tx.Bucket(bucketCounters)
	key := []byte(strconv.Itoa(year))
	var last uint64
	if v := counters.Get(key); len(v) == 8 {
		last = binary.BigEndian.Uint64(v)
	}
	last++
	if err := counters.Put(key, u64(last)); err != nil {
		return "", err
	}
	number := fmt.Sprintf("%04d-%07d", year, last)
	if tx.Bucket(bucketSubmissionNumbers).Get([]byte(number)) != nil {
		return "", modulario.Errorf(modulario.ECONFLICT, "Request number %s already exists.", number)
	}
	return number, nil
}

// claimDraft moves the listed attachments to the submission and deletes
// the draft with whatever attachments it still owns.
func (s *SubmissionService) claimDraft(tx *bolt.Tx, sub *modulario.Submission, draftToken string) error {
	from := ""
	if draftToken != "" {
		if _, err := findDraft(tx, draftToken); err != nil {
			return err
		}
		from = ownerDraftPrefix + draftToken
	}
	atts, err := claimAttachments(tx, sub.Attachments, from, sub.ID, false)
	if err != nil {
		return err
	}
	if len(atts) > 0 {
		sub.Attachments = atts
	}
	if draftToken == "" {
		return nil
	}
	if err := deleteDraft(tx, draftToken); err != nil {
		return err
	}
	link := append(u64(sub.ID), u64(uint64(sub.CreatedAt.Add(draftLinkTTL).UnixNano()))...)
	return tx.Bucket(bucketDraftSubmissions).Put([]byte(draftToken), link)
}

// draftLinkTTL is how long FindSubmissionByDraft finds a submitted draft.
const draftLinkTTL = 24 * time.Hour

// FindSubmissionByDraft returns the submission the draft with draftToken
// became, for draftLinkTTL after it was created, so a second click on the
// final button shows the same receipt. Returns ENOTFOUND if the draft was
// never submitted or the link expired.
func (s *SubmissionService) FindSubmissionByDraft(ctx context.Context, draftToken string) (*modulario.Submission, error) {
	var sub *modulario.Submission
	err := s.db.view(ctx, func(tx *bolt.Tx) (err error) {
		v := tx.Bucket(bucketDraftSubmissions).Get([]byte(draftToken))
		if draftToken == "" || len(v) != 16 ||
			!s.db.now().Before(time.Unix(0, int64(binary.BigEndian.Uint64(v[8:])))) {
			return notFoundf("Request not found.")
		}
		sub, err = findSubmission(tx, v[:8])
		return err
	})
	return sub, err
}

// putSubmissionIndexes writes the token and number index entries of sub,
// its inbox row and its inbox index entries (see inbox_index.go).
func putSubmissionIndexes(tx *bolt.Tx, sub *modulario.Submission, words []string) error {
	if err := putLookups(tx, sub); err != nil {
		return err
	}
	return putInboxIndexes(tx, sub, words)
}

// putLookups writes the token and number index entries of sub.
func putLookups(tx *bolt.Tx, sub *modulario.Submission) error {
	id := u64(sub.ID)
	if err := tx.Bucket(bucketSubmissionTokens).Put([]byte(sub.Token), id); err != nil {
		return err
	}
	return tx.Bucket(bucketSubmissionNumbers).Put([]byte(sub.Number), id)
}

// FindSubmissionByToken returns a submission by tracking token.
// Returns ENOTFOUND if none matches.
func (s *SubmissionService) FindSubmissionByToken(ctx context.Context, token string) (*modulario.Submission, error) {
	return s.findByIndex(ctx, bucketSubmissionTokens, token)
}

// FindSubmissionByNumber returns a submission by request number.
// Returns ENOTFOUND if none matches.
func (s *SubmissionService) FindSubmissionByNumber(ctx context.Context, number string) (*modulario.Submission, error) {
	return s.findByIndex(ctx, bucketSubmissionNumbers, number)
}

// FindSubmission returns a submission by ID. Returns ENOTFOUND if missing.
func (s *SubmissionService) FindSubmission(ctx context.Context, id uint64) (*modulario.Submission, error) {
	var sub *modulario.Submission
	err := s.db.view(ctx, func(tx *bolt.Tx) (err error) {
		sub, err = findSubmission(tx, u64(id))
		return err
	})
	return sub, err
}

func (s *SubmissionService) findByIndex(ctx context.Context, index []byte, key string) (*modulario.Submission, error) {
	var sub *modulario.Submission
	err := s.db.view(ctx, func(tx *bolt.Tx) (err error) {
		id := tx.Bucket(index).Get([]byte(key))
		if key == "" || id == nil {
			return notFoundf("Request not found.")
		}
		sub, err = findSubmission(tx, id)
		return err
	})
	return sub, err
}

func findSubmission(tx *bolt.Tx, id []byte) (*modulario.Submission, error) {
	var sub modulario.Submission
	if ok, err := getJSON(tx.Bucket(bucketSubmissions), id, &sub); err != nil {
		return nil, err
	} else if !ok {
		return nil, notFoundf("Request not found.")
	}
	return &sub, nil
}

// CountSubmissions returns the number of stored submissions.
func (s *SubmissionService) CountSubmissions(ctx context.Context) (int, error) {
	var n int
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketSubmissions).Stats().KeyN
		return nil
	})
	return n, err
}
