package builder_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// A bad retention period marks the months input invalid and links it to
// an inline message, as the other admin forms do.
func TestFormSettingsRetentionInlineError(t *testing.T) {
	e, c := editorEnv(t)
	ctx := modulario.NewContextWithActor(context.Background(), "test")
	if _, _, err := e.Forms.SaveDraft(ctx, modulario.Form{Slug: "acqua", Title: "Acqua", Office: "urp"},
		formDef(t, "acqua", "Acqua", "urp")); err != nil {
		t.Fatal(err)
	}
	res, body := c.get("/admin/moduli/acqua/impostazioni")
	wantStatus(t, "settings", res, body, http.StatusOK)
	wantContains(t, "settings", body, `<div class="form-group mt-5">`, "dopo la pubblicazione",
		`aria-describedby="retention_months-help">`)
	if strings.Contains(body, `id="retention_months-error"`) || strings.Contains(body, "is-invalid") {
		t.Errorf("the settings show an error before saving")
	}
	m := draftDoc(t, e, "acqua").View().Meta
	res, body = c.post("/admin/moduli/acqua/impostazioni", url.Values{"title": {m.Title}, "privacy": {m.Privacy},
		"office": {"urp"}, "retention_action": {"delete"}, "retention_months": {"0"}})
	wantStatus(t, "bad months", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "bad months", body, `class="form-control is-invalid" id="retention_months"`,
		`aria-describedby="retention_months-help retention_months-error" aria-invalid="true"`,
		`<div class="invalid-feedback d-block" id="retention_months-error">Il periodo di conservazione deve essere un numero intero di mesi da 1 a 1200.</div>`,
		`href="#retention_months"`)
}
