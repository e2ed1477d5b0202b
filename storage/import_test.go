package storage

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

func TestImportSubmissionsKeepsStatusAndDates(t *testing.T) {
	db, _ := openTestDB(t, filepath.Join(t.TempDir(), "m.db"))
	subs := NewSubmissionService(db)
	ctx := context.Background()
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	in := []*modulario.Submission{
		{FormSlug: "a", Version: 1, Office: "urp", Status: modulario.StatusConcluded, Channel: modulario.ChannelPhone,
			Tags: []string{"urgente"}, Data: json.RawMessage(`{"x":1}`), CreatedAt: at},
		{FormSlug: "b", Version: 2, Data: json.RawMessage(`{}`), CreatedAt: at.Add(time.Hour)},
	}
	if err := subs.ImportSubmissions(ctx, in); err != nil {
		t.Fatal(err)
	}
	if in[0].Number != "2025-0000001" || in[1].Number != "2025-0000002" || in[0].Token == "" {
		t.Fatalf("numbers %q %q token %q", in[0].Number, in[1].Number, in[0].Token)
	}
	got, err := subs.FindSubmissionByNumber(ctx, "2025-0000001")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != modulario.StatusConcluded || got.Channel != modulario.ChannelPhone || !got.CreatedAt.Equal(at) ||
		len(got.Tags) != 1 || len(got.Timeline) != 1 {
		t.Fatalf("stored %+v", got)
	}
	if second, _ := subs.FindSubmissionByToken(ctx, in[1].Token); second == nil || second.Status != modulario.StatusReceived ||
		second.Channel != modulario.ChannelWeb {
		t.Fatalf("defaults not applied: %+v", second)
	}
	bad := []*modulario.Submission{{FormSlug: "a", Data: json.RawMessage(`{}`)}, {FormSlug: "", Data: json.RawMessage(`{}`)}}
	if err := subs.ImportSubmissions(ctx, bad); modulario.ErrorCode(err) != modulario.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	if n, _ := subs.CountSubmissions(ctx); n != 2 {
		t.Fatalf("%d submissions after a refused import, want 2", n)
	}
}
