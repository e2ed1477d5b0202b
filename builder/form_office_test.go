package builder_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// An editor who belongs to offices edits only the forms of those offices:
// another office's form is neither listed nor opened, and a form of theirs
// cannot be handed to an office they are not in.
func TestEditorLimitedToTheirOffices(t *testing.T) {
	e, _ := editorEnv(t)
	ctx := modulario.NewContextWithActor(context.Background(), "test")
	for _, f := range []struct{ slug, title, office string }{
		{"acqua", "Autolettura acqua", "acquedotto"},
		{"assistenza", "Richiesta di assistenza", "urp"},
	} {
		def := formDef(t, f.slug, f.title, f.office)
		if _, _, err := e.Forms.SaveDraft(ctx, modulario.Form{Slug: f.slug, Title: f.title, Office: f.office}, def); err != nil {
			t.Fatal(err)
		}
	}
	e.addUser(modulario.RoleEditor, "acquedotto@comune.example", "acquedotto")
	c := e.login("acquedotto@comune.example")

	res, body := c.get("/admin/moduli")
	wantStatus(t, "list", res, body, http.StatusOK)
	wantContains(t, "list", body, "Autolettura acqua")
	if strings.Contains(body, "Richiesta di assistenza") {
		t.Error("the list shows a form of another office")
	}
	res, body = c.get("/admin/moduli/assistenza")
	wantStatus(t, "other office's form", res, body, http.StatusForbidden)
	res, body = c.post("/admin/moduli/assistenza/passi", url.Values{"title": {"Nuovo"}})
	wantStatus(t, "change other office's form", res, body, http.StatusForbidden)

	res, body = c.get("/admin/moduli/acqua/impostazioni")
	wantStatus(t, "own form settings", res, body, http.StatusOK)
	doc := draftDoc(t, e, "acqua")
	m := doc.View().Meta
	res, body = c.post("/admin/moduli/acqua/impostazioni", url.Values{
		"title": {m.Title}, "privacy": {m.Privacy}, "office": {"urp"}})
	wantStatus(t, "hand the form to another office", res, body, http.StatusUnprocessableEntity)
	if got := draftDoc(t, e, "acqua").View().Meta.Office; got != "acquedotto" {
		t.Errorf("office after the refused save = %q, want acquedotto", got)
	}

	// The comune-wide editor (no offices) still sees both.
	_, body = e.login("redattore@comune.example").get("/admin/moduli")
	wantContains(t, "comune-wide list", body, "Autolettura acqua", "Richiesta di assistenza")
}

// formDef is a minimal valid definition of a form of office.
func formDef(t *testing.T, slug, title, office string) json.RawMessage {
	t.Helper()
	raw, err := json.Marshal(map[string]any{
		"slug": slug, "title": title, "office": office, "privacy": "Informativa.",
		"schema": map[string]any{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
			"properties": map[string]any{"nome": map[string]any{"type": "string", "title": "Nome"}}},
		"ui": map[string]any{"steps": []any{map[string]any{"title": "Dati", "fields": []string{"nome"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
