package storage

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// TestPurgeInChunks purges more expired drafts than one transaction takes,
// and keeps the live one.
func TestPurgeInChunks(t *testing.T) {
	start := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	db, clock := openTestDB(t, filepath.Join(t.TempDir(), "purge.db"))
	clock.Set(start)
	drafts := NewDraftService(db)
	ctx := context.Background()
	expired := 2*purgeChunk + 3
	for i := 0; i < expired; i++ {
		d := &modulario.Draft{FormSlug: "f", Version: 1, ExpiresAt: start.Add(time.Minute)}
		if err := drafts.CreateDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	live := &modulario.Draft{FormSlug: "f", Version: 1, ExpiresAt: start.Add(48 * time.Hour)}
	if err := drafts.CreateDraft(ctx, live); err != nil {
		t.Fatal(err)
	}
	n, err := drafts.PurgeExpiredDrafts(ctx, start.Add(time.Hour))
	if err != nil || n != expired {
		t.Fatalf("PurgeExpiredDrafts = %d, %v; want %d", n, err, expired)
	}
	if _, err := drafts.FindDraft(ctx, live.Token); err != nil {
		t.Errorf("live draft gone: %v", err)
	}
	if n, err := drafts.PurgeExpiredDrafts(ctx, start.Add(time.Hour)); n != 0 || err != nil {
		t.Errorf("second purge = %d, %v", n, err)
	}
}

// TestPurgeDropsExpiredDraftLinks checks that the link a submitted draft
// leaves for double clicks is purged once it expires.
func TestPurgeDropsExpiredDraftLinks(t *testing.T) {
	start := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	db, clock := openTestDB(t, filepath.Join(t.TempDir(), "links.db"))
	clock.Set(start)
	ctx := context.Background()
	drafts, subs := NewDraftService(db), NewSubmissionService(db)
	d := &modulario.Draft{FormSlug: "f", Version: 1, ExpiresAt: start.Add(time.Hour)}
	if err := drafts.CreateDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	sub := &modulario.Submission{FormSlug: "f", Version: 1, Channel: modulario.ChannelWeb, Data: []byte(`{}`)}
	if err := subs.CreateSubmission(ctx, sub, d.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := drafts.PurgeExpiredDrafts(ctx, start.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := subs.FindSubmissionByDraft(ctx, d.Token); err != nil {
		t.Fatalf("link purged too early: %v", err)
	}
	if _, err := drafts.PurgeExpiredDrafts(ctx, start.Add(25*time.Hour)); err != nil {
		t.Fatal(err)
	}
	var left int
	_ = db.bolt.View(func(tx *bolt.Tx) error { left = tx.Bucket(bucketDraftSubmissions).Stats().KeyN; return nil })
	if left != 0 {
		t.Errorf("%d expired links left", left)
	}
}
