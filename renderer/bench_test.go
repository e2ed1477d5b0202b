package renderer_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/demo"
	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
)

// benchServer serves the demo services from a real bbolt file.
func benchServer(b *testing.B) http.Handler {
	b.Helper()
	db, err := storage.Open(filepath.Join(b.TempDir(), "bench.db"), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	forms := storage.NewFormService(db)
	ctx := context.Background()
	for _, def := range demo.Forms() {
		var meta modulario.Form
		if err := json.Unmarshal(def, &meta); err != nil {
			b.Fatal(err)
		}
		if _, _, err := forms.SaveDraft(ctx, meta, def); err != nil {
			b.Fatal(err)
		}
		if _, err := forms.PublishDraft(ctx, meta.Slug); err != nil {
			b.Fatal(err)
		}
	}
	s, err := renderer.New(renderer.Config{
		Forms: forms, Drafts: storage.NewDraftService(db),
		Submissions: storage.NewSubmissionService(db), Attachments: storage.NewAttachmentService(db),
		BaseURL: "http://localhost", SiteName: "Comune di Esempio", DraftTTL: time.Hour,
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func benchGet(b *testing.B, h http.Handler, target string) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s = %d", target, rec.Code)
		}
	}
}

// BenchmarkServicePage renders a service page without the network.
func BenchmarkServicePage(b *testing.B) {
	benchGet(b, benchServer(b), "/servizi/segnalazione-disservizio")
}

// BenchmarkFirstStep renders the first step of a live draft: draft read,
// condition evaluation and the field templates.
func BenchmarkFirstStep(b *testing.B) {
	h := benchServer(b)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/servizi/segnalazione-disservizio/privacy",
		strings.NewReader(url.Values{"consenso": {"1"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(rec, req)
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || loc == "" {
		b.Fatalf("privacy consent = %d %q", rec.Code, loc)
	}
	benchGet(b, h, loc)
}
