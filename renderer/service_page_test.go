package renderer_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
)

// TestServicePageOffice checks the service page names the office that
// handles the service, with its PEC, and never shows the office's slug.
func TestServicePageOffice(t *testing.T) {
	t.Parallel()
	var offices *storage.OfficeService
	e := newEnvDB(t, func(db *storage.DB, c *renderer.Config) {
		offices = storage.NewOfficeService(db)
		c.Offices = offices
	})
	const page = "/servizi/segnalazione"

	// The form's office (ufficio-tecnico) does not exist yet: no section.
	r := e.get(page).expect(t, http.StatusOK)
	if strings.Contains(r.Body, `id="ufficio"`) || strings.Contains(r.Body, "ufficio-tecnico") {
		t.Errorf("an unknown office is shown: %s", excerpt(r.Body))
	}

	ctx := context.Background()
	if err := offices.SaveOffice(ctx, &modulario.Office{Slug: "ufficio-tecnico", Name: "Ufficio tecnico comunale",
		Emails: []string{"interno@comune.example"}}); err != nil {
		t.Fatal(err)
	}
	r = e.get(page).expect(t, http.StatusOK, `<h2 class="h4" id="ufficio">Ufficio</h2>`, "<p>Ufficio tecnico comunale</p>")
	for _, leak := range []string{"<p>ufficio-tecnico</p>", "interno@comune.example", "PEC"} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("the page shows %q", leak)
		}
	}

	if err := offices.SaveOffice(ctx, &modulario.Office{Slug: "ufficio-tecnico", Name: "Ufficio tecnico comunale",
		PEC: "tecnico@pec.comune.example"}); err != nil {
		t.Fatal(err)
	}
	e.get(page).expect(t, http.StatusOK,
		`<p>PEC (posta elettronica certificata): <a href="mailto:tecnico@pec.comune.example">tecnico@pec.comune.example</a></p>`)
	e.get(page+"?lang=en").expect(t, http.StatusOK, "<p>Certified e-mail (PEC): <a")
}
