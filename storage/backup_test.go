package storage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage/storagetest"
	bolt "go.etcd.io/bbolt"
)

// TestVerifyBackup: a fresh backup passes and counts its contents; a
// foreign bbolt file, one written by a newer Modulario, one with damaged
// pages and one cut short fail with ErrBadBackup.
func TestVerifyBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, _ := openTestDB(t, filepath.Join(dir, "modulario.db"))
	for range 50 {
		mustNil(t, NewSubmissionService(db).CreateSubmission(ctx, storagetest.NewSubmission("acqua"), ""))
	}
	if _, err := db.Backup(ctx, db.Path()); modulario.ErrorCode(err) != modulario.EINVALID {
		t.Fatalf("backup over the database itself: %v", err)
	}
	good := filepath.Join(dir, "good.db")
	info, err := db.Backup(ctx, good)
	if err != nil || info.Submissions != 50 || info.Size == 0 {
		t.Fatalf("Backup = %+v, %v", info, err)
	}
	if got, err := VerifyBackup(good); err != nil || got != info {
		t.Fatalf("VerifyBackup = %+v, %v; want %+v", got, err, info)
	}

	foreign := filepath.Join(dir, "foreign.db")
	bdb, err := bolt.Open(foreign, 0o600, nil)
	mustNil(t, err)
	mustNil(t, bdb.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("altro")); return err }))
	mustNil(t, bdb.Close())

	newer := filepath.Join(dir, "newer.db")
	copyFile(t, good, newer)
	bdb, err = bolt.Open(newer, 0o600, nil)
	mustNil(t, err)
	mustNil(t, bdb.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(metaIndexVersion, u64(inboxIndexVersion+1))
	}))
	mustNil(t, bdb.Close())

	damaged := filepath.Join(dir, "damaged.db")
	copyFile(t, good, damaged)
	buf, err := os.ReadFile(damaged)
	mustNil(t, err)
	page := os.Getpagesize()
	for i := 2 * page; i < len(buf)-page; i++ {
		buf[i] = 0xA5 // every page but the metas and the last
	}
	mustNil(t, os.WriteFile(damaged, buf, 0o600))

	short := filepath.Join(dir, "short.db")
	raw, err := os.ReadFile(good)
	mustNil(t, err)
	mustNil(t, os.WriteFile(short, raw[:len(raw)/2], 0o600))

	for _, path := range []string{foreign, newer, damaged, short} {
		if _, err := VerifyBackup(path); !errors.Is(err, ErrBadBackup) {
			t.Errorf("%s: %v, want ErrBadBackup", filepath.Base(path), err)
		} else {
			t.Logf("%s: %v", filepath.Base(path), err)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	mustNil(t, err)
	mustNil(t, os.WriteFile(to, b, 0o600))
}
