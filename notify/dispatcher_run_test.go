package notify

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// runUntil runs d until cond holds or the deadline passes.
func runUntil(t *testing.T, d *Dispatcher, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !cond() {
		t.Fatal("condition not met in time")
	}
}

func TestDispatcherConcurrentWorkersSendOnce(t *testing.T) {
	st := newStore(t)
	var datas []string
	for range 60 {
		datas = append(datas, `{"email":"anna@example.it"}`)
	}
	setup(t, st, datas...)
	ch := &recordingChannel{name: "email"}
	// two dispatchers over one store, 8 workers each, real clock.
	d1 := &Dispatcher{Outbox: st.outbox, Submissions: st.subs, Forms: st.forms, Offices: st.offices,
		Channels: map[string]Channel{"email": ch}, Workers: 8}
	d2 := &Dispatcher{Outbox: st.outbox, Submissions: st.subs, Forms: st.forms, Offices: st.offices,
		Channels: map[string]Channel{"email": ch}, Workers: 8}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 2)
	go func() { done <- d1.Run(ctx) }()
	go func() { done <- d2.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for ch.count() < 120 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	<-done
	<-done
	seen := map[string]int{}
	for _, m := range ch.sent {
		seen[m.ID]++
	}
	if ch.count() != 120 || len(seen) != 120 {
		t.Fatalf("sent %d messages, %d distinct, want 120", ch.count(), len(seen))
	}
}

func TestDispatcherResumesAfterRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	st := openStore(t, path)
	setup(t, st, `{"email":"anna@example.it"}`, `{"email":"bruno@example.it"}`)
	// a first dispatcher claims the messages and "crashes" before sending.
	if msgs, err := st.outbox.ClaimDue(context.Background(), time.Now(), time.Second, 10); err != nil || len(msgs) != 4 {
		t.Fatalf("claim: %d %v", len(msgs), err)
	}
	st.db.Close()
	st = openStore(t, path)
	defer st.db.Close()
	ch := &recordingChannel{name: "email"}
	d := &Dispatcher{Outbox: st.outbox, Submissions: st.subs, Forms: st.forms, Offices: st.offices,
		Channels: map[string]Channel{"email": ch}, Lease: time.Second}
	runUntil(t, d, func() bool { return ch.count() == 4 })
	sent, _ := st.outbox.ListOutbox(context.Background(), modulario.OutboxFilter{Status: modulario.OutboxSent})
	if len(sent) != 4 {
		t.Errorf("sent rows = %d", len(sent))
	}
}
