// Command storebench measures the storage side of a submission without
// HTTP, for `make bench`:
//
//	storebench commit -db FILE -form DEF.json -data ANSWERS.json -c 1,16,64,256 -d 5s
//	    creates submissions of the form straight through storage, with the
//	    outbox messages its rules queue, at each concurrency (the server's
//	    group commit: storage defaults), and prints one line per level;
//	storebench drafts -db FILE -slug SLUG -data ANSWERS.json -n N -out TOKENS
//	    writes N drafts that are ready to submit (consent given, every
//	    step passed) for the final-submission run over HTTP.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/notify"
	"github.com/modulario/modulario/schemas"
	"github.com/modulario/modulario/storage"
)

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: storebench commit|drafts [flags]")
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	dbPath := fs.String("db", "", "bbolt file")
	dataFile := fs.String("data", "", "answers (JSON object)")
	formFile := fs.String("form", "", "form definition (commit)")
	levels := fs.String("c", "1,16,64,256", "concurrency levels (commit)")
	duration := fs.Duration("d", 5*time.Second, "duration of each level (commit)")
	slug := fs.String("slug", "", "published form (drafts)")
	n := fs.Int("n", 1000, "drafts to write (drafts)")
	out := fs.String("out", "", "file for the draft tokens (drafts)")
	_ = fs.Parse(os.Args[2:])
	data, err := os.ReadFile(*dataFile)
	if err != nil {
		log.Fatal(err)
	}
	db, err := storage.Open(*dbPath, storage.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	switch os.Args[1] {
	case "commit":
		err = commit(ctx, db, *formFile, data, *levels, *duration)
	case "drafts":
		err = drafts(ctx, db, *slug, data, *n, *out)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		log.Fatal(err)
	}
}

// commit publishes the form and measures CreateSubmission at each level.
func commit(ctx context.Context, db *storage.DB, formFile string, data []byte, levels string, d time.Duration) error {
	doc, err := os.ReadFile(formFile)
	if err != nil {
		return err
	}
	compiled, err := schemas.Load(doc)
	if err != nil {
		return err
	}
	forms := storage.NewFormService(db)
	meta := modulario.Form{Slug: compiled.Def.Slug, Title: compiled.Def.Title, Office: compiled.Def.Office}
	if _, _, err := forms.SaveDraft(ctx, meta, doc); err != nil {
		return err
	}
	published, err := forms.PublishDraft(ctx, meta.Slug)
	if err != nil {
		return err
	}
	engine, subs := notify.NewEngine(forms), storage.NewSubmissionService(db)
	one := func() error {
		sub := &modulario.Submission{FormSlug: meta.Slug, Version: published.Published, Office: meta.Office,
			Status: modulario.StatusReceived, Channel: modulario.ChannelWeb, Data: data}
		outcome, err := engine.Evaluate(ctx, modulario.EventReceived, sub)
		if err != nil {
			return err
		}
		if len(outcome.Messages) != 2 {
			return fmt.Errorf("rules queued %d messages, want 2", len(outcome.Messages))
		}
		sub.Office = outcome.Office
		return subs.CreateSubmission(ctx, sub, "", outcome.Messages...)
	}
	for _, field := range strings.Split(levels, ",") {
		c, err := strconv.Atoi(field)
		if err != nil {
			return err
		}
		count, p50, p99, err := run(c, d, one)
		if err != nil {
			return err
		}
		fmt.Printf("commit c=%d rate=%.0f p50_ms=%.2f p99_ms=%.2f n=%d\n", c, float64(count)/d.Seconds(), p50, p99, count)
	}
	return nil
}

// run calls fn from c goroutines for d and returns the calls made and the
// p50 and p99 latency in milliseconds.
func run(c int, d time.Duration, fn func() error) (int, float64, float64, error) {
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(deadline) {
				t0 := time.Now()
				if err := fn(); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil || len(lat) == 0 {
		return 0, 0, 0, firstErr
	}
	slices.Sort(lat)
	ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	return len(lat), ms(0.50), ms(0.99), nil
}

// drafts writes n ready-to-submit drafts of slug's published version and
// their tokens, one a line.
func drafts(ctx context.Context, db *storage.DB, slug string, data []byte, n int, out string) error {
	form, err := storage.NewFormService(db).FindForm(ctx, slug)
	if err != nil {
		return err
	}
	v, err := storage.NewFormService(db).FindVersion(ctx, slug, form.Published)
	if err != nil {
		return err
	}
	compiled, err := schemas.LoadStored(v.Definition)
	if err != nil {
		return err
	}
	var answers map[string]any
	if err := json.Unmarshal(data, &answers); err != nil {
		return err
	}
	if errs := compiled.Validate(answers, "en"); len(errs) > 0 {
		return fmt.Errorf("the answers do not validate: %v", errs)
	}
	svc := storage.NewDraftService(db)
	tokens := make([]string, n)
	next := make(chan int)
	var wg sync.WaitGroup
	var failed error
	var mu sync.Mutex
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				d := &modulario.Draft{FormSlug: slug, Version: form.Published, Data: data, Consent: true,
					Step: len(compiled.Steps) + 1, ExpiresAt: time.Now().Add(24 * time.Hour)}
				if err := svc.CreateDraft(ctx, d); err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
					continue
				}
				tokens[i] = d.Token
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if failed != nil {
		return failed
	}
	return os.WriteFile(out, []byte(strings.Join(tokens, "\n")+"\n"), 0o600)
}
