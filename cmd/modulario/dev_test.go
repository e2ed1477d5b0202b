package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
	"github.com/modulario/modulario/storage"
	bolt "go.etcd.io/bbolt"
)

// TestDevSeed seeds 2,000 submissions into an empty data dir and checks
// they are stored, numbered, valid and spread like real traffic.
func TestDevSeed(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	e := env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	if code := run(context.Background(), []string{"dev", "seed", "--submissions", "2000", "--data-dir", dir}, e); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "seeded 2000 submissions of 5 forms") {
		t.Fatalf("stdout = %q", out.String())
	}
	if errOut.Len() > 0 {
		t.Fatalf("warnings: %s", errOut.String())
	}
	subs := readAllSubmissions(t, filepath.Join(dir, "modulario.db"))
	if len(subs) != 2000 {
		t.Fatalf("%d submissions stored, want 2000", len(subs))
	}
	st, err := openStore(filepath.Join(dir, "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	compiled := map[string]*schemas.Form{}
	seen := map[string]map[string]bool{"status": {}, "office": {}, "channel": {}, "form": {}, "tag": {}, "number": {}}
	oldest, newest := time.Now(), time.Time{}
	bookings := map[string]int{}
	for _, s := range subs {
		for k, v := range map[string]string{"status": string(s.Status), "office": s.Office, "channel": string(s.Channel), "form": s.FormSlug, "number": s.Number} {
			seen[k][v] = true
		}
		for _, tag := range s.Tags {
			seen["tag"][tag] = true
		}
		oldest, newest = minTime(oldest, s.CreatedAt), maxTime(newest, s.CreatedAt)
		if s.UpdatedAt.Before(s.CreatedAt) || s.Timeline[len(s.Timeline)-1].Status != s.Status {
			t.Fatalf("submission %s: timeline %+v does not end in status %s", s.Number, s.Timeline, s.Status)
		}
		f := compiled[s.FormSlug]
		if f == nil {
			v, err := st.Forms.FindVersion(ctx, s.FormSlug, s.Version)
			if err != nil {
				t.Fatal(err)
			}
			if f, err = schemas.Load(v.Definition); err != nil {
				t.Fatal(err)
			}
			compiled[s.FormSlug] = f
		}
		var data map[string]any
		_ = json.Unmarshal(s.Data, &data)
		for _, fe := range f.Validate(data, "en") {
			if fl := f.FieldAt(fe.Pointer); fl == nil || fl.Kind != schemas.KindFile {
				t.Fatalf("submission %s of %s: %s %s", s.Number, s.FormSlug, fe.Pointer, fe.Message)
			}
		}
		if v, ok := data["appuntamento"].(string); ok { // a booking: a past slot after the request
			_, start, err := modulario.ParseAppointmentValue(v)
			if err != nil || start.Before(s.CreatedAt) || start.After(time.Now()) {
				t.Fatalf("submission %s made %s: appointment %q (%v)", s.Number, s.CreatedAt, v, err)
			}
			bookings[s.FormSlug]++
		}
		if found, err := st.Submissions.FindSubmissionByNumber(ctx, s.Number); err != nil || found.ID != s.ID {
			t.Fatalf("number %s not indexed: %v", s.Number, err)
		}
	}
	if bookings["carta-identita"] < 200 || len(bookings) != 1 {
		t.Errorf("requests with an appointment by form: %v", bookings)
	}
	if cals, err := st.Calendars.ListCalendars(ctx); err != nil || len(cals) != 4 {
		t.Errorf("seeded calendars: %d, %v", len(cals), err)
	}
	if set, err := st.Settings.Settings(ctx); err != nil || set.PatronDay != "06-24" || set.PatronName != "San Giovanni Battista" {
		t.Errorf("patron day not seeded: %+v %v", set, err)
	}
	if len(seen["number"]) != 2000 {
		t.Fatalf("%d distinct numbers for 2000 submissions", len(seen["number"]))
	}
	for k, atLeast := range map[string]int{"status": 5, "office": 4, "channel": 4, "form": 5, "tag": 5} {
		if len(seen[k]) < atLeast {
			t.Errorf("only %d distinct %s values: %v", len(seen[k]), k, seen[k])
		}
	}
	if time.Since(oldest) < 300*24*time.Hour || time.Since(oldest) > 366*24*time.Hour || time.Since(newest) > 14*24*time.Hour {
		t.Errorf("dates span %s .. %s, want the last 12 months", oldest, newest)
	}
}

// TestDevSeedRefusesLockedStore runs the seed against a data dir whose
// database another process (here: this one) holds, as a server would.
func TestDevSeedRefusesLockedStore(t *testing.T) {
	dir := t.TempDir()
	db, err := storage.Open(filepath.Join(dir, "modulario.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var errOut bytes.Buffer
	e := env{stdout: &bytes.Buffer{}, stderr: &errOut, getenv: func(string) string { return "" }}
	code := run(context.Background(), []string{"dev", "seed", "--submissions", "10", "--data-dir", dir}, e)
	if code != exitError || !strings.Contains(errOut.String(), "in use by another modulario process") {
		t.Fatalf("exit %d, stderr %q: want a clear refusal", code, errOut.String())
	}
}

// readAllSubmissions reads the submissions bucket directly.
func readAllSubmissions(t *testing.T, path string) []modulario.Submission {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []modulario.Submission
	err = db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("submissions")).ForEach(func(_, v []byte) error {
			var s modulario.Submission
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			out = append(out, s)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
