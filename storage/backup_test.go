package storage

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
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

// TestBackupIgnoresPlantedTemp: a symlink planted at the old predictable
// temporary names (FILE.tmp) pointing at the live database is neither
// followed nor truncated; the backup and a restore succeed and leave no
// temporary file behind.
func TestBackupIgnoresPlantedTemp(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, _ := openTestDB(t, filepath.Join(dir, "modulario.db"))
	mustNil(t, NewSubmissionService(db).CreateSubmission(ctx, storagetest.NewSubmission("acqua"), ""))
	mustNil(t, db.bolt.Sync())
	before, err := os.ReadFile(db.Path())
	mustNil(t, err)

	out := filepath.Join(dir, "b.db")
	mustNil(t, os.Symlink(db.Path(), out+".tmp"))
	info, err := db.Backup(ctx, out)
	if err != nil || info.Submissions != 1 {
		t.Fatalf("Backup = %+v, %v", info, err)
	}
	if _, err := VerifyBackup(out); err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(out + ".tmp"); err != nil || target != db.Path() {
		t.Errorf("planted symlink changed: %q, %v", target, err)
	}
	after, err := os.ReadFile(db.Path())
	mustNil(t, err)
	if len(after) != len(before) {
		t.Errorf("live database changed size: %d -> %d", len(before), len(after))
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 || !st.Mode().IsRegular() {
		t.Errorf("backup file: %v, %v", st, err)
	}

	dst := filepath.Join(t.TempDir(), "restored.db")
	victim := filepath.Join(dir, "victim")
	mustNil(t, os.WriteFile(victim, []byte("keep me"), 0o600))
	mustNil(t, os.Symlink(victim, dst+".tmp"))
	if _, err := RestoreBackup(out, dst, ""); err != nil {
		t.Fatalf("RestoreBackup: %v", err)
	}
	if b, err := os.ReadFile(victim); err != nil || string(b) != "keep me" {
		t.Errorf("restore wrote through the planted symlink: %q, %v", b, err)
	}
	for _, d := range []string{dir, filepath.Dir(dst)} {
		ents, err := os.ReadDir(d)
		mustNil(t, err)
		for _, e := range ents {
			if strings.Contains(e.Name(), ".tmp-") {
				t.Errorf("temporary file left: %s", filepath.Join(d, e.Name()))
			}
		}
	}
}

// TestWriteTempSyncedError: a write that fails leaves no temporary file.
func TestWriteTempSyncedError(t *testing.T) {
	dir := t.TempDir()
	boom := errors.New("boom")
	tmp, err := writeTempSynced(filepath.Join(dir, "b.db"), func(w io.Writer) (int64, error) {
		n, _ := w.Write([]byte("partial"))
		return int64(n), boom
	})
	if !errors.Is(err, boom) || tmp != "" {
		t.Fatalf("writeTempSynced = %q, %v", tmp, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
}
