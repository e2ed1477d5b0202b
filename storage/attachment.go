package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// Owner prefixes of attachments.
const (
	ownerDraftPrefix      = "draft:"
	ownerSubmissionPrefix = "submission:"
	// ownerIntegrationPrefix is modulario.IntegrationOwner's prefix.
	ownerIntegrationPrefix = "integration:"
)

// attachmentRecord is the stored metadata of an attachment; the content
// lives in its own bucket so JSON values stay small.
type attachmentRecord struct {
	modulario.Attachment
	Owner string `json:"owner,omitempty"`
}

// AttachmentService stores uploaded files.
type AttachmentService struct {
	db *DB
}

var _ modulario.AttachmentService = (*AttachmentService)(nil)

// NewAttachmentService returns the AttachmentService of db.
func NewAttachmentService(db *DB) *AttachmentService { return &AttachmentService{db: db} }

// PutAttachment assigns a.ID and CreatedAt, computes Size and SHA256, and
// stores content. owner is "", "draft:<token>" of an existing draft or
// modulario.IntegrationOwner of an existing request (a citizen's answer to
// a request for integration, claimed by UpdateSubmission). Returns
// EINVALID for another owner and ETOOLARGE over the size cap.
func (s *AttachmentService) PutAttachment(ctx context.Context, a *modulario.Attachment, owner string, content []byte) error {
	if int64(len(content)) > s.db.maxAttachmentSize {
		return modulario.Errorf(modulario.ETOOLARGE, "The file is larger than %d MB.", s.db.maxAttachmentSize>>20)
	}
	if owner != "" && !strings.HasPrefix(owner, ownerDraftPrefix) && !strings.HasPrefix(owner, ownerIntegrationPrefix) {
		return invalidf("Unknown attachment owner %q.", owner)
	}
	sum := sha256.Sum256(content)
	rec := attachmentRecord{Attachment: *a, Owner: owner}
	rec.Size = int64(len(content))
	rec.SHA256 = hex.EncodeToString(sum[:])

	err := s.db.batch(ctx, func(tx *bolt.Tx) error {
		// Reassigned on every run: Batch may retry this function.
		rec.ID = newToken(16)
		rec.CreatedAt = s.db.now()
		if token, ok := strings.CutPrefix(owner, ownerDraftPrefix); ok {
			if tx.Bucket(bucketDrafts).Get([]byte(token)) == nil {
				return invalidf("The draft of this attachment does not exist.")
			}
		}
		if id, ok := strings.CutPrefix(owner, ownerIntegrationPrefix); ok {
			n, err := strconv.ParseUint(id, 10, 64)
			if err != nil || tx.Bucket(bucketSubmissions).Get(u64(n)) == nil {
				return invalidf("The request of this attachment does not exist.")
			}
		}
		if err := putAttachment(tx, &rec); err != nil {
			return err
		}
		return tx.Bucket(bucketAttachmentData).Put([]byte(rec.ID), content)
	})
	if err != nil {
		return err
	}
	*a = rec.Attachment
	return nil
}

// FindAttachment returns metadata and content. Returns ENOTFOUND.
func (s *AttachmentService) FindAttachment(ctx context.Context, id string) (*modulario.Attachment, []byte, error) {
	var rec *attachmentRecord
	var content []byte
	err := s.db.view(ctx, func(tx *bolt.Tx) (err error) {
		if rec, err = findAttachment(tx, id); err != nil {
			return err
		}
		// Copy: bbolt's slice is only valid inside the transaction.
		content = bytes.Clone(tx.Bucket(bucketAttachmentData).Get([]byte(id)))
		if content == nil {
			content = []byte{}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return &rec.Attachment, content, nil
}

// DeleteAttachment removes an unowned or draft-owned attachment: its
// metadata, its content and its owner index entry. Returns ENOTFOUND if it
// does not exist and ECONFLICT if a submission owns it.
func (s *AttachmentService) DeleteAttachment(ctx context.Context, id string) error {
	return s.db.batch(ctx, func(tx *bolt.Tx) error {
		rec, err := findAttachment(tx, id)
		if err != nil {
			return err
		}
		if strings.HasPrefix(rec.Owner, ownerSubmissionPrefix) {
			return modulario.Errorf(modulario.ECONFLICT, "The attachment belongs to a request and cannot be deleted.")
		}
		if rec.Owner != "" {
			if err := tx.Bucket(bucketAttachmentOwners).Delete(ownerKey(rec.Owner, id)); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketAttachments).Delete([]byte(id)); err != nil {
			return err
		}
		return tx.Bucket(bucketAttachmentData).Delete([]byte(id))
	})
}

func findAttachment(tx *bolt.Tx, id string) (*attachmentRecord, error) {
	var rec attachmentRecord
	if ok, err := getJSON(tx.Bucket(bucketAttachments), []byte(id), &rec); err != nil {
		return nil, err
	} else if !ok {
		return nil, notFoundf("Attachment not found.")
	}
	return &rec, nil
}

// putAttachment writes the metadata and the owner index entry.
func putAttachment(tx *bolt.Tx, rec *attachmentRecord) error {
	if rec.Owner != "" {
		if err := tx.Bucket(bucketAttachmentOwners).Put(ownerKey(rec.Owner, rec.ID), nil); err != nil {
			return err
		}
	}
	return putJSON(tx.Bucket(bucketAttachments), []byte(rec.ID), rec)
}

// claimAttachments moves atts (see reownAttachment) to request id and
// returns their stored metadata, keeping a Pointer the caller gave.
func claimAttachments(tx *bolt.Tx, atts []modulario.Attachment, from string, id uint64, strict bool) ([]modulario.Attachment, error) {
	to := ownerSubmissionPrefix + strconv.FormatUint(id, 10)
	out := make([]modulario.Attachment, 0, len(atts))
	for _, a := range atts {
		stored, err := reownAttachment(tx, a.ID, from, to, strict)
		if err != nil {
			return nil, err
		}
		if a.Pointer != "" {
			stored.Pointer = a.Pointer
		}
		out = append(out, *stored)
	}
	return out, nil
}

func ownerKey(owner, id string) []byte { return joinKey([]byte(owner), []byte(id)) }

// reownAttachment moves an attachment to a new owner. It must be owned by
// from or, unless strict, unowned; otherwise it returns EINVALID.
func reownAttachment(tx *bolt.Tx, id, from, to string, strict bool) (*modulario.Attachment, error) {
	rec, err := findAttachment(tx, id)
	if strict && (modulario.ErrorCode(err) == modulario.ENOTFOUND || err == nil && rec.Owner != from) {
		return nil, invalidf("Attachment %q was not uploaded for this request.", id)
	}
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil, invalidf("Attachment %q does not exist.", id)
	} else if err != nil {
		return nil, err
	}
	if rec.Owner != "" && rec.Owner != from {
		return nil, invalidf("Attachment %q belongs to another request.", id)
	}
	if rec.Owner != "" {
		if err := tx.Bucket(bucketAttachmentOwners).Delete(ownerKey(rec.Owner, id)); err != nil {
			return nil, err
		}
	}
	rec.Owner = to
	return &rec.Attachment, putAttachment(tx, rec)
}

// deleteOwnedAttachments deletes every attachment of owner.
func deleteOwnedAttachments(tx *bolt.Tx, owner string) error {
	owners := tx.Bucket(bucketAttachmentOwners)
	prefix := append([]byte(owner), 0)
	var ids [][]byte
	c := owners.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, bytes.Clone(k))
	}
	for _, k := range ids {
		id := k[len(prefix):]
		if err := owners.Delete(k); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAttachments).Delete(id); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAttachmentData).Delete(id); err != nil {
			return err
		}
	}
	return nil
}
