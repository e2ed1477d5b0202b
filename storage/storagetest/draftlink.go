package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// testSubmissionByDraft checks that a submitted draft leads to its
// submission for a day (the double-click receipt), and nothing else does.
func testSubmissionByDraft(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	d := newDraft(t, st, Start.Add(time.Hour))
	_, err := st.Submissions.FindSubmissionByDraft(ctx, d.Token)
	WantCode(t, err, modulario.ENOTFOUND)

	sub := NewSubmission("acqua")
	must(t, st.Submissions.CreateSubmission(ctx, sub, d.Token))
	got, err := st.Submissions.FindSubmissionByDraft(ctx, d.Token)
	must(t, err)
	if got.Token != sub.Token || got.Number != sub.Number {
		t.Fatalf("by draft = %s %s, want %s %s", got.Number, got.Token, sub.Number, sub.Token)
	}
	// A second submit of the same draft still fails, and the link holds.
	WantCode(t, st.Submissions.CreateSubmission(ctx, NewSubmission("acqua"), d.Token), modulario.ENOTFOUND)
	if again, err := st.Submissions.FindSubmissionByDraft(ctx, d.Token); err != nil || again.ID != sub.ID {
		t.Fatalf("after a second submit: %v, %v", again, err)
	}
	// Submissions without a draft leave no link; unknown tokens find nothing.
	must(t, st.Submissions.CreateSubmission(ctx, NewSubmission("acqua"), ""))
	for _, tok := range []string{"", "missing"} {
		_, err = st.Submissions.FindSubmissionByDraft(ctx, tok)
		WantCode(t, err, modulario.ENOTFOUND)
	}
	st.SetNow(Start.Add(25 * time.Hour))
	_, err = st.Submissions.FindSubmissionByDraft(ctx, d.Token)
	WantCode(t, err, modulario.ENOTFOUND)
}
