package storage

import (
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
)

// OldestDue returns the earliest next-attempt time among pending messages,
// and false when none is pending. It reads one key of the due index, so a
// readiness probe can call it often whatever the outbox's size.
func (s *OutboxService) OldestDue(ctx context.Context) (time.Time, bool, error) {
	var (
		at    time.Time
		found bool
	)
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketOutboxDue).Cursor().First()
		if len(k) < 8 {
			return nil
		}
		at, found = time.Unix(0, int64(binary.BigEndian.Uint64(k[:8]))), true
		return nil
	})
	return at, found, err
}

// diskUnavailable reports whether err means the disk refuses writes for
// now (full, over quota, read-only, file size limit), so the caller can
// answer "try again later" instead of "internal error". bbolt formats some
// errors with %s, losing the errno, so the message is checked too.
func diskUnavailable(err error) bool {
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS, syscall.EFBIG} {
		if errors.Is(err, errno) || strings.Contains(err.Error(), errno.Error()) {
			return true
		}
	}
	return false
}
