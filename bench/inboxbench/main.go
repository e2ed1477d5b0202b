// Command inboxbench measures the back-office inbox on a seeded store
// (`modulario dev seed --submissions N`), for `make bench`:
//
//	inboxbench -db FILE [-runs 50]
//
// For each typical filter it prints the first-page latency and the page
// size, one line each:
//
//	name=office n=25 p50_ms=0.41 p99_ms=0.97
//
// then the rate of a full EachSubmission walk of one office (an export).
// The filter values (an office, one of its forms, an assignee, a request
// number, words) are taken from the store itself.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage"
)

func main() {
	path := flag.String("db", "", "database file of a seeded store")
	runs := flag.Int("runs", 50, "runs of each query")
	flag.Parse()
	if *path == "" {
		flag.Usage()
		os.Exit(2)
	}
	db, err := storage.Open(*path, storage.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	subs := storage.NewSubmissionService(db)
	total, err := subs.CountSubmissions(ctx)
	if err != nil {
		log.Fatal(err)
	}
	sample, err := subs.FindSubmission(ctx, uint64(total/2+1))
	if err != nil {
		log.Fatalf("no request to take filter values from: %v", err)
	}
	offices, err := storage.NewOfficeService(db).ListOffices(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("requests=%d sample=%s office=%s form=%s\n", total, sample.Number, sample.Office, sample.FormSlug)
	for _, c := range cases(sample, offices) {
		measure(ctx, subs, c.name, c.f, *runs)
	}
	walk(ctx, subs, sample.Office)
}

// benchCase is one named filter.
type benchCase struct {
	name string
	f    modulario.InboxFilter
}

// cases are the typical inbox filters, with values from sample.
func cases(sample *modulario.Submission, offices []*modulario.Office) []benchCase {
	office := []string{sample.Office}
	two := []string{sample.Office}
	for _, o := range offices {
		if o.Slug != sample.Office {
			two = append(two, o.Slug)
			break
		}
	}
	assignee := sample.Assignee
	if assignee == "" {
		assignee = modulario.AssigneeNone
	}
	tag := "urgente"
	if len(sample.Tags) > 0 {
		tag = sample.Tags[0]
	}
	return []benchCase{
		{"office", modulario.InboxFilter{Offices: office}},
		{"office_received", modulario.InboxFilter{Offices: office, Statuses: []modulario.SubmissionStatus{modulario.StatusReceived}}},
		{"office_form", modulario.InboxFilter{Offices: office, Form: sample.FormSlug}},
		{"assignee", modulario.InboxFilter{Assignee: assignee}},
		{"tag", modulario.InboxFilter{Tag: tag}},
		{"text_one_word", modulario.InboxFilter{Text: "lampione"}},
		{"text_two_words", modulario.InboxFilter{Text: "lampione garibaldi"}},
		{"number", modulario.InboxFilter{Text: sample.Number}},
		{"overdue", modulario.InboxFilter{Offices: office, Overdue: true}},
		{"sort_due", modulario.InboxFilter{Offices: office, Sort: modulario.SortDue}},
		{"last_30_days", modulario.InboxFilter{From: time.Now().AddDate(0, 0, -30)}},
		{"operator_two_offices", modulario.InboxFilter{Offices: two}},
		{"all_oldest", modulario.InboxFilter{Sort: modulario.SortOldest}},
	}
}

// measure runs f runs times and prints the latency percentiles.
func measure(ctx context.Context, subs *storage.SubmissionService, name string, f modulario.InboxFilter, runs int) {
	var took []time.Duration
	n := 0
	for range runs {
		start := time.Now()
		page, err := subs.ListSubmissions(ctx, f)
		if err != nil {
			log.Fatalf("%s: %v", name, err)
		}
		took = append(took, time.Since(start))
		n = len(page.Items)
	}
	slices.Sort(took)
	pct := func(p float64) float64 {
		return float64(took[min(len(took)-1, int(p*float64(len(took))))].Microseconds()) / 1000
	}
	fmt.Printf("name=%s n=%d p50_ms=%.2f p99_ms=%.2f\n", name, n, pct(0.50), pct(0.99))
}

// walk streams every request of office and prints the rate.
func walk(ctx context.Context, subs *storage.SubmissionService, office string) {
	start := time.Now()
	n := 0
	err := subs.EachSubmission(ctx, modulario.InboxFilter{Offices: []string{office}}, func(*modulario.Submission) error {
		n++
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	took := time.Since(start)
	fmt.Printf("name=each_office rows=%d seconds=%.2f rows_per_s=%.0f\n", n, took.Seconds(), float64(n)/took.Seconds())
}
