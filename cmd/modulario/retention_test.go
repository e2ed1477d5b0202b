package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage"
)

// publishForm stores and publishes a minimal form whose definition has
// the given retention (nil: none).
func publishForm(t *testing.T, st *store, slug string, p *modulario.RetentionPolicy) {
	t.Helper()
	ctx := modulario.NewContextWithActor(context.Background(), "test")
	def := map[string]any{"slug": slug, "title": slug, "privacy": "Informativa.",
		"schema": map[string]any{"type": "object", "properties": map[string]any{"nome": map[string]any{"type": "string"}}}}
	if p != nil {
		def["retention"] = p
	}
	raw, _ := json.Marshal(def)
	if _, _, err := st.Forms.SaveDraft(ctx, modulario.Form{Slug: slug, Title: slug}, raw); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Forms.PublishDraft(ctx, slug); err != nil {
		t.Fatal(err)
	}
}

// TestRetentionJob applies the published policies of two forms and
// leaves a form without one alone: the dry run only counts, the run
// deletes or anonymises, logs one line per form with counts only, and
// records an audit entry; a second run does nothing.
func TestRetentionJob(t *testing.T) {
	ctx := context.Background()
	st, err := openStore(filepath.Join(t.TempDir(), "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	publishForm(t, st, "tari", &modulario.RetentionPolicy{Months: 12, Action: modulario.RetentionDelete})
	publishForm(t, st, "mensa", &modulario.RetentionPolicy{Months: 6, Action: modulario.RetentionAnonymise})
	publishForm(t, st, "anagrafe", nil)
	now := time.Now()
	old := now.AddDate(-2, 0, 0)
	var subs []*modulario.Submission
	for _, form := range []string{"tari", "tari", "mensa", "anagrafe"} {
		closed := old.Add(time.Hour)
		subs = append(subs, &modulario.Submission{FormSlug: form, Version: 1, Office: "urp", CreatedAt: old,
			Status: modulario.StatusConcluded, ClosedAt: &closed, Data: json.RawMessage(`{"nome":"Gianfranco Zappalà"}`)})
	}
	subs = append(subs, &modulario.Submission{FormSlug: "tari", Version: 1, CreatedAt: old, Data: json.RawMessage(`{"nome":"aperta"}`)})
	if err := storage.NewSubmissionService(st.db).ImportSubmissions(ctx, subs); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runIn(t, st, "retention", "run", "--dry-run")
	if code != exitOK || !strings.Contains(out, "tari\tdelete after 12 months\tclosed before ") ||
		!strings.Contains(out, "\t2 to be deleted\n") || !strings.Contains(out, "mensa\tanonymise after 6 months") ||
		!strings.Contains(out, "\t1 to be anonymised\n") || strings.Contains(out, "anagrafe") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	if n, _ := st.Submissions.CountSubmissions(ctx); n != 5 {
		t.Fatalf("the dry run changed the store: %d requests", n)
	}

	var logs bytes.Buffer
	job := newRetentionJob(st, modulario.ActorSystem, slog.New(slog.NewJSONHandler(&logs, nil)))
	res, err := job.run(ctx, now, false)
	if err != nil || len(res) != 2 {
		t.Fatalf("run = %+v, %v", res, err)
	}
	got := map[string]modulario.RetentionResult{}
	for _, r := range res {
		got[r.Form] = r.RetentionResult
	}
	if got["tari"].Deleted != 2 || got["mensa"].Anonymised != 1 {
		t.Errorf("results %+v", got)
	}
	if n, _ := st.Submissions.CountSubmissions(ctx); n != 3 {
		t.Errorf("%d requests left, want 3 (open tari, anonymised mensa, anagrafe)", n)
	}
	if mensa, err := st.Submissions.FindSubmission(ctx, subs[2].ID); err != nil || string(mensa.Data) != "{}" || mensa.AnonymisedAt == nil {
		t.Errorf("mensa request: %+v, %v", mensa, err)
	}
	if lines := strings.Count(logs.String(), `"msg":"retention"`); lines != 2 || strings.Contains(logs.String(), "Zappal") ||
		!strings.Contains(logs.String(), `"form":"tari"`) || !strings.Contains(logs.String(), `"deleted":2`) {
		t.Errorf("log lines (%d):\n%s", lines, logs.String())
	}
	entries, err := st.Audit.ListAudit(ctx, modulario.AuditFilter{Target: "form:tari"})
	if err != nil || len(entries) == 0 || entries[0].Action != "retention.apply" || entries[0].Actor != modulario.ActorSystem ||
		!strings.Contains(entries[0].Detail, "2 requests closed before") {
		t.Errorf("audit: %+v, %v", entries, err)
	}

	code, out, _ = runIn(t, st, "retention", "run")
	if code != exitOK || !strings.Contains(out, "\t0 deleted\n") || !strings.Contains(out, "\t0 anonymised\n") {
		t.Errorf("second run: exit %d\n%s", code, out)
	}
	if n, _ := st.Submissions.CountSubmissions(ctx); n != 3 {
		t.Errorf("second run changed the store: %d requests", n)
	}
}
