package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"
)

// Readiness limits.
const (
	// maxOutboxOverdue is how long past due the oldest pending notification
	// may be while the dispatcher runs before the outbox counts as stuck.
	maxOutboxOverdue = 15 * time.Minute
	// readyProbeTimeout bounds one readiness check.
	readyProbeTimeout = 2 * time.Second
	// readyCacheFor is how long a result is reused: the probe writes and
	// fsyncs a file, and /readyz is reachable by anyone.
	readyCacheFor = time.Second
	// probeBytes is the size of the write probe: a few pages, so a disk
	// with no room for the next commit is reported.
	probeBytes = 16 << 10
)

// oldestDuer reports the earliest next attempt among pending notifications.
type oldestDuer interface {
	OldestDue(ctx context.Context) (time.Time, bool, error)
}

// readiness decides whether this process can take citizens' requests.
type readiness struct {
	outbox     oldestDuer
	dataDir    string
	now        func() time.Time
	maxOverdue time.Duration
	logger     *slog.Logger

	mu      sync.Mutex
	checked time.Time
	reason  string // empty when ready
}

// readyHandler answers GET /readyz: 200 "ready" when the store answers a
// read transaction, the data directory takes a small fsynced write, and
// the outbox is not stuck (the oldest pending notification is at most
// maxOutboxOverdue past due); otherwise 503 with a short English reason.
// Mount it on the top-level mux beside /healthz (liveness), for example
// with withReadiness.
func readyHandler(outbox oldestDuer, dataDir string, logger *slog.Logger) http.Handler {
	return &readiness{outbox: outbox, dataDir: dataDir, now: time.Now,
		maxOverdue: maxOutboxOverdue, logger: logger}
}

// withReadiness serves GET /readyz with ready and everything else with next.
func withReadiness(ready, next http.Handler) http.Handler { return withPath("/readyz", ready, next) }

func (rd *readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if reason := rd.result(r.Context()); reason != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "not ready: %s\n", reason)
		return
	}
	fmt.Fprintln(w, "ready")
}

// result returns the reason the process is not ready, or "", reusing a
// result younger than readyCacheFor; one check runs at a time.
func (rd *readiness) result(ctx context.Context) string {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	now := rd.now()
	if age := now.Sub(rd.checked); !rd.checked.IsZero() && age >= 0 && age < readyCacheFor {
		return rd.reason
	}
	ctx, cancel := context.WithTimeout(ctx, readyProbeTimeout)
	defer cancel()
	reason := rd.check(ctx, now)
	if reason != "" && reason != rd.reason && rd.logger != nil {
		rd.logger.WarnContext(ctx, "not ready", "reason", reason)
	}
	rd.checked, rd.reason = now, reason
	return reason
}

// check runs the probes in order and returns the first failure.
func (rd *readiness) check(ctx context.Context, now time.Time) string {
	oldest, pending, err := rd.outbox.OldestDue(ctx)
	if err != nil {
		return "database read failed"
	}
	if err := probeWrite(rd.dataDir); err != nil {
		return "data directory not writable: " + err.Error()
	}
	if pending && now.Sub(oldest) > rd.maxOverdue {
		return fmt.Sprintf("outbox stuck: oldest pending notification is %s past due", now.Sub(oldest).Round(time.Second))
	}
	return ""
}

// probeWrite writes, fsyncs and removes a small file in dir.
func probeWrite(dir string) error {
	f, err := os.CreateTemp(dir, ".readyz-*")
	if err != nil {
		return plainErr(err)
	}
	defer os.Remove(f.Name())
	_, werr := f.Write(make([]byte, probeBytes))
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return plainErr(werr)
}

// plainErr drops the path from a file-system error: the reason is public.
func plainErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// drainOn answers /readyz with 503 "shutting down" once stopping is closed
// (the signal context ends), without running the probes, so a load balancer
// that polls it stops sending new requests while those in flight finish.
func drainOn(stopping <-chan struct{}, ready http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stopping:
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Connection", "close")
			http.Error(w, "not ready: shutting down", http.StatusServiceUnavailable)
		default:
			ready.ServeHTTP(w, r)
		}
	})
}
