package notify

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// statusRules notify the citizen of every status change.
const statusRules = `"rules":[{"name":"Aggiornamenti","on":"submission.status_changed","when":{},
  "then":[{"notify":"email","to":"citizen","template":"aggiornamento-stato"}]}]`

func TestWorkflowApplyQueuesStatusRule(t *testing.T) {
	st := newStore(t)
	publish(t, st, statusRules)
	ctx := context.Background()
	s := submission(`{"email":"mario@example.it"}`)
	if err := st.subs.CreateSubmission(ctx, s, ""); err != nil {
		t.Fatal(err)
	}
	w := &Workflow{Submissions: st.subs, Rules: NewEngine(st.forms)}
	got, err := w.Apply(ctx, s.ID, modulario.Change{Actor: "u1", ActorName: "Anna", Status: modulario.StatusInCharge, Message: "Presa in carico"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != modulario.StatusInCharge || got.TakenInChargeAt == nil {
		t.Fatalf("status %q, taken in charge %v", got.Status, got.TakenInChargeAt)
	}
	msgs, err := st.outbox.ListOutbox(ctx, modulario.OutboxFilter{SubmissionID: s.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Event != modulario.EventStatusChanged ||
		msgs[0].SubmissionStatus != modulario.StatusInCharge || msgs[0].Rule != "Aggiornamenti" {
		t.Fatalf("outbox = %+v", msgs)
	}

	// Someone else acted first: the change is refused, nothing queued.
	_, err = w.Apply(ctx, s.ID, modulario.Change{Actor: "u2", IfStatus: modulario.StatusReceived, Status: modulario.StatusRejected})
	if modulario.ErrorCode(err) != modulario.ECONFLICT {
		t.Fatalf("stale IfStatus: err = %v, want ECONFLICT", err)
	}
	after, _ := st.subs.FindSubmission(ctx, s.ID)
	msgs, _ = st.outbox.ListOutbox(ctx, modulario.OutboxFilter{SubmissionID: s.ID})
	if after.Status != modulario.StatusInCharge || len(msgs) != 1 {
		t.Fatalf("after conflict: status %q, %d messages", after.Status, len(msgs))
	}
	if _, err := w.Apply(ctx, s.ID, modulario.Change{Actor: "u2"}); modulario.ErrorCode(err) != modulario.EINVALID {
		t.Fatalf("empty change: err = %v, want EINVALID", err)
	}
}

func TestWorkflowBrokenRuleDoesNotBlock(t *testing.T) {
	st := newStore(t)
	publish(t, st, statusRules)
	ctx := context.Background()
	// Answers that are not a JSON object cannot be evaluated by any rule.
	s := submission(`[1]`)
	if err := st.subs.CreateSubmission(ctx, s, ""); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	w := &Workflow{Submissions: st.subs, Rules: NewEngine(st.forms), Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	got, err := w.Apply(ctx, s.ID, modulario.Change{Actor: "u1", Status: modulario.StatusInCharge})
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := st.outbox.ListOutbox(ctx, modulario.OutboxFilter{SubmissionID: s.ID})
	if got.Status != modulario.StatusInCharge || len(msgs) != 0 {
		t.Fatalf("status %q, %d messages", got.Status, len(msgs))
	}
	if !strings.Contains(logs.String(), "status rules not applied") {
		t.Fatalf("the broken rule was not logged: %s", logs.String())
	}
}
