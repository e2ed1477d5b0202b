package renderer_test

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestConcurrentBookingsNeverOverbook is the load test: 200
// citizens book at once over HTTP (the JSON API) 10 slots of capacity 1.
// Exactly 10 get their appointment, the other 190 a clear 409 with the
// nearest free slots, and no slot holds more than one booking.
func TestConcurrentBookingsNeverOverbook(t *testing.T) {
	be := newBookingEnv(t)
	const attempts, slots = 200, 10
	starts := make([]time.Time, slots)
	for i := range starts {
		starts[i] = be.day(2, 8+i/2, 30*(i%2))
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: attempts, MaxConnsPerHost: attempts}}
	type result struct {
		code int
		body map[string]any
		err  error
	}
	results := make([]result, attempts)
	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	for i := range attempts {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-gate
			code, body, err := be.apiBook(client, value("delegazione-nord", starts[i%slots]))
			results[i] = result{code, body, err}
		}()
	}
	ready.Wait()
	close(gate)
	done.Wait()

	created, refused := 0, 0
	for i, r := range results {
		switch {
		case r.err != nil:
			t.Fatalf("attempt %d: %v", i, r.err)
		case r.code == http.StatusCreated:
			created++
		case r.code == http.StatusConflict:
			refused++
			alts, _ := r.body["alternatives"].([]any)
			errs, _ := r.body["errors"].([]any)
			if len(alts) != 3 || len(errs) != 1 || r.body["detail"] == "" {
				t.Fatalf("attempt %d: refusal without message or alternatives: %v", i, r.body)
			}
		default:
			t.Fatalf("attempt %d: status %d: %v", i, r.code, r.body)
		}
	}
	overbooked := 0
	for _, st := range starts {
		n := be.count("delegazione-nord", st)
		t.Logf("slot %s: %d booking(s)", st.Format("15:04"), n)
		if n > 1 {
			overbooked += n - 1
		}
		if n != 1 {
			t.Errorf("slot %s has %d bookings, want 1", st.Format("15:04"), n)
		}
	}
	t.Logf("attempts %d: confirmed %d, refused %d, overbooked %d", attempts, created, refused, overbooked)
	if created != slots || refused != attempts-slots || overbooked != 0 {
		t.Fatalf("confirmed %d, refused %d, overbooked %d; want %d, %d, 0", created, refused, overbooked, slots, attempts-slots)
	}
}
