package builder

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage"
)

// benchFormDef is the form the benchmark's requests answer: one single
// and one multiple choice field.
const benchFormDef = `{"slug":"segnalazione","title":"Segnalazione","office":"tecnico","privacy":"Informativa.",
 "schema":{"type":"object","properties":{
  "tipo":{"title":"Tipo di disservizio","type":"string","enum":["buca","luce","rifiuti","acqua","verde"]},
  "dove":{"title":"Dove","type":"array","items":{"type":"string","enum":["centro","nord","sud"]}}}},
 "ui":{"steps":[{"title":"Dati","fields":["tipo","dove"]}]}}`

// benchServer is a Server on a temp store holding n requests of the last
// year across two offices, half of them taken in charge and a third
// closed, and a rating for one request in ten.
func benchServer(b *testing.B, n int, now time.Time) *Server {
	b.Helper()
	db, err := storage.Open(filepath.Join(b.TempDir(), "bench.db"), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	forms := storage.NewFormService(db)
	if _, _, err := forms.SaveDraft(ctx, modulario.Form{Slug: "segnalazione", Title: "Segnalazione", Office: "tecnico"},
		json.RawMessage(benchFormDef)); err != nil {
		b.Fatal(err)
	}
	if _, err := forms.PublishDraft(ctx, "segnalazione"); err != nil {
		b.Fatal(err)
	}
	subs, ratings := storage.NewSubmissionService(db), storage.NewRatingService(db)
	seedBench(b, subs, ratings, n, now)
	s, err := New(Config{Forms: forms, Offices: storage.NewOfficeService(db), Users: storage.NewUserService(db),
		Sessions: storage.NewSessionService(db), Audit: storage.NewAuditService(db),
		Settings: storage.NewSettingsService(db), Submissions: subs, Ratings: ratings,
		Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// seedBench imports n requests in batches, then the ratings.
func seedBench(b *testing.B, subs *storage.SubmissionService, ratings *storage.RatingService, n int, now time.Time) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	tipi, dove := []string{"buca", "luce", "rifiuti", "acqua", "verde"}, []string{"centro", "nord", "sud"}
	statuses := modulario.Statuses
	var rated []*modulario.Submission
	for done := 0; done < n; {
		batch := make([]*modulario.Submission, 0, 5000)
		for ; done < n && len(batch) < cap(batch); done++ {
			created := now.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
			st := statuses[rng.IntN(len(statuses))]
			office := []string{"tecnico", "anagrafe"}[rng.IntN(2)]
			data := fmt.Sprintf(`{"tipo":%q,"dove":[%q]}`, tipi[rng.IntN(len(tipi))], dove[rng.IntN(len(dove))])
			sub := &modulario.Submission{FormSlug: "segnalazione", Version: 1, Office: office, Status: st,
				CreatedAt: created, Data: json.RawMessage(data), Tags: []string{dove[rng.IntN(3)]}}
			if st != modulario.StatusReceived {
				t := created.Add(time.Duration(rng.IntN(72)) * time.Hour)
				sub.TakenInChargeAt = &t
			}
			if st.Closed() {
				t := created.Add(time.Duration(rng.IntN(30*24)) * time.Hour)
				sub.ClosedAt = &t
			}
			batch = append(batch, sub)
		}
		if err := subs.ImportSubmissions(ctx, batch); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(batch); i += 10 {
			rated = append(rated, batch[i])
		}
	}
	for _, sub := range rated {
		r := &modulario.Rating{FormSlug: sub.FormSlug, Version: 1, SubmissionID: sub.ID, Stars: 1 + rng.IntN(5),
			Reason: modulario.RatingReasons[rng.IntN(5)], CreatedAt: sub.CreatedAt.Add(time.Minute)}
		if err := ratings.CreateRating(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDashboard computes the dashboard (no cache) over 50,000
// requests: every office for a year by week, and one form's choice fields
// for 90 days.
func BenchmarkDashboard(b *testing.B) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s := benchServer(b, 50000, now)
	ctx := context.Background()
	forms, err := s.dashForms(ctx)
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		p    dashParams
	}{
		{"all-offices-365d", dashParams{Days: 365, Week: true}},
		{"one-office-form-90d", dashParams{Offices: []string{"tecnico"}, Form: "segnalazione",
			FormDef: forms["segnalazione"], Days: 90, Week: true}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var st *dashStats
			start := time.Now()
			for b.Loop() {
				if st, err = s.computeDashboard(ctx, c.p, forms); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/computation")
			if st.Total == 0 || st.Ratings.Count == 0 || (c.p.Form != "" && len(st.Choices) != 2) {
				b.Fatalf("nothing computed: total %d, ratings %d, choices %d", st.Total, st.Ratings.Count, len(st.Choices))
			}
			b.ReportMetric(float64(st.Total), "requests")
		})
	}
}
