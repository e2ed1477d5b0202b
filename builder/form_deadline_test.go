package builder_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/modulario/modulario"
)

// The form settings write deadline_days (1–730, empty for none) and refuse
// anything else with an Italian message, keeping the draft as it was.
func TestFormSettingsDeadline(t *testing.T) {
	e, c := editorEnv(t)
	ctx := modulario.NewContextWithActor(context.Background(), "test")
	if _, _, err := e.Forms.SaveDraft(ctx, modulario.Form{Slug: "acqua", Title: "Acqua", Office: "urp"},
		formDef(t, "acqua", "Acqua", "urp")); err != nil {
		t.Fatal(err)
	}
	res, body := c.get("/admin/moduli/acqua/impostazioni")
	wantStatus(t, "settings", res, body, http.StatusOK)
	wantContains(t, "settings", body, `id="deadline_days"`, "Tempo massimo di conclusione (giorni)")
	m := draftDoc(t, e, "acqua").View().Meta
	save := func(days string) (*http.Response, string) {
		return c.post("/admin/moduli/acqua/impostazioni", url.Values{
			"title": {m.Title}, "privacy": {m.Privacy}, "office": {"urp"}, "deadline_days": {days}})
	}
	res, body = save("30")
	wantStatus(t, "save 30", res, body, http.StatusSeeOther)
	if got := draftDoc(t, e, "acqua").View().Meta.DeadlineDays; got != 30 {
		t.Fatalf("deadline_days = %d, want 30", got)
	}
	_, body = c.get("/admin/moduli/acqua/impostazioni")
	wantContains(t, "settings shows the value", body, `value="30"`)
	for _, bad := range []string{"0", "731", "dieci", "2.5", "-3"} {
		res, body = save(bad)
		wantStatus(t, "save "+bad, res, body, http.StatusUnprocessableEntity)
		wantContains(t, "save "+bad, body, "deve essere un numero intero di giorni da 1 a 730", "href=\"#deadline_days\"")
		if got := draftDoc(t, e, "acqua").View().Meta.DeadlineDays; got != 30 {
			t.Fatalf("after %q deadline_days = %d", bad, got)
		}
	}
	res, body = save("")
	wantStatus(t, "clear", res, body, http.StatusSeeOther)
	if got := draftDoc(t, e, "acqua").View().Meta.DeadlineDays; got != 0 {
		t.Fatalf("after clearing deadline_days = %d", got)
	}
}
