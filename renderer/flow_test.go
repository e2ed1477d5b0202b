package renderer_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestFullSubmission(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.get("/").expect(t, http.StatusOK, "Ambiente e territorio", `href="/servizi/segnalazione"`)
	e.get("/servizi/segnalazione").expect(t, http.StatusOK,
		"<h1>Segnalazione di disservizio</h1>", "Cosa serve", "<strong>disservizio</strong>",
		`href="/servizi/segnalazione/privacy"`, `aria-current="page">Segnalazione di disservizio`)
	e.get("/servizi/segnalazione/privacy").expect(t, http.StatusOK,
		"Ho letto e compreso l&#39;informativa sulla privacy")

	step1 := e.start()
	b := base(step1)
	e.get(step1).expect(t, http.StatusOK, `class="steppers-index" aria-hidden="true">2/4`,
		"I campi contraddistinti dal simbolo asterisco sono obbligatori", `<h2>Il problema</h2>`,
		`name="/tipo"`, `data-show-when=`)
	e.postForm(step1, url.Values{"/tipo": {"strade"}, "/descrizione": {"Una buca profonda in via Roma"},
		"/data": {"2026-03-01"}, "_action": {"next"}}).
		// Step 2 is only for water leaks: it is skipped.
		redirectsTo(t, `/passo/3$`)
	e.postForm(b+"/passo/3", url.Values{"/nome": {"Mario"}, "/email": {"mario@example.it"}}).
		redirectsTo(t, `/riepilogo$`)
	e.get(b+"/riepilogo").expect(t, http.StatusOK, "Riepilogo", "Buche e strade dissestate",
		"01/03/2026", "mario@example.it", "Le informazioni che hai fornito hanno valore di dichiarazione",
		"Conferma e invia", `href="`+b+`/passo/1?da=riepilogo"`)
	receipt := e.postForm(b+"/invia", nil).redirectsTo(t, `^/pratiche/[^/]+/ricevuta$`)
	r := e.get(receipt).expect(t, http.StatusOK, "Richiesta inviata", `data-element="feedback"`,
		"Grazie, la tua segnalazione è stata ricevuta.")
	number := regexp.MustCompile(`\d{4}-\d{7}`).FindString(r.Body)
	if number == "" || !strings.HasSuffix(number, "-0000001") {
		t.Fatalf("receipt number = %q", number)
	}
	tracking := strings.TrimSuffix(receipt, "/ricevuta")
	if !strings.Contains(r.Body, "https://moduli.comune.example"+tracking) {
		t.Fatal("receipt lacks the absolute tracking link")
	}
	e.get(tracking).expect(t, http.StatusOK, number, "Ricevuta", "Buche e strade dissestate", "Mario")
	// A second post (a double click) leads to the same receipt.
	if again := e.postForm(b+"/invia", nil).redirectsTo(t, `/ricevuta$`); again != receipt {
		t.Fatalf("second post went to %q, want %q", again, receipt)
	}
	e.get(b+"/riepilogo").expect(t, http.StatusGone, "già stata inviata")
	e.get("/pratiche/sconosciuto").expect(t, http.StatusNotFound)
	e.postForm(tracking+"/valutazione", url.Values{"valutazione": {"5"}}).
		expect(t, http.StatusOK, `data-element="feedback-rating-positive"`)
}
