package renderer_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestStepFieldHints checks, over HTTP without JavaScript, the note on when
// a conditional field is to be filled in (with its asterisk), the help as
// a block of small text, the radios and the consent box in error marked
// is-invalid.
func TestStepFieldHints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.postForm("/servizi/segnalazione/privacy", nil).expect(t, http.StatusUnprocessableEntity,
		`id="consenso" name="consenso" value="1" aria-required="true" class="is-invalid" aria-invalid="true"`)
	step1 := e.start()
	e.get(step1).expect(t, http.StatusOK,
		`Specifica il tipo di problema<span class="modulario-required" aria-hidden="true"> *</span>`,
		`<p class="form-text modulario-when" id="f-specifica-when">Da compilare solo se hai scelto «Altro» in «Tipo di problema»</p>`,
		`aria-describedby="f-specifica-when"`,
		`<div class="form-text modulario-help" id="f-descrizione-help">Indica <strong>cosa</strong> hai visto.</div>`)
	e.get(step1+"?lang=en").expect(t, http.StatusOK, "Only if you chose “Altro” in “Tipo di problema”")
	e.postForm(step1, url.Values{"/descrizione": {"Una descrizione abbastanza lunga"}}).expect(t, http.StatusUnprocessableEntity,
		`value="strade" class="is-invalid" aria-invalid="true"`)
}
