package storage

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage/storagetest"
	bolt "go.etcd.io/bbolt"
)

// TestOutboxSurvivesReopen closes the database with messages in every
// state and checks that the pending ones are still due after reopening.
func TestOutboxSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "modulario.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return storagetest.Start }
	pending, dead := storagetest.NewMessage("email"), storagetest.NewMessage("webhook")
	sub := storagetest.NewSubmission("assistenza")
	if err := NewSubmissionService(db).CreateSubmission(ctx, sub, "", pending, dead); err != nil {
		t.Fatal(err)
	}
	if err := NewOutboxService(db).RecordAttempt(ctx, dead.ID, modulario.Attempt{At: storagetest.Start, Error: "410 Gone"}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, _ = openTestDB(t, path)
	claimed, err := NewOutboxService(db).ClaimDue(ctx, storagetest.Start, time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(claimed) != 1 || claimed[0].ID != pending.ID || claimed[0].SubmissionID != sub.ID {
		t.Fatalf("after reopen claimed %+v, want %s", claimed, pending.ID)
	}
	m, err := NewOutboxService(db).FindOutboxMessage(ctx, dead.ID)
	if err != nil || m.Status != modulario.OutboxDead || m.LastError != "410 Gone" {
		t.Fatalf("dead message after reopen: %+v (%v)", m, err)
	}
	checkDueIndex(t, db)
}

// TestChangeStatusMovesOfficeIndex checks that the inbox index holds the
// submission once, under its routed office and its new status.
func TestChangeStatusMovesOfficeIndex(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t, "")
	subs := NewSubmissionService(db)
	sub := storagetest.NewSubmission("assistenza")
	sub.Office = "tributi"
	if err := subs.CreateSubmission(ctx, sub, ""); err != nil {
		t.Fatal(err)
	}
	if got := officeEntries(t, db); len(got) != 1 || !bytes.HasPrefix(got[0], []byte("tributi\x00received\x00")) {
		t.Fatalf("index after create: %q", got)
	}
	if _, err := subs.ChangeStatus(ctx, sub.ID, modulario.StatusInCharge, ""); err != nil {
		t.Fatal(err)
	}
	got := officeEntries(t, db)
	if len(got) != 1 || !bytes.HasPrefix(got[0], []byte("tributi\x00in_charge\x00")) ||
		!bytes.HasSuffix(got[0], u64(sub.ID)) {
		t.Fatalf("index after status change: %q", got)
	}
}

func officeEntries(t *testing.T, db *DB) [][]byte {
	t.Helper()
	var keys [][]byte
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSubmissionOffice).ForEach(func(k, _ []byte) error {
			keys = append(keys, bytes.Clone(k))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestOutboxDueIndexConsistent walks messages through every transition
// and checks that the due index holds exactly the pending messages, each
// at its NextAttemptAt.
func TestOutboxDueIndexConsistent(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t, "")
	out := NewOutboxService(db)
	a, b, c := storagetest.NewMessage("email"), storagetest.NewMessage("sms"), storagetest.NewMessage("appio")
	sub := storagetest.NewSubmission("assistenza")
	if err := NewSubmissionService(db).CreateSubmission(ctx, sub, "", a, b, c); err != nil {
		t.Fatal(err)
	}
	now := storagetest.Start
	steps := []func() error{
		func() error { _, err := out.ClaimDue(ctx, now, time.Minute, 10); return err },
		func() error { return out.RecordAttempt(ctx, a.ID, modulario.Attempt{At: now, OK: true}, time.Time{}) },
		func() error {
			return out.RecordAttempt(ctx, b.ID, modulario.Attempt{At: now, Error: "x"}, now.Add(time.Hour))
		},
		func() error { return out.RecordAttempt(ctx, c.ID, modulario.Attempt{At: now, Error: "x"}, time.Time{}) },
		func() error { return out.RetryOutboxMessage(ctx, c.ID, now) },
		func() error { return out.RetryOutboxMessage(ctx, b.ID, now) },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		checkDueIndex(t, db)
	}
	if n := dueCount(t, db); n != 2 {
		t.Fatalf("%d due entries at the end, want 2 (b and c)", n)
	}
}

// checkDueIndex fails t unless outbox_due has one entry per pending
// message, at its NextAttemptAt, and nothing else.
func checkDueIndex(t *testing.T, db *DB) {
	t.Helper()
	err := db.bolt.View(func(tx *bolt.Tx) error {
		want := map[string]bool{}
		err := tx.Bucket(bucketOutbox).ForEach(func(k, _ []byte) error {
			m, err := findOutbox(tx, string(k))
			if err == nil && m.Status == modulario.OutboxPending {
				want[string(dueKey(m))] = true
			}
			return err
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketOutboxDue).ForEach(func(k, _ []byte) error {
			if !want[string(k)] {
				t.Errorf("stale due entry %q", k)
			}
			delete(want, string(k))
			return nil
		})
		for k := range want {
			t.Errorf("pending message missing from the due index: %q", k)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func dueCount(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	_ = db.bolt.View(func(tx *bolt.Tx) error { n = tx.Bucket(bucketOutboxDue).Stats().KeyN; return nil })
	return n
}

func TestAppendAttemptKeepsFirstAndLatest(t *testing.T) {
	var list []modulario.Attempt
	for i := 0; i < 120; i++ {
		list = appendAttempt(list, modulario.Attempt{Duration: time.Duration(i)})
	}
	if len(list) != maxStoredAttempts || list[0].Duration != 0 || list[len(list)-1].Duration != 119 ||
		list[1].Duration != time.Duration(120-maxStoredAttempts+1) {
		t.Fatalf("kept %d attempts: first %v, second %v, last %v", len(list), list[0].Duration, list[1].Duration, list[len(list)-1].Duration)
	}
}

// TestRetryDead makes the dead messages of one channel, or of every
// channel, due again, and leaves the others alone.
func TestRetryDead(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t, "")
	out := NewOutboxService(db)
	msgs := []*modulario.OutboxMessage{storagetest.NewMessage("email"), storagetest.NewMessage("webhook"),
		storagetest.NewMessage("webhook"), storagetest.NewMessage("webhook")}
	if err := NewSubmissionService(db).CreateSubmission(ctx, storagetest.NewSubmission("assistenza"), "", msgs...); err != nil {
		t.Fatal(err)
	}
	start := storagetest.Start
	for _, m := range msgs[:3] { // dead: email, webhook, webhook; the last stays pending
		if err := out.RecordAttempt(ctx, m.ID, modulario.Attempt{At: start, Error: "401"}, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	later := start.Add(time.Hour)
	if n, err := out.RetryDead(ctx, "webhook", later); err != nil || n != 2 {
		t.Fatalf("retry webhook: %d, %v", n, err)
	}
	status := func(m *modulario.OutboxMessage) modulario.OutboxStatus {
		got, err := out.FindOutboxMessage(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Status
	}
	if status(msgs[0]) != modulario.OutboxDead || status(msgs[1]) != modulario.OutboxPending || status(msgs[2]) != modulario.OutboxPending {
		t.Fatalf("after retrying webhooks: %s %s %s", status(msgs[0]), status(msgs[1]), status(msgs[2]))
	}
	if claimed, _ := out.ClaimDue(ctx, later, time.Minute, 10); len(claimed) != 3 {
		t.Fatalf("claimed %d after the retry, want 3", len(claimed))
	}
	if n, err := out.RetryDead(ctx, "", later); err != nil || n != 1 || status(msgs[0]) != modulario.OutboxPending {
		t.Fatalf("retry all: %d, %v", n, err)
	}
	checkDueIndex(t, db)
}
