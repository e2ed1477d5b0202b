package renderer_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modulario/modulario/renderer"
)

// TestDraftStartLimit checks that one client address may start only
// DraftsPerIP drafts in 10 minutes: the next consent answers 429 with an
// Italian page and Retry-After, refused consents do not count, the
// address comes from X-Forwarded-For only with TrustProxy, and the window
// slides.
func TestDraftStartLimit(t *testing.T) {
	t.Parallel()
	for _, trust := range []bool{false, true} {
		var mu sync.Mutex
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		e := newEnv(t, func(c *renderer.Config) { c.DraftsPerIP, c.TrustProxy, c.Now = 3, trust, clock })
		consent := func(from, value string) *response {
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/servizi/segnalazione/privacy",
				strings.NewReader(url.Values{"consenso": {value}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", from)
			return e.do(req)
		}
		for range 2 {
			consent("203.0.113.1", "").expect(t, http.StatusUnprocessableEntity) // no consent: no draft, not counted
		}
		for range 3 {
			consent("203.0.113.1", "1").redirectsTo(t, `/passo/1$`)
		}
		r := consent("203.0.113.1", "1").expect(t, http.StatusTooManyRequests, "Troppe richieste",
			"Da questa connessione sono state iniziate troppe richieste in poco tempo. Riprova tra 10 minuti")
		if r.Header.Get("Retry-After") != "600" {
			t.Errorf("Retry-After = %q, want 600", r.Header.Get("Retry-After"))
		}
		// Another address behind the proxy counts apart only when the
		// proxy is trusted; otherwise the header is ignored.
		if other := consent("203.0.113.2", "1"); trust {
			other.redirectsTo(t, `/passo/1$`)
		} else {
			other.expect(t, http.StatusTooManyRequests)
		}
		mu.Lock()
		now = now.Add(10*time.Minute + time.Second)
		mu.Unlock()
		consent("203.0.113.1", "1").redirectsTo(t, `/passo/1$`)
	}
}

// TestDraftStartUnlimited checks a negative DraftsPerIP turns the limit off.
func TestDraftStartUnlimited(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *renderer.Config) { c.DraftsPerIP = -1 })
	for range 40 {
		e.start()
	}
}
