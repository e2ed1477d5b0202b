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

// TestWorkflowStatusRuleActions: a status rule's route, assign, tag and
// priority are stored with the status change, like its notification; an
// assign naming nobody is logged and skipped.
func TestWorkflowStatusRuleActions(t *testing.T) {
	st := newStore(t)
	publish(t, st, `"rules":[{"name":"Chiusura","on":"submission.status_changed",
	  "when":{"properties":{"status":{"const":"in_charge"}}},
	  "then":[{"notify":"email","to":"citizen"},{"route":"archivio"},{"assign":"Anna@Comune.example.it"},
	    {"tag":"chiusa"},{"tags":["chiusa","verificata"]},{"priority":"bassa"}]},
	  {"name":"Ignoto","on":"submission.status_changed","when":{"properties":{"status":{"const":"rejected"}}},
	  "then":[{"assign":"nessuno@comune.example.it"},{"tag":"respinta"}]}]`)
	ctx := context.Background()
	anna := &modulario.User{Email: "anna@comune.example.it", Name: "Anna", Role: modulario.RoleOperator,
		Offices: []string{"archivio"}, PasswordHash: "x"}
	if err := st.users.CreateUser(ctx, anna); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	w := &Workflow{Submissions: st.subs, Rules: NewEngine(st.forms).WithUsers(st.users, logger), Logger: logger}

	s := submission(`{"email":"mario@example.it"}`)
	s.Tags, s.Priority = []string{"urgente"}, "alta"
	if err := st.subs.CreateSubmission(ctx, s, ""); err != nil {
		t.Fatal(err)
	}
	got, err := w.Apply(ctx, s.ID, modulario.Change{Actor: "u1", Status: modulario.StatusInCharge})
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := st.subs.FindSubmission(ctx, s.ID)
	for _, sub := range []*modulario.Submission{got, stored} {
		if sub.Office != "archivio" || sub.Assignee != anna.ID || sub.Priority != "bassa" ||
			strings.Join(sub.Tags, ",") != "urgente,chiusa,verificata" {
			t.Fatalf("office %q assignee %q priority %q tags %v", sub.Office, sub.Assignee, sub.Priority, sub.Tags)
		}
	}
	var rerouted bool
	for _, e := range stored.Timeline {
		rerouted = rerouted || e.Type == modulario.EventTypeRerouted && e.Office == "archivio" && strings.Contains(e.Message, "Chiusura")
	}
	if !rerouted {
		t.Errorf("no rerouted event naming the rule: %+v", stored.Timeline)
	}
	page, err := st.subs.ListSubmissions(ctx, modulario.InboxFilter{Tag: "verificata"})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("tag index: %v, %v", page, err)
	}
	if msgs, _ := st.outbox.ListOutbox(ctx, modulario.OutboxFilter{SubmissionID: s.ID}); len(msgs) != 1 {
		t.Fatalf("%d messages queued, want 1", len(msgs))
	}

	// An operator's own re-routing and assignment win over the rule's.
	s3 := submission(`{}`)
	if err := st.subs.CreateSubmission(ctx, s3, ""); err != nil {
		t.Fatal(err)
	}
	none := ""
	got, err = w.Apply(ctx, s3.ID, modulario.Change{Actor: "u1", Status: modulario.StatusInCharge, Office: "tecnico", Assign: &none})
	if err != nil {
		t.Fatal(err)
	}
	if got.Office != "tecnico" || got.Assignee != "" || got.Priority != "bassa" {
		t.Fatalf("operator's choice: office %q assignee %q priority %q", got.Office, got.Assignee, got.Priority)
	}

	// An unknown assignee is skipped with a log line.
	s2 := submission(`{}`)
	if err := st.subs.CreateSubmission(ctx, s2, ""); err != nil {
		t.Fatal(err)
	}
	got, err = w.Apply(ctx, s2.ID, modulario.Change{Actor: "u1", Status: modulario.StatusRejected})
	if err != nil {
		t.Fatal(err)
	}
	if got.Assignee != "" || strings.Join(got.Tags, ",") != "respinta" {
		t.Fatalf("assignee %q tags %v", got.Assignee, got.Tags)
	}
	if !strings.Contains(logs.String(), "unknown or disabled user") || !strings.Contains(logs.String(), "nessuno@comune.example.it") {
		t.Fatalf("unknown assignee not logged: %s", logs.String())
	}

	// Taking a request in charge while a rule moves it to another office
	// (without assigning) leaves it unassigned there, not with an operator
	// of the old office.
	publish(t, st, `"rules":[{"name":"Archivia","on":"submission.status_changed",
	  "when":{"properties":{"status":{"const":"in_charge"}}},"then":[{"route":"archivio"}]}]`)
	s4 := submission(`{}`)
	s4.Version = 2
	if err := st.subs.CreateSubmission(ctx, s4, ""); err != nil {
		t.Fatal(err)
	}
	me := "u1"
	got, err = w.Apply(ctx, s4.ID, modulario.Change{Actor: "u1", Status: modulario.StatusInCharge, Assign: &me})
	if err != nil {
		t.Fatal(err)
	}
	if got.Office != "archivio" || got.Assignee != "" {
		t.Fatalf("taken in charge and moved by a rule: office %q assignee %q", got.Office, got.Assignee)
	}
}
