package storage

import (
	"bytes"
	"context"
	"time"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// SessionService stores staff sessions by ID (the SHA-256 of the cookie
// token), indexed by user so a password change or a deleted account can
// sign every browser out.
type SessionService struct {
	db *DB
}

var _ modulario.SessionService = (*SessionService)(nil)

// NewSessionService returns the SessionService of db.
func NewSessionService(db *DB) *SessionService { return &SessionService{db: db} }

// CreateSession stores s (ID, UserID and ExpiresAt set by the caller).
// Returns EINVALID if ID or UserID is empty.
func (s *SessionService) CreateSession(ctx context.Context, sess *modulario.Session) error {
	if sess.ID == "" || sess.UserID == "" {
		return invalidf("A session needs an ID and a user.")
	}
	return s.db.update(ctx, func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketSessionsByUser).Put(joinKey([]byte(sess.UserID), []byte(sess.ID)), nil); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketSessions), []byte(sess.ID), sess)
	})
}

// FindSession returns a session that has not expired at now. Returns
// ENOTFOUND if missing or expired.
func (s *SessionService) FindSession(ctx context.Context, id string, now time.Time) (*modulario.Session, error) {
	sess, err := findNamed[modulario.Session](ctx, s.db, bucketSessions, id, "Session not found.")
	if err != nil {
		return nil, err
	}
	if !now.Before(sess.ExpiresAt) {
		return nil, notFoundf("Session not found.")
	}
	return sess, nil
}

// TouchSession moves a session's LastSeenAt and ExpiresAt. Returns ENOTFOUND.
func (s *SessionService) TouchSession(ctx context.Context, id string, seen, expires time.Time) error {
	return s.db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		var sess modulario.Session
		if err := getNamed(b, id, &sess, "Session not found."); err != nil {
			return err
		}
		sess.LastSeenAt, sess.ExpiresAt = seen, expires
		return putJSON(b, []byte(id), &sess)
	})
}

// DeleteSession removes one session (logout). Missing is not an error.
func (s *SessionService) DeleteSession(ctx context.Context, id string) error {
	return s.db.update(ctx, func(tx *bolt.Tx) error { return deleteSession(tx, id) })
}

func deleteSession(tx *bolt.Tx, id string) error {
	b := tx.Bucket(bucketSessions)
	var sess modulario.Session
	if found, err := getJSON(b, []byte(id), &sess); err != nil || !found {
		return err
	}
	if err := tx.Bucket(bucketSessionsByUser).Delete(joinKey([]byte(sess.UserID), []byte(id))); err != nil {
		return err
	}
	return b.Delete([]byte(id))
}

// DeleteUserSessions removes every session of a user except the one with
// ID except (may be empty) and returns how many it removed.
func (s *SessionService) DeleteUserSessions(ctx context.Context, userID, except string) (int, error) {
	var n int
	err := s.db.update(ctx, func(tx *bolt.Tx) (err error) {
		n, err = deleteUserSessions(tx, userID, except)
		return err
	})
	return n, err
}

func deleteUserSessions(tx *bolt.Tx, userID, except string) (int, error) {
	if userID == "" {
		return 0, nil
	}
	prefix := joinKey([]byte(userID), nil)
	var ids []string
	c := tx.Bucket(bucketSessionsByUser).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if id := string(k[len(prefix):]); id != except {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		if err := tx.Bucket(bucketSessions).Delete([]byte(id)); err != nil {
			return 0, err
		}
		if err := tx.Bucket(bucketSessionsByUser).Delete(joinKey([]byte(userID), []byte(id))); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// PurgeExpiredSessions deletes sessions expired at now and returns how
// many it removed.
func (s *SessionService) PurgeExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.db.update(ctx, func(tx *bolt.Tx) error {
		n = 0
		var expired []string
		err := tx.Bucket(bucketSessions).ForEach(func(k, _ []byte) error {
			var sess modulario.Session
			if _, err := getJSON(tx.Bucket(bucketSessions), k, &sess); err != nil {
				return err
			}
			if !now.Before(sess.ExpiresAt) {
				expired = append(expired, string(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range expired {
			if err := deleteSession(tx, id); err != nil {
				return err
			}
		}
		n = len(expired)
		return nil
	})
	return n, err
}
