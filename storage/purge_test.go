package storage

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/modulario/modulario"
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
