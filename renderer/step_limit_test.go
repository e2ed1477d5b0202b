package renderer_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/modulario/modulario/renderer"
)

// TestTooLargeStepConditionsAndLanguage: the step shown again after a post
// over the body limit draws the first item of a group with minItems with
// the fields its conditions show (evaluated after the item is added), and
// names the limit as the page's language writes it.
func TestTooLargeStepConditionsAndLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *renderer.Config) { c.MaxBodyBytes = 3 << 19 }) // 1.5 MB
	step1 := e.startForm("valori")
	b := base(step1)
	e.postForm(step1, url.Values{"/comune": {"Milano"}, "/persone": {"2"}}).redirectsTo(t, `/passo/2$`)
	e.postForm(b+"/passo/2", url.Values{"/ora": {"14:30"}}).redirectsTo(t, `/passo/3$`)
	big := url.Values{"/ragione": {strings.Repeat("x", 2<<20)}}
	e.postForm(b+"/passo/3", big).expect(t, http.StatusRequestEntityTooLarge,
		"limite di 1,5 MB per invio", `name="/figli/0/nazione" value="Italia"`, `name="/figli/0/lavoro"`)
	e.postForm(b+"/passo/3?lang=en", big).expect(t, http.StatusRequestEntityTooLarge, "limit of 1.5 MB per submission")
}
