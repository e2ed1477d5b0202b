package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// testDeleteAttachment checks DeleteAttachment: unowned and draft-owned
// files go away, submission-owned ones are refused.
func testDeleteAttachment(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	loose := putFile(t, st, "", "senza proprietario")
	must(t, st.Attachments.DeleteAttachment(ctx, loose.ID))
	_, _, err := st.Attachments.FindAttachment(ctx, loose.ID)
	WantCode(t, err, modulario.ENOTFOUND)
	WantCode(t, st.Attachments.DeleteAttachment(ctx, loose.ID), modulario.ENOTFOUND)

	d := newDraft(t, st, Start.Add(48*time.Hour))
	replaced := putFile(t, st, "draft:"+d.Token, "prima foto")
	kept := putFile(t, st, "draft:"+d.Token, "seconda foto")
	must(t, st.Attachments.DeleteAttachment(ctx, replaced.ID))
	_, _, err = st.Attachments.FindAttachment(ctx, replaced.ID)
	WantCode(t, err, modulario.ENOTFOUND)
	if _, content, err := st.Attachments.FindAttachment(ctx, kept.ID); err != nil || string(content) != "seconda foto" {
		t.Fatalf("other attachment of the draft: %q, %v", content, err)
	}
	// The deleted file is no longer part of the draft: a submission that
	// names it is refused, and deleting the draft still works.
	s := NewSubmission("acqua")
	s.Attachments = []modulario.Attachment{*replaced}
	WantCode(t, st.Submissions.CreateSubmission(ctx, s, d.Token), modulario.EINVALID)

	s = NewSubmission("acqua")
	s.Attachments = []modulario.Attachment{*kept}
	must(t, st.Submissions.CreateSubmission(ctx, s, d.Token))
	WantCode(t, st.Attachments.DeleteAttachment(ctx, kept.ID), modulario.ECONFLICT)
	if _, content, err := st.Attachments.FindAttachment(ctx, kept.ID); err != nil || string(content) != "seconda foto" {
		t.Fatalf("submission attachment after refused delete: %q, %v", content, err)
	}
}
