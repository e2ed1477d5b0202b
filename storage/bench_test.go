package storage

import (
	"context"
	"encoding/json"
	"runtime"
	"testing"

	"github.com/modulario/modulario"
)

// benchPayload is a realistic answer set of about twenty fields.
var benchPayload = json.RawMessage(`{
 "nome":"Mario","cognome":"Rossi","codice_fiscale":"RSSMRA85T10A562S",
 "email":"mario.rossi@example.it","telefono":"+39 333 1234567","indirizzo":"Via Roma 1",
 "cap":"00100","comune":"Roma","provincia":"RM","data_nascita":"1985-12-10",
 "tipo":"illuminazione","descrizione":"Il lampione davanti al civico 12 è spento da tre giorni.",
 "via_segnalazione":"Via Garibaldi 12","urgenza":"media","privacy":true,
 "contatto_preferito":"email","orario":"mattina","note":"Nessuna","lettura":12345,
 "matricola":"A-000123","foto_presente":false}`)

func benchSubmission() *modulario.Submission {
	return &modulario.Submission{FormSlug: "segnalazione-disservizio", Version: 1,
		Office: "ufficio-tecnico", Channel: modulario.ChannelWeb, Data: benchPayload}
}

// BenchmarkCreateSubmission runs 64 concurrent writers, so commits are
// shared (group commit) as under real load.
func BenchmarkCreateSubmission(b *testing.B) {
	db, _ := openTestDB(b, "")
	svc := NewSubmissionService(db)
	ctx := context.Background()
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((64 + procs - 1) / procs)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := svc.CreateSubmission(ctx, benchSubmission(), ""); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
}

// BenchmarkCreateSubmissionSerial is one writer: each submission waits for
// its own fsync, the floor group commit improves on.
func BenchmarkCreateSubmissionSerial(b *testing.B) {
	db, _ := openTestDB(b, "")
	svc := NewSubmissionService(db)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := svc.CreateSubmission(ctx, benchSubmission(), ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
}

// BenchmarkFindSubmissionByToken reads through the token index.
func BenchmarkFindSubmissionByToken(b *testing.B) {
	db, _ := openTestDB(b, "")
	svc := NewSubmissionService(db)
	ctx := context.Background()
	var tokens []string
	for range 1000 {
		s := benchSubmission()
		if err := svc.CreateSubmission(ctx, s, ""); err != nil {
			b.Fatal(err)
		}
		tokens = append(tokens, s.Token)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := svc.FindSubmissionByToken(ctx, tokens[i%len(tokens)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
