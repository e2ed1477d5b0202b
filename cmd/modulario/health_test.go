package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage"
)

// readyEnv is a readiness handler over a real store in a temporary dir.
type readyEnv struct {
	db      *storage.DB
	dataDir string
	rd      *readiness
}

func newReadyEnv(t *testing.T) *readyEnv {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	db, err := storage.Open(filepath.Join(dir, "modulario.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	rd := readyHandler(storage.NewOutboxService(db), dir, nil).(*readiness)
	return &readyEnv{db: db, dataDir: dir, rd: rd}
}

// probe asks /readyz through withReadiness and returns status and body.
func (e *readyEnv) probe(t *testing.T, method string) (int, string) {
	t.Helper()
	e.rd.checked = time.Time{} // no cached result between cases
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { http.NotFound(w, nil) })
	rec := httptest.NewRecorder()
	withReadiness(e.rd, next).ServeHTTP(rec, httptest.NewRequest(method, "/readyz", nil))
	body, _ := io.ReadAll(rec.Body)
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	return rec.Code, string(body)
}

// queueAt stores a submission with one email notification created at at.
func (e *readyEnv) queueAt(t *testing.T, at time.Time) {
	t.Helper()
	e.db.Now = func() time.Time { return at }
	defer func() { e.db.Now = time.Now }()
	sub := &modulario.Submission{FormSlug: "prova", Version: 1, Data: json.RawMessage(`{}`)}
	msg := &modulario.OutboxMessage{Channel: modulario.ChannelEmailMsg, Action: json.RawMessage(`{"notify":"email"}`)}
	if err := storage.NewSubmissionService(e.db).CreateSubmission(context.Background(), sub, "", msg); err != nil {
		t.Fatal(err)
	}
}

func TestReadyzReadyOnAFreshStore(t *testing.T) {
	e := newReadyEnv(t)
	if code, body := e.probe(t, http.MethodGet); code != http.StatusOK || body != "ready\n" {
		t.Fatalf("fresh store: %d %q, want 200 ready", code, body)
	}
	e.queueAt(t, time.Now().Add(-time.Minute)) // a little late is normal
	if code, body := e.probe(t, http.MethodGet); code != http.StatusOK {
		t.Fatalf("recent pending message: %d %q, want 200", code, body)
	}
	if code, _ := e.probe(t, http.MethodHead); code != http.StatusOK {
		t.Errorf("HEAD: %d, want 200", code)
	}
	if code, _ := e.probe(t, http.MethodPost); code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", code)
	}
	if left, _ := filepath.Glob(filepath.Join(e.dataDir, ".readyz-*")); len(left) != 0 {
		t.Errorf("probe files left behind: %v", left)
	}
}

func TestReadyzStuckOutbox(t *testing.T) {
	e := newReadyEnv(t)
	e.queueAt(t, time.Now().Add(-time.Hour))
	code, body := e.probe(t, http.MethodGet)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "outbox stuck") {
		t.Fatalf("message an hour past due: %d %q, want 503 outbox stuck", code, body)
	}
}

func TestReadyzDataDirGone(t *testing.T) {
	e := newReadyEnv(t)
	// Removing the directory stands for a disk that refuses new files: the
	// open database still reads, the probe cannot write.
	if err := os.RemoveAll(e.dataDir); err != nil {
		t.Fatal(err)
	}
	code, body := e.probe(t, http.MethodGet)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "data directory not writable") {
		t.Fatalf("data dir removed: %d %q, want 503", code, body)
	}
	if strings.Contains(body, e.dataDir) {
		t.Errorf("the public reason names the path: %q", body)
	}
}

func TestReadyzClosedStore(t *testing.T) {
	e := newReadyEnv(t)
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	code, body := e.probe(t, http.MethodGet)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "database read failed") {
		t.Fatalf("closed store: %d %q, want 503 database read failed", code, body)
	}
}

func TestReadyzCachesForASecond(t *testing.T) {
	e := newReadyEnv(t)
	now := time.Now()
	e.rd.now = func() time.Time { return now }
	if reason := e.rd.result(context.Background()); reason != "" {
		t.Fatalf("ready expected, got %q", reason)
	}
	_ = os.RemoveAll(e.dataDir)
	if reason := e.rd.result(context.Background()); reason != "" {
		t.Errorf("within the cache window the old result should stand, got %q", reason)
	}
	now = now.Add(readyCacheFor + time.Millisecond)
	if reason := e.rd.result(context.Background()); reason == "" {
		t.Errorf("after the cache window the removed dir should be seen")
	}
}
