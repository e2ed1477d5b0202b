package renderer_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/renderer"
)

const lookupDone = "Se i dati corrispondono a una richiesta, riceverai a breve all&#39;indirizzo email indicato nella richiesta il link per seguirla."

// lookups counts the lost-link messages queued for a request.
func (le *lifecycleEnv) lookups(id uint64) int {
	n := 0
	for _, m := range le.messages(id) {
		if m.Event == modulario.EventLookup {
			n++
			if !strings.Contains(string(m.Action), `"template":"link-pratica"`) || !strings.Contains(string(m.Action), `"to":"citizen"`) {
				le.t.Fatalf("lookup action = %s", m.Action)
			}
		}
	}
	return n
}

func TestLookupAnswersIdenticallyAndLimits(t *testing.T) {
	t.Parallel()
	e := newLifecycleEnv(t)
	sub := e.submitPratica(e.startPratica(), url.Values{"/nome": {"Mario"},
		"/email": {"Mario.Rossi@Example.it"}, "/codice_fiscale": {"RSSMRA85T10A562S"}})
	e.get("/").expect(t, http.StatusOK, `href="/pratiche/cerca"`)
	e.get("/pratiche/cerca").expect(t, http.StatusOK, "Numero della richiesta",
		"Email o codice fiscale indicati nella richiesta", `action="/pratiche/cerca"`)

	attempt := func(number, contact string) string {
		t.Helper()
		return e.postForm("/pratiche/cerca", url.Values{"numero": {number}, "contatto": {contact}}).
			expect(t, http.StatusOK, lookupDone).Body
	}
	matched := attempt(sub.Number, "  mario.rossi@example.IT ")
	if e.lookups(sub.ID) != 1 {
		t.Fatalf("a matching email queued %d messages", e.lookups(sub.ID))
	}
	for _, other := range []string{attempt(sub.Number, "altra@example.it"), attempt("2026-9999999", "mario.rossi@example.it")} {
		if other != matched {
			t.Fatal("the answer differs between a match and a mismatch")
		}
	}
	attempt(sub.Number, "rssmra85t10a562s")
	if e.lookups(sub.ID) != 2 {
		t.Fatalf("a matching codice fiscale queued %d messages in all, want 2", e.lookups(sub.ID))
	}
	attempt(sub.Number, "mario.rossi@example.it") // 5th attempt from this IP
	if e.lookups(sub.ID) != 3 {
		t.Fatalf("queued %d, want 3", e.lookups(sub.ID))
	}
	// Over the limit: the same answer, nothing sent.
	if limited := attempt(sub.Number, "mario.rossi@example.it"); limited != matched {
		t.Fatal("the limited answer differs")
	}
	if e.lookups(sub.ID) != 3 {
		t.Fatalf("the limiter let a message through: %d", e.lookups(sub.ID))
	}
	// Missing fields are the only errors, and say nothing about requests.
	e.postForm("/pratiche/cerca", url.Values{"numero": {""}, "contatto": {""}}).
		expect(t, http.StatusUnprocessableEntity, "Inserisci il numero della richiesta", `href="#contatto"`)
}

func TestLookupLimitsPerRequestNumber(t *testing.T) {
	t.Parallel()
	e := newLifecycleEnv(t, func(cfgp *renderer.Config) { cfgp.TrustProxy = true })
	sub := e.submitPratica(e.startPratica(), url.Values{"/nome": {"Mario"}, "/email": {"mario@example.it"}})
	for i := range 6 {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/pratiche/cerca",
			strings.NewReader(url.Values{"numero": {sub.Number}, "contatto": {"mario@example.it"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// Different clients (behind the comune's proxy) guessing one number.
		req.Header.Set("X-Forwarded-For", "203.0.113."+string(rune('1'+i)))
		e.do(req).expect(t, http.StatusOK, lookupDone)
	}
	if n := e.lookups(sub.ID); n != 5 {
		t.Fatalf("queued %d links for one number, want 5", n)
	}
}

func TestLookupWithoutEmailSendsNothing(t *testing.T) {
	t.Parallel()
	e := newLifecycleEnv(t)
	sub := e.submitPratica(e.startPratica(), url.Values{"/nome": {"Mario"}, "/codice_fiscale": {"RSSMRA85T10A562S"}})
	e.postForm("/pratiche/cerca", url.Values{"numero": {sub.Number}, "contatto": {"RSSMRA85T10A562S"}}).
		expect(t, http.StatusOK, lookupDone)
	if n := e.lookups(sub.ID); n != 0 {
		t.Fatalf("queued %d messages for a request without email", n)
	}
}
