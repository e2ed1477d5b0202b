package storagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// openOutbox opens a store with an outbox, skipping t if it has none.
func openOutbox(t *testing.T, open Opener) Store {
	t.Helper()
	st := openAt(t, open, Start)
	if st.Outbox == nil {
		t.Skip("the store has no OutboxService")
	}
	return st
}

// NewMessage returns an outbox message for channel as a rule would queue it.
func NewMessage(channel string) *modulario.OutboxMessage {
	return &modulario.OutboxMessage{
		Rule: "conferma", Channel: channel,
		Action: json.RawMessage(`{"notify":"` + channel + `","to":"citizen"}`),
	}
}

// submitWith creates a submission with msgs and returns it.
func submitWith(t *testing.T, st Store, msgs ...*modulario.OutboxMessage) *modulario.Submission {
	t.Helper()
	sub := NewSubmission("assistenza")
	must(t, st.Submissions.CreateSubmission(context.Background(), sub, "", msgs...))
	return sub
}

func listAll(t *testing.T, st Store) []*modulario.OutboxMessage {
	t.Helper()
	list, err := st.Outbox.ListOutbox(context.Background(), modulario.OutboxFilter{Limit: 1000})
	must(t, err)
	return list
}

func testOutboxAtomic(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openOutbox(t, open)
	email, hook := NewMessage(modulario.ChannelEmailMsg), NewMessage(modulario.ChannelWebhook)
	sub := submitWith(t, st, email, hook)
	if len(email.ID) != 22 || email.ID == hook.ID {
		t.Fatalf("message ids %q and %q", email.ID, hook.ID)
	}
	if email.SubmissionID != sub.ID || email.Status != modulario.OutboxPending ||
		email.Event != modulario.EventReceived || !email.CreatedAt.Equal(Start) ||
		!email.NextAttemptAt.Equal(Start) || email.Rule != "conferma" {
		t.Fatalf("queued message: %+v", email)
	}
	got, err := st.Outbox.FindOutboxMessage(ctx, email.ID)
	must(t, err)
	if !reflect.DeepEqual(got, email) {
		t.Fatalf("stored message %+v, want %+v", got, email)
	}
	list, err := st.Outbox.ListOutbox(ctx, modulario.OutboxFilter{SubmissionID: sub.ID})
	must(t, err)
	if len(list) != 2 {
		t.Fatalf("submission has %d messages, want 2", len(list))
	}

	// A failed submission (the draft was already submitted) queues nothing.
	lost := NewMessage(modulario.ChannelEmailMsg)
	err = st.Submissions.CreateSubmission(ctx, NewSubmission("assistenza"), "no-such-draft", lost)
	WantCode(t, err, modulario.ENOTFOUND)
	if lost.ID != "" || len(listAll(t, st)) != 2 {
		t.Fatalf("failed submission queued a message: %+v, total %d", lost, len(listAll(t, st)))
	}
	err = st.Submissions.CreateSubmission(ctx, NewSubmission("assistenza"), "", &modulario.OutboxMessage{})
	WantCode(t, err, modulario.EINVALID)
	if n, _ := st.Submissions.CountSubmissions(ctx); n != 1 {
		t.Fatalf("%d submissions after the failures, want 1", n)
	}
	_, err = st.Outbox.FindOutboxMessage(ctx, "missing")
	WantCode(t, err, modulario.ENOTFOUND)
}

func testSubmissionRouting(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	sub := NewSubmission("assistenza")
	sub.Office, sub.Assignee, sub.Tags, sub.Priority = "tributi", "mrossi", []string{"tari", "rimborso"}, "alta"
	must(t, st.Submissions.CreateSubmission(ctx, sub, ""))
	must(t, st.Submissions.SetReference(ctx, sub.ID, "protocollo", "PG-2026-123"))
	got, err := st.Submissions.FindSubmission(ctx, sub.ID)
	must(t, err)
	if got.Office != "tributi" || got.Assignee != "mrossi" || got.Priority != "alta" ||
		!reflect.DeepEqual(got.Tags, sub.Tags) || got.References["protocollo"] != "PG-2026-123" {
		t.Fatalf("stored submission: %+v", got)
	}
	WantCode(t, st.Submissions.SetReference(ctx, 999, "protocollo", "x"), modulario.ENOTFOUND)
	WantCode(t, st.Submissions.SetReference(ctx, sub.ID, "", "x"), modulario.EINVALID)
	_, err = st.Submissions.FindSubmission(ctx, 999)
	WantCode(t, err, modulario.ENOTFOUND)
}

func testChangeStatus(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openOutbox(t, open)
	sub := submitWith(t, st)
	later := Start.Add(time.Hour)
	st.SetNow(later)
	msg := NewMessage(modulario.ChannelAppIO)
	got, err := st.Submissions.ChangeStatus(ctx, sub.ID, modulario.StatusInCharge, "Presa in carico dall'URP", msg)
	must(t, err)
	last := got.Timeline[len(got.Timeline)-1]
	if got.Status != modulario.StatusInCharge || !got.UpdatedAt.Equal(later) || len(got.Timeline) != 2 ||
		last.Type != "status_changed" || last.Status != modulario.StatusInCharge ||
		last.Message != "Presa in carico dall'URP" || !last.At.Equal(later) {
		t.Fatalf("after ChangeStatus: %+v", got)
	}
	stored, err := st.Submissions.FindSubmission(ctx, sub.ID)
	must(t, err)
	if !reflect.DeepEqual(stored, got) {
		t.Fatalf("stored %+v, returned %+v", stored, got)
	}
	if msg.Event != modulario.EventStatusChanged || msg.SubmissionStatus != modulario.StatusInCharge ||
		msg.SubmissionID != sub.ID || !msg.NextAttemptAt.Equal(later) || msg.Status != modulario.OutboxPending {
		t.Fatalf("status message: %+v", msg)
	}
	_, err = st.Submissions.ChangeStatus(ctx, 999, modulario.StatusConcluded, "")
	WantCode(t, err, modulario.ENOTFOUND)
	_, err = st.Submissions.ChangeStatus(ctx, sub.ID, "boh", "")
	WantCode(t, err, modulario.EINVALID)
	orphan := NewMessage(modulario.ChannelSMS)
	_, err = st.Submissions.ChangeStatus(ctx, 999, modulario.StatusConcluded, "", orphan)
	WantCode(t, err, modulario.ENOTFOUND)
	if orphan.ID != "" || len(listAll(t, st)) != 1 {
		t.Fatalf("a failed status change queued a message: %+v", orphan)
	}
}

func testOutboxClaim(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openOutbox(t, open)
	first := NewMessage(modulario.ChannelEmailMsg)
	submitWith(t, st, first)
	st.SetNow(Start.Add(time.Second))
	second := NewMessage(modulario.ChannelEmailMsg)
	submitWith(t, st, second)

	claimed, err := st.Outbox.ClaimDue(ctx, Start, time.Minute, 10)
	must(t, err)
	if len(claimed) != 1 || claimed[0].ID != first.ID || !claimed[0].NextAttemptAt.Equal(Start.Add(time.Minute)) {
		t.Fatalf("claim at start: %v", ids(claimed))
	}
	now := Start.Add(2 * time.Second)
	claimed, err = st.Outbox.ClaimDue(ctx, now, time.Minute, 10)
	must(t, err)
	if len(claimed) != 1 || claimed[0].ID != second.ID {
		t.Fatalf("leased message claimed again: %v", ids(claimed))
	}
	// Nobody recorded an attempt: after the lease both come back, oldest first.
	claimed, err = st.Outbox.ClaimDue(ctx, now.Add(time.Minute), time.Minute, 10)
	must(t, err)
	if got := ids(claimed); got != first.ID+","+second.ID {
		t.Fatalf("after the lease: %s", got)
	}
	claimed, err = st.Outbox.ClaimDue(ctx, now.Add(2*time.Minute+time.Second), time.Minute, 1)
	must(t, err)
	if len(claimed) != 1 || claimed[0].Status != modulario.OutboxPending {
		t.Fatalf("limit 1 claimed %v", ids(claimed))
	}
}

func ids(list []*modulario.OutboxMessage) string {
	s := ""
	for i, m := range list {
		if i > 0 {
			s += ","
		}
		s += m.ID
	}
	return s
}

func testOutboxConcurrentClaim(t *testing.T, open Opener) {
	const messages, workers = 60, 8
	ctx := context.Background()
	st := openOutbox(t, open)
	for i := 0; i < messages/3; i++ {
		submitWith(t, st, NewMessage("email"), NewMessage("webhook"), NewMessage("sms"))
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Bounded, so a store that never leases fails instead of spinning.
			for i := 0; i < messages; i++ {
				claimed, err := st.Outbox.ClaimDue(ctx, Start, time.Hour, 3)
				if err != nil || len(claimed) == 0 {
					return
				}
				mu.Lock()
				for _, m := range claimed {
					seen[m.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != messages {
		t.Fatalf("claimed %d distinct messages, want %d", len(seen), messages)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("message %s claimed %d times", id, n)
		}
	}
}

func testOutboxAttempts(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openOutbox(t, open)
	msg := NewMessage(modulario.ChannelWebhook)
	submitWith(t, st, msg)
	fail := func(at time.Time, next time.Time) {
		t.Helper()
		must(t, st.Outbox.RecordAttempt(ctx, msg.ID, modulario.Attempt{At: at, Duration: time.Second, Error: fmt.Sprintf("HTTP 503 at %v", at)}, next))
	}
	retryAt := Start.Add(30 * time.Second)
	fail(Start, retryAt)
	m, err := st.Outbox.FindOutboxMessage(ctx, msg.ID)
	must(t, err)
	if m.Status != modulario.OutboxPending || !m.NextAttemptAt.Equal(retryAt) || len(m.Attempts) != 1 ||
		m.LastError == "" || m.Attempts[0].OK {
		t.Fatalf("after a failure: %+v", m)
	}
	wantClaim(t, st, Start.Add(29*time.Second), 0)
	wantClaim(t, st, retryAt, 1)

	fail(retryAt, time.Time{})
	m, err = st.Outbox.FindOutboxMessage(ctx, msg.ID)
	must(t, err)
	if m.Status != modulario.OutboxDead || m.LastError != fmt.Sprintf("HTTP 503 at %v", retryAt) {
		t.Fatalf("after the last failure: %+v", m)
	}
	wantClaim(t, st, Start.Add(24*time.Hour), 0)
	counts, err := st.Outbox.CountOutbox(ctx)
	must(t, err)
	if c := counts[modulario.ChannelWebhook]; c.Dead != 1 || c.Pending != 0 || c.FailedAttempts != 2 {
		t.Fatalf("counts of a dead message: %+v", counts)
	}

	retryNow := Start.Add(time.Hour)
	must(t, st.Outbox.RetryOutboxMessage(ctx, msg.ID, retryNow))
	wantClaim(t, st, retryNow.Add(-time.Second), 0)
	wantClaim(t, st, retryNow, 1)
	sentAt := retryNow.Add(time.Second)
	must(t, st.Outbox.RecordAttempt(ctx, msg.ID, modulario.Attempt{At: sentAt, OK: true}, time.Time{}))
	m, err = st.Outbox.FindOutboxMessage(ctx, msg.ID)
	must(t, err)
	if m.Status != modulario.OutboxSent || m.SentAt == nil || !m.SentAt.Equal(sentAt) || len(m.Attempts) != 3 {
		t.Fatalf("after success: %+v", m)
	}
	wantClaim(t, st, Start.Add(48*time.Hour), 0)
	WantCode(t, st.Outbox.RetryOutboxMessage(ctx, msg.ID, retryNow), modulario.ECONFLICT)
	WantCode(t, st.Outbox.RetryOutboxMessage(ctx, "missing", retryNow), modulario.ENOTFOUND)
	WantCode(t, st.Outbox.RecordAttempt(ctx, "missing", modulario.Attempt{OK: true}, time.Time{}), modulario.ENOTFOUND)
	counts, err = st.Outbox.CountOutbox(ctx)
	must(t, err)
	if c := counts[modulario.ChannelWebhook]; c.Sent != 1 || c.Dead != 0 || c.FailedAttempts != 2 || len(counts) != 1 {
		t.Fatalf("counts of a sent message: %+v", counts)
	}
}

// wantClaim claims at now and fails t unless it got n messages.
func wantClaim(t *testing.T, st Store, now time.Time, n int) {
	t.Helper()
	claimed, err := st.Outbox.ClaimDue(context.Background(), now, time.Minute, 10)
	must(t, err)
	if len(claimed) != n {
		t.Fatalf("claim at %v got %d messages, want %d", now, len(claimed), n)
	}
}

func testOutboxList(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openOutbox(t, open)
	a := submitWith(t, st, NewMessage("email"), NewMessage("webhook"))
	st.SetNow(Start.Add(time.Minute))
	b := submitWith(t, st, NewMessage("email"))
	all := listAll(t, st)
	if len(all) != 3 || all[0].SubmissionID != b.ID || all[2].SubmissionID != a.ID {
		t.Fatalf("newest first: %+v", all)
	}
	list, err := st.Outbox.ListOutbox(ctx, modulario.OutboxFilter{Channel: "email", Limit: 1})
	must(t, err)
	if len(list) != 1 || list[0].SubmissionID != b.ID {
		t.Fatalf("email, limit 1: %+v", list)
	}
	list, err = st.Outbox.ListOutbox(ctx, modulario.OutboxFilter{SubmissionID: a.ID, Channel: "webhook"})
	must(t, err)
	if len(list) != 1 || list[0].Channel != "webhook" || list[0].SubmissionID != a.ID {
		t.Fatalf("by submission and channel: %+v", list)
	}
	must(t, st.Outbox.RecordAttempt(ctx, list[0].ID, modulario.Attempt{At: Start, Error: "down"}, time.Time{}))
	list, err = st.Outbox.ListOutbox(ctx, modulario.OutboxFilter{Status: modulario.OutboxDead})
	must(t, err)
	if len(list) != 1 || list[0].LastError != "down" {
		t.Fatalf("dead list: %+v", list)
	}
	counts, err := st.Outbox.CountOutbox(ctx)
	must(t, err)
	if counts["email"].Pending != 2 || counts["webhook"].Dead != 1 {
		t.Fatalf("counts: %+v", counts)
	}
}

func testOutboxWake(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openOutbox(t, open)
	wake := st.Outbox.OutboxWake()
	woken := func() bool {
		select {
		case <-wake:
			return true
		default:
			return false
		}
	}
	woken() // drain
	sub := submitWith(t, st)
	if woken() {
		t.Fatal("a submission without notifications woke the dispatcher")
	}
	msg := NewMessage("email")
	submitWith(t, st, msg)
	submitWith(t, st, NewMessage("email")) // a second signal must not block
	if !woken() || woken() {
		t.Fatal("want exactly one pending wake signal after two submissions")
	}
	_, err := st.Submissions.ChangeStatus(ctx, sub.ID, modulario.StatusConcluded, "", NewMessage("email"))
	must(t, err)
	if !woken() {
		t.Fatal("a status change with a notification did not wake the dispatcher")
	}
	must(t, st.Outbox.RecordAttempt(ctx, msg.ID, modulario.Attempt{At: Start, Error: "x"}, time.Time{}))
	woken()
	must(t, st.Outbox.RetryOutboxMessage(ctx, msg.ID, Start))
	if !woken() {
		t.Fatal("a retry did not wake the dispatcher")
	}
}
