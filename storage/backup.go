package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// BackupInfo describes a backup file.
type BackupInfo struct {
	// Size is the file size in bytes.
	Size int64
	// Submissions and Attachments count the stored requests and files
	// (attachment contents live in the database file, so a backup holds
	// them all).
	Submissions int
	Attachments int
}

// ErrBadBackup is returned (wrapped) by VerifyBackup for a file that is
// not a sound Modulario database.
var ErrBadBackup = errors.New("not a valid Modulario backup")

// coreBuckets must exist in any Modulario database, of any version: newer
// buckets are created by Open, so an older backup still restores.
var coreBuckets = [][]byte{
	bucketForms, bucketVersions, bucketSubmissions, bucketSubmissionTokens,
	bucketSubmissionNumbers, bucketAttachments, bucketAttachmentData, bucketCounters, bucketMeta,
}

// Backup writes a consistent copy of the database to path while it keeps
// serving: one read transaction sees a fixed snapshot (every write
// committed before Backup was called, none begun after), and writers go
// on meanwhile. The copy goes to a new hidden temporary file next to path
// (never a predictable name: a planted symlink is not followed), is
// fsynced, then renamed over path and the directory fsynced, so path is
// either the previous file or the whole new one. The file is readable by the owner only (0600).
func (db *DB) Backup(ctx context.Context, path string) (BackupInfo, error) {
	var info BackupInfo
	if same, err := sameFile(path, db.Path()); err != nil {
		return info, err
	} else if same {
		return info, invalidf("The backup file cannot be the database itself.")
	}
	var tmp string
	err := db.view(ctx, func(tx *bolt.Tx) error {
		info.Submissions = tx.Bucket(bucketSubmissions).Stats().KeyN
		info.Attachments = tx.Bucket(bucketAttachments).Stats().KeyN
		var err error
		tmp, err = writeTempSynced(path, func(w io.Writer) (int64, error) {
			return tx.WriteTo(ctxWriter{ctx, w})
		})
		return err
	})
	if err == nil {
		err = renameSynced(tmp, path)
	}
	if err != nil {
		if tmp != "" {
			_ = os.Remove(tmp)
		}
		return info, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return info, err
	}
	info.Size = st.Size()
	return info, nil
}

// VerifyBackup opens the database file at path read-only and checks it:
// bbolt's consistency check of every page, the buckets every Modulario
// database has, an inbox index version this code knows, and every request
// decodes. It returns ErrBadBackup (wrapped, with the reason) for a file
// that fails, and the file's figures otherwise.
func VerifyBackup(path string) (BackupInfo, error) {
	var info BackupInfo
	st, err := os.Stat(path)
	if err != nil {
		return info, err
	}
	if !st.Mode().IsRegular() {
		return info, fmt.Errorf("%s: %w: not a regular file", path, ErrBadBackup)
	}
	info.Size = st.Size()
	bdb, err := openBolt(path, true, time.Second)
	if errors.Is(err, ErrLocked) {
		return info, fmt.Errorf("%s: %w", path, ErrLocked)
	} else if err != nil {
		return info, fmt.Errorf("%s: %w: %v", path, ErrBadBackup, err)
	}
	defer bdb.Close()
	if err := bdb.View(func(tx *bolt.Tx) error { return checkBackup(tx, &info) }); err != nil {
		return info, fmt.Errorf("%s: %w: %v", path, ErrBadBackup, err)
	}
	return info, nil
}

// checkBackup checks an opened backup in tx and counts its contents. A
// damaged file can make bbolt panic on a bad page: that is a failed check.
func checkBackup(tx *bolt.Tx, info *BackupInfo) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("damaged page: %v", r)
		}
	}()
	// A file cut short (a copy interrupted) would fault when bbolt reads
	// past its end: its pages must reach the high-water mark.
	if info.Size < tx.Size() {
		return fmt.Errorf("truncated: %d bytes, the database needs %d", info.Size, tx.Size())
	}
	var errs []error
	for e := range tx.Check() {
		// The channel is drained so the checking goroutine ends; five
		// errors are enough to judge, the rest is often the same damage.
		if len(errs) < 5 {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("consistency check: %w", errors.Join(errs...))
	}
	for _, name := range coreBuckets {
		if tx.Bucket(name) == nil {
			return fmt.Errorf("bucket %q missing", name)
		}
	}
	if v := storedIndexVersion(tx); v > inboxIndexVersion {
		return fmt.Errorf("written by a newer Modulario (index version %d, this one knows %d)", v, inboxIndexVersion)
	}
	info.Attachments = tx.Bucket(bucketAttachments).Stats().KeyN
	return tx.Bucket(bucketSubmissions).ForEach(func(k, v []byte) error {
		var sub modulario.Submission
		if err := json.Unmarshal(v, &sub); err != nil {
			return fmt.Errorf("request %x does not decode: %w", k, err)
		}
		info.Submissions++
		return nil
	})
}

// RestoreBackup replaces the database file at path with a copy of the
// backup src, after VerifyBackup passed. It refuses (ErrLocked) while
// another process holds path, and holds path's lock itself while it
// swaps the files. An existing path is refused (EEXIST-like ECONFLICT)
// unless keep names where the old file is kept; the new file is written
// to a new hidden temporary file next to path, fsynced and renamed, so
// path is never half written.
func RestoreBackup(src, path, keep string) (BackupInfo, error) {
	info, err := VerifyBackup(src)
	if err != nil {
		return info, err
	}
	if same, err := sameFile(src, path); err != nil {
		return info, err
	} else if same {
		return info, invalidf("The backup is the database file itself.")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return info, fmt.Errorf("create data directory: %w", err)
	}
	exists, old, err := lockExisting(path)
	if err != nil {
		return info, err
	}
	if old != nil {
		defer old.Close()
	}
	if exists && keep == "" {
		return info, modulario.Errorf(modulario.ECONFLICT, "%s already exists.", path)
	}
	tmp, err := writeTempSynced(path, func(w io.Writer) (int64, error) {
		f, err := os.Open(src)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		return io.Copy(w, f)
	})
	if err != nil {
		return info, err
	}
	if exists {
		err = keepOld(path, keep)
	}
	if err == nil {
		err = renameSynced(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return info, err
}

// lockExisting reports whether the database at path exists and opens it
// to hold its lock (lock is nil for a file bbolt cannot open: a damaged
// database is no reason to refuse replacing it). It returns ErrLocked
// (wrapped) when a running server holds the file.
func lockExisting(path string) (exists bool, lock *bolt.DB, err error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return false, nil, nil
	} else if err != nil {
		return false, nil, err
	}
	bdb, err := openBolt(path, false, time.Second)
	if errors.Is(err, ErrLocked) {
		return true, nil, fmt.Errorf("%s: %w", path, ErrLocked)
	} else if err != nil {
		return true, nil, nil
	}
	return true, bdb, nil
}

// keepOld keeps the current database under keep: a hard link, so path
// exists at every moment (a server starting meanwhile cannot create an
// empty one), else a rename where links are not supported.
func keepOld(path, keep string) error {
	err := os.Link(path, keep)
	if err == nil || errors.Is(err, os.ErrExist) {
		return err // never replace an earlier kept file
	}
	if _, err := os.Lstat(keep); err == nil {
		return fmt.Errorf("%s: %w", keep, os.ErrExist)
	}
	return os.Rename(path, keep)
}

// writeTempSynced writes a new temporary file next to path with write,
// fsyncs and closes it, and returns its name. The file is created
// exclusively under a random hidden name (os.CreateTemp: O_EXCL, mode
// 0600), so a file or symlink planted at a predictable name such as
// path.tmp is never followed or truncated. On error nothing is left.
func writeTempSynced(path string, write func(io.Writer) (int64, error)) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	_, err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// renameSynced renames tmp to path and fsyncs the directory, so the
// rename itself survives a crash.
func renameSynced(tmp, path string) error {
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	return errors.Join(dir.Sync(), dir.Close())
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// ctxWriter stops a long copy when ctx ends.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
