package renderer_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestEditFromReviewReturns: "Modifica" on the review opens the step with
// ?da=riepilogo, and "Avanti" leads back to the review when every later
// step is still valid and was seen, without JavaScript and when embedded;
// a step the new answers show for the first time is visited first.
func TestEditFromReviewReturns(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	answers := url.Values{"/tipo": {"strade"}, "/descrizione": {"Una descrizione abbastanza lunga"}}

	// Before the review was reached the marker changes nothing.
	step1 := e.start()
	b := base(step1)
	e.postForm(step1+"?da=riepilogo", answers).redirectsTo(t, `/passo/3$`)
	e.postForm(b+"/passo/3", url.Values{"/nome": {"Anna"}, "/email": {"anna@example.it"}}).redirectsTo(t, `/riepilogo$`)

	e.get(b+"/riepilogo").expect(t, http.StatusOK, `href="`+b+`/passo/1?da=riepilogo"`, `href="`+b+`/passo/3?da=riepilogo"`)
	e.get(b+"/passo/1?da=riepilogo").expect(t, http.StatusOK, `action="`+b+`/passo/1?da=riepilogo"`)
	// An error keeps the way back on the form; a valid post goes back.
	e.postForm(b+"/passo/1?da=riepilogo", url.Values{"/tipo": {"strade"}, "/descrizione": {"breve"}}).
		expect(t, http.StatusUnprocessableEntity, `action="`+b+`/passo/1?da=riepilogo"`)
	e.postForm(b+"/passo/1?da=riepilogo", answers).redirectsTo(t, `/riepilogo$`)
	// Adding an item keeps the marker too.
	e.postForm(b+"/passo/3?da=riepilogo", url.Values{"/nome": {"Anna"}, "/email": {"anna@example.it"}, "_action": {"add:/testimoni"}}).
		redirectsTo(t, `/passo/3\?da=riepilogo#`)
	e.postForm(b+"/passo/3?da=riepilogo", url.Values{"/nome": {"Anna"}, "/email": {"anna@example.it"}, "/testimoni/0/nome": {"Bruno"}}).
		redirectsTo(t, `/riepilogo$`)
	// Without the marker the steps are walked as usual.
	e.postForm(step1, answers).redirectsTo(t, `/passo/3$`)

	// A water leak shows step 2 for the first time: it comes first, then
	// the review (step 3 is still valid).
	leak := url.Values{"/tipo": {"perdita"}, "/descrizione": {"Una descrizione abbastanza lunga"}}
	e.postForm(b+"/passo/1?da=riepilogo", leak).redirectsTo(t, `/passo/2\?da=riepilogo$`)
	e.postForm(b+"/passo/2?da=riepilogo", url.Values{"/contatore": {"C-1"}}).redirectsTo(t, `/riepilogo$`)

	// Embedded, the marker and embed=1 travel together.
	e.get(b+"/riepilogo?embed=1").expect(t, http.StatusOK, `href="`+b+`/passo/1?da=riepilogo&amp;embed=1"`)
	e.get(b+"/passo/1?da=riepilogo&embed=1").expect(t, http.StatusOK, `action="`+b+`/passo/1?da=riepilogo&amp;embed=1"`)
	e.postForm(b+"/passo/1?da=riepilogo&embed=1", leak).redirectsTo(t, `/riepilogo\?embed=1$`)
}
