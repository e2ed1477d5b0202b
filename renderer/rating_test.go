package renderer_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
)

// submitted sends a request through the citizen flow and returns its
// tracking path ("/pratiche/<token>").
func (e *env) submitted() string {
	e.t.Helper()
	b := fillAll(e.t, e, "strade", nil)
	receipt := e.postForm(b+"/invia", nil).redirectsTo(e.t, `^/pratiche/[^/]+/ricevuta$`)
	return strings.TrimSuffix(receipt, "/ricevuta")
}

// ratings lists the stored ratings of the test form.
func (e *env) ratings() []*modulario.Rating {
	e.t.Helper()
	list, err := storage.NewRatingService(e.db).ListRatings(context.Background(), "segnalazione")
	if err != nil {
		e.t.Fatal(err)
	}
	return list
}

func details(stars, reason, comment string) url.Values {
	return url.Values{"valutazione": {stars}, "fase": {"dettagli"}, "motivo": {reason}, "testo": {comment}}
}

func TestRatingPositive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tracking := e.submitted()
	e.get(tracking+"/ricevuta").expect(t, http.StatusOK, `data-element="feedback"`,
		"Quanto è stato facile usare questo servizio?", `data-element="feedback-rate-5"`,
		`action="`+tracking+`/valutazione"`)

	r := e.postForm(tracking+"/valutazione", url.Values{"valutazione": {"4"}}).expect(t, http.StatusOK,
		`data-element="feedback-rating-positive"`, `data-element="feedback-rating-question"`,
		"Quali sono stati gli aspetti che hai preferito?", "Capivo sempre che stavo procedendo correttamente",
		`data-element="feedback-rating-answer"`, `data-element="feedback-input-text"`, `maxlength="200"`,
		`<input type="hidden" name="valutazione" value="4">`, "Hai dato 4 stelle su 5.", ">Invia<")
	if strings.Contains(r.Body, "feedback-rating-negative") || strings.Contains(r.Body, "alert-danger") {
		t.Fatal("positive follow-up shows the negative branch or errors")
	}
	if n := len(e.ratings()); n != 0 {
		t.Fatalf("the stars alone stored %d ratings", n)
	}

	e.postForm(tracking+"/valutazione", details("4", "orientamento", "  Tutto molto semplice, grazie.  ")).
		expect(t, http.StatusOK, "Grazie per la tua valutazione")
	list := e.ratings()
	if len(list) != 1 {
		t.Fatalf("stored %d ratings, want 1", len(list))
	}
	got := list[0]
	if got.Stars != 4 || got.Reason != "orientamento" || got.Comment != "Tutto molto semplice, grazie." ||
		got.Version != 1 || got.SubmissionID == 0 || got.Channel != modulario.ChannelWeb {
		t.Fatalf("stored rating: %+v", got)
	}

	// One rating per request: a second one is a friendly page.
	e.postForm(tracking+"/valutazione", details("1", "tecnica", "")).
		expect(t, http.StatusConflict, "Valutazione già inviata", "Hai già inviato una valutazione")
	if n := len(e.ratings()); n != 1 {
		t.Fatalf("after a duplicate %d ratings are stored", n)
	}
}

func TestRatingNegativeWithoutComment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tracking := e.submitted()
	r := e.postForm(tracking+"/valutazione", url.Values{"valutazione": {"3"}}).expect(t, http.StatusOK,
		`data-element="feedback-rating-negative"`, "Dove hai incontrato le maggiori difficoltà?",
		"A volte le indicazioni non erano chiare", "Ho avuto problemi tecnici", "Altro")
	if strings.Contains(r.Body, "feedback-rating-positive") {
		t.Fatal("negative follow-up shows the positive branch")
	}
	e.postForm(tracking+"/valutazione", details("3", "tecnica", "")).expect(t, http.StatusOK, "Grazie")
	if list := e.ratings(); len(list) != 1 || list[0].Stars != 3 || list[0].Reason != "tecnica" || list[0].Comment != "" {
		t.Fatalf("stored ratings: %+v", list)
	}
}

func TestRatingInvalidStars(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tracking := e.submitted()
	for _, stars := range []string{"", "0", "6", "tre", "-1", "4.5"} {
		r := e.postForm(tracking+"/valutazione", url.Values{"valutazione": {stars}}).
			expect(t, http.StatusUnprocessableEntity, "<title>Errore (1): ", `class="alert alert-danger"`,
				`href="#star5"`, "Scegli quante stelle dare, da 1 a 5.", `aria-invalid="true"`,
				`aria-describedby="stars-error"`, `id="stars-error"`, "Richiesta inviata")
		if strings.Contains(r.Body, "feedback-rating-question") {
			t.Fatalf("stars %q reached the follow-up question", stars)
		}
	}
	// Tampered stars on the second post go back to the stars as well.
	e.postForm(tracking+"/valutazione", details("9", "tecnica", "")).
		expect(t, http.StatusUnprocessableEntity, "Scegli quante stelle dare")
	e.postForm("/pratiche/sconosciuto/valutazione", url.Values{"valutazione": {"5"}}).expect(t, http.StatusNotFound)
	if n := len(e.ratings()); n != 0 {
		t.Fatalf("invalid posts stored %d ratings", n)
	}
}

func TestRatingInvalidReason(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tracking := e.submitted()
	for _, reason := range []string{"", "inventata"} {
		e.postForm(tracking+"/valutazione", details("5", reason, "Un commento")).
			expect(t, http.StatusUnprocessableEntity, "<title>Errore (1): ", "C&#39;è 1 errore",
				`href="#motivo-chiarezza"`, "Scegli una delle risposte.", `aria-describedby="motivo-error"`,
				`aria-invalid="true"`, `data-element="feedback-rating-positive"`, `value="Un commento"`,
				`<input type="hidden" name="valutazione" value="5">`)
	}
	if n := len(e.ratings()); n != 0 {
		t.Fatalf("invalid posts stored %d ratings", n)
	}
}

func TestRatingCommentTooLong(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tracking := e.submitted()
	long := strings.Repeat("è", 201)
	r := e.postForm(tracking+"/valutazione", details("2", "chiarezza", long)).
		expect(t, http.StatusUnprocessableEntity, `href="#feedback-text"`,
			"Il commento può avere al massimo 200 caratteri: ne hai scritti 201.",
			`aria-describedby="feedback-text-help feedback-text-error"`, `class="form-control is-invalid"`,
			`data-element="feedback-rating-negative"`)
	if !strings.Contains(r.Body, `id="motivo-chiarezza" name="motivo" value="chiarezza" data-element="feedback-rating-answer" checked`) {
		t.Fatalf("the chosen answer was not kept:\n%s", excerpt(r.Body))
	}
	// Both errors at once are counted in the summary.
	e.postForm(tracking+"/valutazione", details("2", "", long)).
		expect(t, http.StatusUnprocessableEntity, "Ci sono 2 errori")
	// Exactly 200 characters (not bytes) is accepted.
	e.postForm(tracking+"/valutazione", details("2", "chiarezza", long[len("è"):])).expect(t, http.StatusOK, "Grazie")
	if list := e.ratings(); len(list) != 1 || len([]rune(list[0].Comment)) != 200 {
		t.Fatalf("stored ratings: %+v", list)
	}
}

func TestRatingEnglish(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tracking := e.submitted()
	e.postForm(tracking+"/valutazione?lang=en", url.Values{"valutazione": {"1"}}).expect(t, http.StatusOK,
		"Where did you have the most difficulty?", "I had technical problems",
		`action="`+tracking+`/valutazione?lang=en"`)
	e.postForm(tracking+"/valutazione?lang=en", details("1", "x", "")).
		expect(t, http.StatusUnprocessableEntity, "Choose one of the answers.")
}

func TestRatingDisabled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *renderer.Config) { c.Ratings = nil })
	tracking := e.submitted()
	r := e.get(tracking+"/ricevuta").expect(t, http.StatusOK, "Richiesta inviata")
	if strings.Contains(r.Body, `data-element="feedback"`) || strings.Contains(r.Body, "valutazione") {
		t.Fatal("the receipt offers a rating with no RatingService")
	}
	e.postForm(tracking+"/valutazione", url.Values{"valutazione": {"5"}}).expect(t, http.StatusNotFound)
}
