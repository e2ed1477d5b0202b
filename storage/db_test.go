package storage

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage/storagetest"
	bolt "go.etcd.io/bbolt"
)

// clock is a settable clock safe for concurrent readers.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time   { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time)  { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }
func newClock(t time.Time) *clock { return &clock{now: t} }

// openTestDB opens a database in t.TempDir() closed at the end of the test.
func openTestDB(t testing.TB, path string) (*DB, *clock) {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "data", "modulario.db")
	}
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	c := newClock(storagetest.Start)
	db.Now = c.Now
	return db, c
}

func services(db *DB, c *clock) storagetest.Store {
	return storagetest.Store{
		Forms:       NewFormService(db),
		Drafts:      NewDraftService(db),
		Submissions: NewSubmissionService(db),
		Attachments: NewAttachmentService(db),
		Ratings:     NewRatingService(db),
		Offices:     NewOfficeService(db),
		Webhooks:    NewWebhookService(db),
		Outbox:      NewOutboxService(db),
		Users:       NewUserService(db),
		Sessions:    NewSessionService(db),
		Audit:       NewAuditService(db),
		Pages:       NewPageService(db),
		Media:       NewMediaService(db),
		Settings:    NewSettingsService(db),
		Calendars:   NewCalendarService(db),
		Bookings:    NewBookingService(db),
		SetNow:      c.Set,
	}
}

func TestContract(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storagetest.Store {
		return services(openTestDB(t, ""))
	})
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "modulario.db")
	openTestDB(t, path)
	start := time.Now()
	_, err := Open(path, Options{Timeout: 100 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "locked by another process") {
		t.Fatalf("second Open: %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("Open did not honour its timeout")
	}
}

func TestOpenSettings(t *testing.T) {
	db, _ := openTestDB(t, "")
	if db.bolt.MaxBatchSize != 64 || db.bolt.MaxBatchDelay > 5*time.Millisecond || db.bolt.NoSync {
		t.Fatalf("batch size %d, delay %v, nosync %v", db.bolt.MaxBatchSize, db.bolt.MaxBatchDelay, db.bolt.NoSync)
	}
	custom, err := Open(filepath.Join(t.TempDir(), "x.db"), Options{MaxBatchSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer custom.Close()
	if custom.bolt.MaxBatchSize != 8 {
		t.Fatalf("MaxBatchSize = %d, want 8", custom.bolt.MaxBatchSize)
	}
}

// TestReopen closes the database and opens it again: everything is still
// there and the next request number follows the last one.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "modulario.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c0 := newClock(storagetest.Start)
	db.Now = c0.Now
	st := services(db, c0)
	_, _, err = st.Forms.SaveDraft(ctx, modulario.Form{Slug: "acqua", Title: "Acqua"}, storagetest.Def("acqua", "Acqua", "Acqua"))
	mustNil(t, err)
	var last *modulario.Submission
	for range 3 {
		last = storagetest.NewSubmission("acqua")
		mustNil(t, st.Submissions.CreateSubmission(ctx, last, ""))
	}
	d := &modulario.Draft{FormSlug: "acqua", ExpiresAt: storagetest.Start.Add(time.Hour)}
	mustNil(t, st.Drafts.CreateDraft(ctx, d))
	mustNil(t, db.Close())

	db2, c := openTestDB(t, path)
	st = services(db2, c)
	got, err := st.Submissions.FindSubmissionByToken(ctx, last.Token)
	mustNil(t, err)
	if got.Number != "2026-0000003" {
		t.Fatalf("reopened submission number = %s", got.Number)
	}
	if _, err := st.Forms.FindForm(ctx, "acqua"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Drafts.FindDraft(ctx, d.Token); err != nil {
		t.Fatal(err)
	}
	next := storagetest.NewSubmission("acqua")
	mustNil(t, st.Submissions.CreateSubmission(ctx, next, ""))
	if next.Number != "2026-0000004" {
		t.Fatalf("next number after reopen = %s", next.Number)
	}
}

// TestIndexKeys checks the inbox and form indexes that later queries use.
func TestIndexKeys(t *testing.T) {
	ctx := context.Background()
	db, c := openTestDB(t, "")
	st := services(db, c)
	s := storagetest.NewSubmission("segnalazione")
	s.Office = "ufficio-tecnico"
	mustNil(t, st.Submissions.CreateSubmission(ctx, s, ""))

	wantOffice := joinKey([]byte("ufficio-tecnico"), []byte("received"), timeKey(storagetest.Start), u64(s.ID))
	wantForm := joinKey([]byte("segnalazione"), timeKey(storagetest.Start), u64(s.ID))
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketSubmissionOffice).Get(wantOffice); v == nil {
			t.Errorf("office index key %q missing", wantOffice)
		}
		if v := tx.Bucket(bucketSubmissionForm).Get(wantForm); v == nil {
			t.Errorf("form index key %q missing", wantForm)
		}
		if v := tx.Bucket(bucketSubmissionNumbers).Get([]byte(s.Number)); !bytes.Equal(v, u64(s.ID)) {
			t.Errorf("number index = %x, want %x", v, u64(s.ID))
		}
		if v := tx.Bucket(bucketCounters).Get([]byte("2026")); !bytes.Equal(v, u64(1)) {
			t.Errorf("counter 2026 = %x", v)
		}
		return nil
	})
	mustNil(t, err)
}

func TestAttachmentTooLarge(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "x.db"), Options{MaxAttachmentSize: 4})
	mustNil(t, err)
	defer db.Close()
	err = NewAttachmentService(db).PutAttachment(context.Background(), &modulario.Attachment{}, "", []byte("12345"))
	storagetest.WantCode(t, err, modulario.ETOOLARGE)
}

func TestCanceledContext(t *testing.T) {
	db, c := openTestDB(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := services(db, c).Submissions.CreateSubmission(ctx, storagetest.NewSubmission("acqua"), "")
	if err == nil {
		t.Fatal("CreateSubmission ran with a canceled context")
	}
}

func mustNil(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestBatchRetry mixes invalid submissions into concurrent batches: bbolt
// reruns the rest of a failed batch, and the valid ones must still get
// numbers 1..n without gaps while the invalid ones store nothing.
func TestBatchRetry(t *testing.T) {
	const writers = 64
	ctx := context.Background()
	db, c := openTestDB(t, "")
	st := services(db, c)
	var wg sync.WaitGroup
	numbers := make(chan string, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := storagetest.NewSubmission("acqua")
			if i%4 == 0 {
				s.Attachments = []modulario.Attachment{{ID: "missing"}}
			}
			err := st.Submissions.CreateSubmission(ctx, s, "")
			if i%4 == 0 {
				if modulario.ErrorCode(err) != modulario.EINVALID {
					t.Errorf("invalid submission: %v", err)
				}
				return
			}
			if err != nil {
				t.Error(err)
			}
			numbers <- s.Number
		}()
	}
	wg.Wait()
	close(numbers)
	seen := map[string]bool{}
	for n := range numbers {
		seen[n] = true
	}
	for i := 1; i <= writers*3/4; i++ {
		if n := fmt.Sprintf("2026-%07d", i); !seen[n] {
			t.Errorf("number %s missing", n)
		}
	}
	count, err := st.Submissions.CountSubmissions(ctx)
	mustNil(t, err)
	if len(seen) != writers*3/4 || count != len(seen) {
		t.Fatalf("%d numbers, %d stored, want %d", len(seen), count, writers*3/4)
	}
}
