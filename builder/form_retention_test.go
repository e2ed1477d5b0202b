package builder_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/modulario/modulario"
)

// The form settings write "retention" (none, or delete/anonymise after 1
// to 1200 months) and refuse anything else with an Italian message,
// keeping the draft as it was.
func TestFormSettingsRetention(t *testing.T) {
	e, c := editorEnv(t)
	ctx := modulario.NewContextWithActor(context.Background(), "test")
	if _, _, err := e.Forms.SaveDraft(ctx, modulario.Form{Slug: "acqua", Title: "Acqua", Office: "urp"},
		formDef(t, "acqua", "Acqua", "urp")); err != nil {
		t.Fatal(err)
	}
	res, body := c.get("/admin/moduli/acqua/impostazioni")
	wantStatus(t, "settings", res, body, http.StatusOK)
	wantContains(t, "settings", body, "Conservazione dei dati", `id="retention-none" value="" checked`,
		`id="retention-anonymise" value="anonymise">`, `id="retention_months"`)
	m := draftDoc(t, e, "acqua").View().Meta
	save := func(action, months string) (*http.Response, string) {
		return c.post("/admin/moduli/acqua/impostazioni", url.Values{"title": {m.Title}, "privacy": {m.Privacy},
			"office": {"urp"}, "retention_action": {action}, "retention_months": {months}})
	}
	res, body = save("anonymise", "24")
	wantStatus(t, "save", res, body, http.StatusSeeOther)
	if got := draftDoc(t, e, "acqua").View().Meta; got.RetentionMonths != 24 || got.RetentionAction != "anonymise" {
		t.Fatalf("retention = %d %q", got.RetentionMonths, got.RetentionAction)
	}
	_, body = c.get("/admin/moduli/acqua/impostazioni")
	wantContains(t, "settings shows the value", body, `value="24"`, `id="retention-anonymise" value="anonymise" checked`)
	for _, bad := range [][2]string{{"delete", "0"}, {"delete", ""}, {"delete", "1201"}, {"anonymise", "due"}, {"archivia", "12"}} {
		res, body = save(bad[0], bad[1])
		wantStatus(t, "save "+bad[0]+" "+bad[1], res, body, http.StatusUnprocessableEntity)
		if bad[0] == "archivia" {
			wantContains(t, "bad action", body, "Scegli che cosa fare delle richieste chiuse", `href="#retention-none"`)
		} else {
			wantContains(t, "bad months", body, "numero intero di mesi da 1 a 1200", `href="#retention_months"`)
		}
		if got := draftDoc(t, e, "acqua").View().Meta; got.RetentionMonths != 24 || got.RetentionAction != "anonymise" {
			t.Fatalf("after %v retention = %d %q", bad, got.RetentionMonths, got.RetentionAction)
		}
	}
	// Keeping requests removes the rule, whatever the months say.
	res, body = save("", "36")
	wantStatus(t, "clear", res, body, http.StatusSeeOther)
	if got := draftDoc(t, e, "acqua").View().Meta; got.RetentionMonths != 0 || got.RetentionAction != "" {
		t.Fatalf("after clearing retention = %d %q", got.RetentionMonths, got.RetentionAction)
	}
	res, body = save("delete", "120")
	wantStatus(t, "delete", res, body, http.StatusSeeOther)
	f, err := e.Forms.FindForm(ctx, "acqua")
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.Forms.FindVersion(ctx, "acqua", f.Draft)
	if err != nil {
		t.Fatal(err)
	}
	var def struct{ Retention *modulario.RetentionPolicy }
	if err := json.Unmarshal(v.Definition, &def); err != nil || def.Retention == nil ||
		*def.Retention != (modulario.RetentionPolicy{Months: 120, Action: modulario.RetentionDelete}) {
		t.Fatalf("definition retention = %+v, %v", def.Retention, err)
	}
}
