package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"strings"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// Audit listing limits.
const (
	defaultAuditLimit = 50
	maxAuditLimit     = 500
)

// AuditService stores the append-only audit log under big-endian sequence
// keys, with index buckets by actor, by exact target and by target kind
// (the part before the first ":"), so filtered listings walk only their
// own entries, newest first.
type AuditService struct {
	db *DB
}

var _ modulario.AuditService = (*AuditService)(nil)

// NewAuditService returns the AuditService of db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

// targetKind returns "form" for "form:slug", "" for a target without kind.
func targetKind(target string) string {
	kind, _, ok := strings.Cut(target, ":")
	if !ok {
		return ""
	}
	return kind
}

// RecordAudit assigns Seq (and At when zero) and appends e. An empty
// ActorName is filled with the e-mail address of the actor's account,
// when the actor is a user. Returns EINVALID without an action.
func (s *AuditService) RecordAudit(ctx context.Context, e *modulario.AuditEntry) error {
	if e.Action == "" {
		return invalidf("An audit entry needs an action.")
	}
	var out modulario.AuditEntry
	err := s.db.batch(ctx, func(tx *bolt.Tx) error {
		out = *e
		if out.At.IsZero() {
			out.At = s.db.now()
		}
		if out.ActorName == "" && out.Actor != "" {
			var u modulario.User
			if found, err := getJSON(tx.Bucket(bucketUsers), []byte(out.Actor), &u); err == nil && found {
				out.ActorName = u.Email
			}
		}
		b := tx.Bucket(bucketAudit)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		out.Seq = seq
		key := u64(seq)
		if err := putJSON(b, key, &out); err != nil {
			return err
		}
		if out.Actor != "" {
			if err := tx.Bucket(bucketAuditByActor).Put(joinKey([]byte(out.Actor), key), nil); err != nil {
				return err
			}
		}
		if out.Target != "" {
			if err := tx.Bucket(bucketAuditByTarget).Put(joinKey([]byte(out.Target), key), nil); err != nil {
				return err
			}
		}
		if kind := targetKind(out.Target); kind != "" {
			return tx.Bucket(bucketAuditByKind).Put(joinKey([]byte(kind), key), nil)
		}
		return nil
	})
	if err == nil {
		*e = out
	}
	return err
}

// ListAudit returns entries newest first. With an actor or target filter
// it walks the matching index; a target ending in ":" matches every target
// with that prefix.
func (s *AuditService) ListAudit(ctx context.Context, filter modulario.AuditFilter) ([]*modulario.AuditEntry, error) {
	limit := filter.Limit
	if limit <= 0 {
		limit = defaultAuditLimit
	} else if limit > maxAuditLimit {
		limit = maxAuditLimit
	}
	before := filter.Before
	if before == 0 {
		before = math.MaxUint64
	}
	var list []*modulario.AuditEntry
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		bucket, prefix := auditIndex(tx, filter)
		entries := tx.Bucket(bucketAudit)
		c := bucket.Cursor()
		k, _ := c.Seek(append(bytes.Clone(prefix), u64(before)...))
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(list) < limit; k, _ = c.Prev() {
			if len(k) < len(prefix)+8 {
				continue
			}
			seq := k[len(k)-8:]
			if binary.BigEndian.Uint64(seq) >= before {
				continue
			}
			var e modulario.AuditEntry
			if _, err := getJSON(entries, seq, &e); err != nil {
				return err
			}
			if auditMatches(&e, filter) {
				list = append(list, &e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// auditIndex picks the bucket and key prefix to walk for filter: the exact
// target, the target kind, the actor, or the whole log.
func auditIndex(tx *bolt.Tx, filter modulario.AuditFilter) (*bolt.Bucket, []byte) {
	switch {
	case filter.Target != "" && !strings.HasSuffix(filter.Target, ":"):
		return tx.Bucket(bucketAuditByTarget), joinKey([]byte(filter.Target), nil)
	case filter.Target != "" && targetKind(filter.Target) != "":
		return tx.Bucket(bucketAuditByKind), joinKey([]byte(targetKind(filter.Target)), nil)
	case filter.Actor != "":
		return tx.Bucket(bucketAuditByActor), joinKey([]byte(filter.Actor), nil)
	default:
		return tx.Bucket(bucketAudit), nil
	}
}

// auditMatches checks the filters the walked index does not imply.
func auditMatches(e *modulario.AuditEntry, filter modulario.AuditFilter) bool {
	if filter.Actor != "" && e.Actor != filter.Actor {
		return false
	}
	if filter.Target == "" {
		return true
	}
	if strings.HasSuffix(filter.Target, ":") {
		return strings.HasPrefix(e.Target, filter.Target)
	}
	return e.Target == filter.Target
}
