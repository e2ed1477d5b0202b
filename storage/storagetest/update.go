package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// staff is the actor of the staff changes in these tests.
func staff(c modulario.Change) modulario.Change {
	c.Actor, c.ActorName = "u-anna", "Anna Verdi"
	return c
}

func lastEvent(sub *modulario.Submission) modulario.Event { return sub.Timeline[len(sub.Timeline)-1] }

func testUpdateStatus(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openOutbox(t, open)
	sub := submitWith(t, st)
	at := Start.Add(time.Hour)
	st.SetNow(at)
	msg := NewMessage(modulario.ChannelEmailMsg)
	got, err := st.Submissions.UpdateSubmission(ctx, sub.ID, staff(modulario.Change{
		Status: modulario.StatusInCharge, Message: "Presa in carico", IfStatus: modulario.StatusReceived}), msg)
	must(t, err)
	ev := lastEvent(got)
	if got.Status != modulario.StatusInCharge || got.TakenInChargeAt == nil || !got.TakenInChargeAt.Equal(at) ||
		got.ClosedAt != nil || !got.UpdatedAt.Equal(at) || ev.Type != modulario.EventTypeStatusChanged ||
		ev.Status != modulario.StatusInCharge || ev.Message != "Presa in carico" || ev.Actor != "u-anna" ||
		ev.ActorName != "Anna Verdi" || ev.Internal || !ev.At.Equal(at) {
		t.Fatalf("after taking in charge: %+v", got)
	}
	if msg.ID == "" || msg.Event != modulario.EventStatusChanged || msg.SubmissionStatus != modulario.StatusInCharge ||
		msg.SubmissionID != sub.ID || msg.Status != modulario.OutboxPending {
		t.Fatalf("status message: %+v", msg)
	}
	stored, err := st.Submissions.FindSubmission(ctx, sub.ID)
	must(t, err)
	if stored.Status != modulario.StatusInCharge || len(stored.Timeline) != 2 || stored.TakenInChargeAt == nil {
		t.Fatalf("stored: %+v", stored)
	}

	// Someone else acted first.
	_, err = st.Submissions.UpdateSubmission(ctx, sub.ID, staff(modulario.Change{
		Status: modulario.StatusRejected, IfStatus: modulario.StatusReceived}))
	WantCode(t, err, modulario.ECONFLICT)

	// Concluding keeps the first TakenInChargeAt and sets ClosedAt.
	later := at.Add(time.Hour)
	st.SetNow(later)
	_, err = st.Submissions.UpdateSubmission(ctx, sub.ID, staff(modulario.Change{Status: modulario.StatusWaiting, Message: "Serve la planimetria"}))
	must(t, err)
	got, err = st.Submissions.UpdateSubmission(ctx, sub.ID, staff(modulario.Change{Status: modulario.StatusConcluded}))
	must(t, err)
	if !got.TakenInChargeAt.Equal(at) || got.ClosedAt == nil || !got.ClosedAt.Equal(later) || got.Open() {
		t.Fatalf("after concluding: taken %v closed %v", got.TakenInChargeAt, got.ClosedAt)
	}
	// A closed request cannot move, not even by the citizen.
	_, err = st.Submissions.UpdateSubmission(ctx, sub.ID, modulario.Change{Actor: modulario.ActorCitizen, Status: modulario.StatusWithdrawn})
	WantCode(t, err, modulario.EINVALID)
	if n := len(listAll(t, st)); n != 1 {
		t.Fatalf("%d messages queued, want only the one of the first change", n)
	}
}

func testUpdateRefused(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openOutbox(t, open)
	sub := submitWith(t, st)
	in := "u-anna"
	for _, c := range []modulario.Change{
		{},                                  // empty
		{Status: "boh"},                     // unknown status
		{Status: modulario.StatusConcluded}, // received → concluded skips in_charge
		{Status: modulario.StatusReceived},  // not a move
		{Status: modulario.StatusWithdrawn}, // only the citizen withdraws
		{Actor: modulario.ActorCitizen, Status: modulario.StatusInCharge}, // the citizen cannot take in charge
		{Message: "no status"},
		{Status: modulario.StatusInCharge, Assign: &in, Attachments: []modulario.Attachment{{ID: "missing"}}},
	} {
		msg := NewMessage(modulario.ChannelSMS)
		_, err := st.Submissions.UpdateSubmission(ctx, sub.ID, c, msg)
		WantCode(t, err, modulario.EINVALID)
		if msg.ID != "" {
			t.Fatalf("a refused change %+v queued %+v", c, msg)
		}
	}
	stored, err := st.Submissions.FindSubmission(ctx, sub.ID)
	must(t, err)
	if stored.Status != modulario.StatusReceived || len(stored.Timeline) != 1 || stored.Assignee != "" || len(listAll(t, st)) != 0 {
		t.Fatalf("refused changes left traces: %+v", stored)
	}
	_, err = st.Submissions.UpdateSubmission(ctx, 999, staff(modulario.Change{Note: "x"}))
	WantCode(t, err, modulario.ENOTFOUND)

	// The citizen withdraws a request nobody took in charge.
	got, err := st.Submissions.UpdateSubmission(ctx, sub.ID, modulario.Change{Actor: modulario.ActorCitizen, Status: modulario.StatusWithdrawn})
	must(t, err)
	if got.Status != modulario.StatusWithdrawn || got.TakenInChargeAt != nil || got.ClosedAt == nil ||
		lastEvent(got).Actor != modulario.ActorCitizen {
		t.Fatalf("withdrawn: %+v", got)
	}
}

func testUpdateInternal(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openOutbox(t, open)
	sub := submitWith(t, st)
	mario := "u-mario"
	msg := NewMessage(modulario.ChannelEmailMsg)
	got, err := st.Submissions.UpdateSubmission(ctx, sub.ID, staff(modulario.Change{Note: "Chiamare il cittadino", Assign: &mario}), msg)
	must(t, err)
	n := len(got.Timeline)
	assigned, note := got.Timeline[n-2], got.Timeline[n-1]
	if got.Assignee != mario || assigned.Type != modulario.EventTypeAssigned || !assigned.Internal ||
		assigned.Assignee != mario || note.Type != modulario.EventTypeNote || !note.Internal ||
		note.Message != "Chiamare il cittadino" || note.Actor != "u-anna" || got.Status != modulario.StatusReceived {
		t.Fatalf("note and assignment: %+v", got)
	}
	if msg.ID != "" || len(listAll(t, st)) != 0 {
		t.Fatalf("a change without a status change queued %+v", msg)
	}
	// Re-routing clears the assignee.
	got, err = st.Submissions.UpdateSubmission(ctx, sub.ID, staff(modulario.Change{Office: "tributi", Reason: "Riguarda la TARI"}))
	must(t, err)
	ev := lastEvent(got)
	if got.Office != "tributi" || got.Assignee != "" || ev.Type != modulario.EventTypeRerouted || !ev.Internal ||
		ev.Office != "tributi" || ev.Message != "Riguarda la TARI" {
		t.Fatalf("re-routed: %+v", got)
	}
	page, err := st.Submissions.ListSubmissions(ctx, modulario.InboxFilter{Offices: []string{"urp"}})
	must(t, err)
	if len(page.Items) != 0 {
		t.Fatalf("re-routed request still in the old office's inbox")
	}
	page, err = st.Submissions.ListSubmissions(ctx, modulario.InboxFilter{Offices: []string{"tributi"}, Assignee: modulario.AssigneeNone})
	must(t, err)
	if len(page.Items) != 1 || page.Items[0].ID != sub.ID {
		t.Fatalf("re-routed request not in the new office's inbox: %+v", page.Items)
	}
	// Unassigning.
	none := ""
	got, err = st.Submissions.UpdateSubmission(ctx, sub.ID, staff(modulario.Change{Assign: &mario}))
	must(t, err)
	got, err = st.Submissions.UpdateSubmission(ctx, sub.ID, staff(modulario.Change{Assign: &none}))
	must(t, err)
	if got.Assignee != "" || lastEvent(got).Type != modulario.EventTypeAssigned || lastEvent(got).Assignee != "" {
		t.Fatalf("unassigned: %+v", got)
	}
}

func testUpdateIntegration(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openOutbox(t, open)
	sub, other := submitWith(t, st), submitWith(t, st)
	for _, s := range []modulario.SubmissionStatus{modulario.StatusInCharge, modulario.StatusWaiting} {
		_, err := st.Submissions.UpdateSubmission(ctx, sub.ID, staff(modulario.Change{Status: s}))
		must(t, err)
	}
	mine := putFile(t, st, modulario.IntegrationOwner(sub.ID), "planimetria")
	theirs := putFile(t, st, modulario.IntegrationOwner(other.ID), "altro")
	loose := putFile(t, st, "", "senza proprietario")
	err := st.Attachments.PutAttachment(ctx, &modulario.Attachment{Name: "x"}, modulario.IntegrationOwner(999), []byte("x"))
	WantCode(t, err, modulario.EINVALID)
	citizen := func(atts ...modulario.Attachment) modulario.Change {
		return modulario.Change{Actor: modulario.ActorCitizen, Status: modulario.StatusIntegrated,
			Message: "Ecco la planimetria", Attachments: atts, IfStatus: modulario.StatusWaiting}
	}
	for _, bad := range []*modulario.Attachment{theirs, loose} {
		_, err := st.Submissions.UpdateSubmission(ctx, sub.ID, citizen(*mine, *bad))
		WantCode(t, err, modulario.EINVALID)
	}
	msg := NewMessage(modulario.ChannelEmailMsg)
	got, err := st.Submissions.UpdateSubmission(ctx, sub.ID, citizen(*mine), msg)
	must(t, err)
	ev := lastEvent(got)
	if got.Status != modulario.StatusIntegrated || len(got.Attachments) != 1 || got.Attachments[0].ID != mine.ID ||
		got.Attachments[0].SHA256 != mine.SHA256 || len(ev.Attachments) != 1 || ev.Attachments[0] != mine.ID ||
		ev.Actor != modulario.ActorCitizen || ev.Message != "Ecco la planimetria" {
		t.Fatalf("integration: %+v", got)
	}
	if msg.SubmissionStatus != modulario.StatusIntegrated {
		t.Fatalf("integration message: %+v", msg)
	}
	// The file now belongs to the request: it cannot be deleted or claimed again.
	WantCode(t, st.Attachments.DeleteAttachment(ctx, mine.ID), modulario.ECONFLICT)
	_, err = st.Submissions.UpdateSubmission(ctx, other.ID, modulario.Change{Actor: modulario.ActorCitizen,
		Status: modulario.StatusWithdrawn, Attachments: []modulario.Attachment{*mine}})
	WantCode(t, err, modulario.EINVALID)
	must(t, st.Attachments.DeleteAttachment(ctx, theirs.ID))
}

func testQueueMessages(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openOutbox(t, open)
	sub := submitWith(t, st)
	at := Start.Add(time.Minute)
	st.SetNow(at)
	msg := NewMessage(modulario.ChannelEmailMsg)
	msg.Event = modulario.EventLookup
	must(t, st.Submissions.QueueMessages(ctx, sub.ID, msg))
	if msg.ID == "" || msg.Event != modulario.EventLookup || msg.SubmissionID != sub.ID ||
		msg.Status != modulario.OutboxPending || !msg.NextAttemptAt.Equal(at) {
		t.Fatalf("queued: %+v", msg)
	}
	list := listAll(t, st)
	if len(list) != 1 || list[0].ID != msg.ID || list[0].Event != modulario.EventLookup {
		t.Fatalf("outbox: %+v", list)
	}
	lost := NewMessage(modulario.ChannelEmailMsg)
	lost.Event = modulario.EventLookup
	WantCode(t, st.Submissions.QueueMessages(ctx, 999, lost), modulario.ENOTFOUND)
	WantCode(t, st.Submissions.QueueMessages(ctx, sub.ID, NewMessage(modulario.ChannelSMS)), modulario.EINVALID)
	if n := len(listAll(t, st)); n != 1 {
		t.Fatalf("%d messages after refused queues, want 1", n)
	}
}
