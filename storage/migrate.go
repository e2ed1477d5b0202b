package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// inboxIndexVersion is the version of the inbox indexes this code writes;
// a store marked with an older one (or none) is re-indexed on Open.
const inboxIndexVersion = 1

// metaIndexVersion is the meta key of the inbox index version.
var metaIndexVersion = []byte("inbox_index_version")

// migrateBatch is how many requests one rebuild transaction indexes.
const migrateBatch = 2000

// storedIndexVersion returns the inbox index version a store is marked with.
func storedIndexVersion(tx *bolt.Tx) uint64 {
	if v := tx.Bucket(bucketMeta).Get(metaIndexVersion); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// migrateIndexes brings the inbox indexes of a store written by an older
// version up to date: it re-indexes every request in batches of
// migrateBatch (each its own transaction, so a crash resumes from the
// start with nothing lost: writing an entry twice is harmless), then
// records the version. An empty store is just marked. Only counts are
// logged.
func migrateIndexes(bdb *bolt.DB, logger *slog.Logger) error {
	var version uint64
	var total uint64
	err := bdb.View(func(tx *bolt.Tx) error {
		version = storedIndexVersion(tx)
		// The sequence (highest ID) is a cheap upper bound of the count:
		// Stats would read every page of the bucket at each start.
		total = tx.Bucket(bucketSubmissions).Sequence()
		return nil
	})
	if err != nil || version >= inboxIndexVersion {
		return err
	}
	start := time.Now()
	if total > 0 {
		logger.Info("storage: rebuilding the inbox indexes", "requests", total, "from_version", version, "to_version", inboxIndexVersion)
	}
	var after []byte
	done := 0
	for {
		var n int
		err := bdb.Update(func(tx *bolt.Tx) (err error) {
			n, after, err = reindexBatch(tx, after)
			if err == nil && n < migrateBatch {
				err = tx.Bucket(bucketMeta).Put(metaIndexVersion, u64(inboxIndexVersion))
			}
			return err
		})
		if err != nil {
			return err
		}
		done += n
		if n < migrateBatch {
			break
		}
		if done%(50*migrateBatch) == 0 {
			logger.Info("storage: rebuilding the inbox indexes", "done", done, "requests", total)
		}
	}
	if total > 0 {
		logger.Info("storage: inbox indexes rebuilt", "requests", done, "seconds", time.Since(start).Seconds())
	}
	return nil
}

// reindexBatch indexes up to migrateBatch requests after key after (nil:
// from the first) and returns how many it indexed and the last key.
func reindexBatch(tx *bolt.Tx, after []byte) (int, []byte, error) {
	c := tx.Bucket(bucketSubmissions).Cursor()
	k, v := c.First()
	if after != nil {
		if k, v = c.Seek(after); bytes.Equal(k, after) {
			k, v = c.Next()
		}
	}
	n := 0
	var last []byte
	var entries entryBatch
	for ; k != nil && n < migrateBatch; k, v = c.Next() {
		var sub modulario.Submission
		if err := json.Unmarshal(v, &sub); err != nil {
			return 0, nil, fmt.Errorf("decode request %x: %w", k, err)
		}
		if err := entries.add(tx, &sub, submissionWords(&sub)); err != nil {
			return 0, nil, err
		}
		last = bytes.Clone(k)
		n++
	}
	return n, last, entries.flush(tx)
}
