package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// countingPurger wraps the real draft service and counts purged drafts.
type countingPurger struct {
	modulario.DraftService
	purged atomic.Int64
}

func (c *countingPurger) PurgeExpiredDrafts(ctx context.Context, now time.Time) (int, error) {
	n, err := c.DraftService.PurgeExpiredDrafts(ctx, now)
	c.purged.Add(int64(n))
	return n, err
}

// TestPurgeDrafts checks that the background loop deletes expired drafts
// from a real store and stops when its context ends.
func TestPurgeDrafts(t *testing.T) {
	st, err := openStore(filepath.Join(t.TempDir(), "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	for _, expires := range []time.Time{time.Now().Add(-time.Hour), time.Now().Add(time.Hour)} {
		d := &modulario.Draft{FormSlug: "richiesta-assistenza", Version: 1, Data: json.RawMessage(`{}`), ExpiresAt: expires}
		if err := st.Drafts.CreateDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	p := &countingPurger{DraftService: st.Drafts}
	loopCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		purgeDrafts(loopCtx, p, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	time.Sleep(50 * time.Millisecond) // several ticks: the live draft must survive them
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("purge loop did not stop")
	}
	if got := p.purged.Load(); got != 1 {
		t.Errorf("purged %d drafts, want 1 (the expired one only)", got)
	}
}
