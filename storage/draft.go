package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"time"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// DraftService stores citizens' answers between steps.
type DraftService struct {
	db *DB
}

var _ modulario.DraftService = (*DraftService)(nil)

// NewDraftService returns the DraftService of db.
func NewDraftService(db *DB) *DraftService { return &DraftService{db: db} }

// CreateDraft assigns Token and timestamps and stores d. Returns EINVALID
// if ExpiresAt or FormSlug is missing.
func (s *DraftService) CreateDraft(ctx context.Context, d *modulario.Draft) error {
	if d.ExpiresAt.IsZero() {
		return invalidf("The draft needs an expiry time.")
	}
	if d.FormSlug == "" {
		return invalidf("The draft needs a form.")
	}
	draft := *d
	err := s.db.batch(ctx, func(tx *bolt.Tx) error {
		// Reassigned on every run: Batch may retry this function.
		draft.Token = newToken(32)
		draft.CreatedAt = s.db.now()
		draft.UpdatedAt = draft.CreatedAt
		return putDraft(tx, &draft)
	})
	if err != nil {
		return err
	}
	*d = draft
	return nil
}

// FindDraft returns a draft. Returns ENOTFOUND if missing or expired.
func (s *DraftService) FindDraft(ctx context.Context, token string) (*modulario.Draft, error) {
	var d *modulario.Draft
	err := s.db.view(ctx, func(tx *bolt.Tx) (err error) {
		d, err = s.findLiveDraft(tx, token)
		return err
	})
	return d, err
}

// findLiveDraft returns a draft that has not expired.
func (s *DraftService) findLiveDraft(tx *bolt.Tx, token string) (*modulario.Draft, error) {
	d, err := findDraft(tx, token)
	if err != nil {
		return nil, err
	}
	if !s.db.now().Before(d.ExpiresAt) {
		return nil, notFoundf("The draft has expired.")
	}
	return d, nil
}

func findDraft(tx *bolt.Tx, token string) (*modulario.Draft, error) {
	var d modulario.Draft
	if token == "" {
		return nil, notFoundf("Draft not found.")
	}
	if ok, err := getJSON(tx.Bucket(bucketDrafts), []byte(token), &d); err != nil {
		return nil, err
	} else if !ok {
		return nil, notFoundf("Draft not found.")
	}
	return &d, nil
}

// UpdateDraft replaces a draft's data, consent, step, attachments and
// expiry. Returns ENOTFOUND if missing or expired.
func (s *DraftService) UpdateDraft(ctx context.Context, d *modulario.Draft) error {
	var draft modulario.Draft
	err := s.db.batch(ctx, func(tx *bolt.Tx) error {
		old, err := s.findLiveDraft(tx, d.Token)
		if err != nil {
			return err
		}
		draft = *old
		draft.Data, draft.Consent, draft.Step = d.Data, d.Consent, d.Step
		draft.Attachments = d.Attachments
		if !d.ExpiresAt.IsZero() {
			draft.ExpiresAt = d.ExpiresAt
		}
		draft.UpdatedAt = s.db.now()
		if err := tx.Bucket(bucketDraftExpiry).Delete(expiryKey(old)); err != nil {
			return err
		}
		return putDraft(tx, &draft)
	})
	if err != nil {
		return err
	}
	*d = draft
	return nil
}

// DeleteDraft removes a draft, the attachments it owns and its holds.
// Deleting a missing draft is not an error.
func (s *DraftService) DeleteDraft(ctx context.Context, token string) error {
	return s.db.update(ctx, func(tx *bolt.Tx) error {
		return deleteDraft(tx, token)
	})
}

// purgeChunk is how many expired drafts one write transaction deletes: the
// single bbolt writer is shared with citizens' submissions, so a large purge
// must not hold it for long.
const purgeChunk = 200

// PurgeExpiredDrafts deletes drafts (with their attachments and holds) that expired
// before now and returns how many. It walks the expiry index, not every
// draft, in transactions of at most purgeChunk drafts.
func (s *DraftService) PurgeExpiredDrafts(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		var n int
		err := s.db.update(ctx, func(tx *bolt.Tx) error {
			n = 0
			limit := timeKey(now)
			var tokens []string
			c := tx.Bucket(bucketDraftExpiry).Cursor()
			for k, _ := c.First(); k != nil && bytes.Compare(k[:8], limit) < 0 && len(tokens) < purgeChunk; k, _ = c.Next() {
				tokens = append(tokens, string(k[9:]))
			}
			for _, token := range tokens {
				if err := deleteDraft(tx, token); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		total += n
		if err != nil {
			return total, err
		}
		if n < purgeChunk {
			return total, s.purgeDraftLinks(ctx, now)
		}
	}
}

// purgeDraftLinks deletes the draft → submission links (see
// FindSubmissionByDraft) that expired before now. They live a day, so the
// bucket holds about a day of web submissions and a scan is cheap.
func (s *DraftService) purgeDraftLinks(ctx context.Context, now time.Time) error {
	return s.db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDraftSubmissions)
		var expired [][]byte
		_ = b.ForEach(func(k, v []byte) error {
			if len(v) != 16 || !now.Before(time.Unix(0, int64(binary.BigEndian.Uint64(v[8:])))) {
				expired = append(expired, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range expired {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// expiryKey is the draft's key in the expiry index.
func expiryKey(d *modulario.Draft) []byte {
	return joinKey(timeKey(d.ExpiresAt), []byte(d.Token))
}

func putDraft(tx *bolt.Tx, d *modulario.Draft) error {
	if err := tx.Bucket(bucketDraftExpiry).Put(expiryKey(d), nil); err != nil {
		return err
	}
	return putJSON(tx.Bucket(bucketDrafts), []byte(d.Token), d)
}

// deleteDraft removes a draft, its expiry entry, the attachments it still
// owns and the slots it holds.
func deleteDraft(tx *bolt.Tx, token string) error {
	if token != "" {
		if err := releaseHolds(tx, modulario.DraftHolder(token)); err != nil {
			return err
		}
	}
	d, err := findDraft(tx, token)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if err := tx.Bucket(bucketDraftExpiry).Delete(expiryKey(d)); err != nil {
		return err
	}
	if err := tx.Bucket(bucketDrafts).Delete([]byte(token)); err != nil {
		return err
	}
	return deleteOwnedAttachments(tx, ownerDraftPrefix+token)
}
