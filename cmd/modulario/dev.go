package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
	"github.com/modulario/modulario/storage"
)

// devUsage lists the developer commands.
const devUsage = `Usage: modulario dev seed --submissions N [--forms SLUG,...] [--data-dir DIR]

  seed   fill the store with realistic fake submissions of the published forms
         (the demo forms, offices and calendars are imported first into an
         empty store), spread over the last 12 months, offices, statuses,
         assignees (the demo staff), channels, tags and deadlines; requests
         of a booking form get a past appointment, within slot capacity.
         It writes the database file directly: stop the server first.
`

// runDev dispatches the developer commands.
func runDev(ctx context.Context, args []string, e env) int {
	if len(args) > 0 && args[0] == "seed" {
		return runDevSeed(ctx, args[1:], e)
	}
	fmt.Fprint(e.stderr, devUsage)
	return exitUsage
}

// seedBatch is how many submissions share one transaction (one fsync).
const seedBatch = 5000

// seedForm is a published form with a pool of valid answers.
type seedForm struct {
	slug         string
	version      int
	office       string
	deadlineDays int
	answers      []json.RawMessage
	// appointments are the form's appointment fields (see dev_appointments.go).
	appointments []seedAppointment
}

// runDevSeed implements `modulario dev seed`.
func runDevSeed(ctx context.Context, args []string, e env) int {
	cfg := DefaultConfig()
	fs := newFlagSet("dev seed", "dev seed --submissions N [--forms SLUG,...] [--data-dir DIR]", e)
	registerDataDir(fs, &cfg)
	n := fs.Int("submissions", 10000, "how many submissions to add")
	only := fs.String("forms", "", "comma-separated form slugs (default: every published form)")
	seed := fs.Uint64("seed", 1, "random seed, for repeatable stores")
	if err := parseFlags(fs, args, e.getenv, map[string]bool{"data-dir": true}); err != nil {
		return parseExit(err, e)
	}
	if *n <= 0 || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	st, err := openStore(cfg.DBPath())
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: %v\n", err)
		return exitError
	}
	defer st.Close()
	rng := rand.New(rand.NewPCG(*seed, 0x5eed))
	start := time.Now()
	count, err := seedSubmissions(ctx, st, rng, *n, splitList(*only), e.stderr)
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: %s\n", modulario.ErrorMessage(err))
		return exitError
	}
	took := time.Since(start)
	fmt.Fprintf(e.stdout, "seeded %d submissions of %d forms in %.1f s (%.0f submissions/s)\n",
		*n, count, took.Seconds(), float64(*n)/took.Seconds())
	return exitOK
}

// seedSubmissions writes n submissions of the chosen forms in batches and
// returns how many forms they were spread over.
func seedSubmissions(ctx context.Context, st *store, rng *rand.Rand, n int, only []string, warn io.Writer) (int, error) {
	if err := seedDemo(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return 0, err
	}
	forms, err := seedForms(ctx, st.Forms, st.Calendars, rng, only, warn)
	if err != nil {
		return 0, err
	}
	offices, err := st.Offices.ListOffices(ctx)
	if err != nil {
		return 0, err
	}
	settings, err := st.Settings.Settings(ctx)
	if err != nil {
		return 0, err
	}
	plan := &seedPlan{forms: forms, staff: seedStaffIDs(ctx, st.Users), slots: newSeedSlots(settings.PatronDay)}
	for _, o := range offices {
		plan.offices = append(plan.offices, o.Slug)
	}
	now := time.Now()
	times := make([]time.Time, n)
	for i := range times {
		times[i] = now.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	subs := storage.NewSubmissionService(st.db)
	for lo := 0; lo < n; lo += seedBatch {
		batch := make([]*modulario.Submission, 0, seedBatch)
		for _, at := range times[lo:min(lo+seedBatch, n)] {
			batch = append(batch, fakeSubmission(rng, plan, at, now))
		}
		if err := subs.ImportSubmissions(ctx, batch); err != nil {
			return 0, err
		}
	}
	return len(forms), nil
}

// seedForms loads the published forms (all, or those named in only) and
// draws a pool of answers for each, keeping the ones that validate.
func seedForms(ctx context.Context, forms modulario.FormService, cals modulario.CalendarService, rng *rand.Rand, only []string, warn io.Writer) ([]seedForm, error) {
	list, err := forms.ListForms(ctx, modulario.FormFilter{})
	if err != nil {
		return nil, err
	}
	var out []seedForm
	for _, f := range list {
		if f.Published == 0 || f.Archived || len(only) > 0 && !slices.Contains(only, f.Slug) {
			continue
		}
		v, err := forms.FindVersion(ctx, f.Slug, f.Published)
		if err != nil {
			return nil, err
		}
		compiled, err := schemas.LoadStored(v.Definition)
		if err != nil {
			return nil, fmt.Errorf("form %s: %w", f.Slug, err)
		}
		sf := seedForm{slug: f.Slug, version: f.Published, office: f.Office, deadlineDays: compiled.Def.DeadlineDays}
		if sf.appointments, err = seedAppointments(ctx, cals, f.Slug, compiled, warn); err != nil {
			return nil, err
		}
		g := &answerGen{rng: rng}
		invalid := 0
		for range 64 {
			data := g.answers(compiled)
			for _, fe := range compiled.Validate(data, "en") {
				// A required file is expected: the seed adds no attachments.
				if fl := compiled.FieldAt(fe.Pointer); fl == nil || fl.Kind != schemas.KindFile {
					invalid++
					break
				}
			}
			raw, err := json.Marshal(data)
			if err != nil {
				return nil, err
			}
			sf.answers = append(sf.answers, raw)
		}
		if invalid > 0 {
			fmt.Fprintf(warn, "modulario: %s: %d of 64 generated answer sets do not validate\n", f.Slug, invalid)
		}
		out = append(out, sf)
	}
	if len(out) == 0 {
		return nil, modulario.Errorf(modulario.EINVALID, "No published form to seed (forms: %s).", strings.Join(only, ","))
	}
	return out, nil
}
