package builder_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// TestOfficeDeleteInUse: an office a form names (its office or a rule's
// route) or a user belongs to is not deleted; the page names them.
func TestOfficeDeleteInUse(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, o := range []*modulario.Office{{Slug: "tecnico", Name: "Tecnico"}, {Slug: "urp", Name: "URP"}, {Slug: "vuoto", Name: "Vuoto"}} {
		if err := e.Offices.SaveOffice(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	e.addUser(modulario.RoleAdmin, "admin@comune.example")
	e.addUser(modulario.RoleOperator, "tecnica@comune.example", "tecnico")
	def := `{"slug":"buche","title":"Buche","office":"urp","rules":[{"name":"Strade","on":"submission.received","then":[{"route":"tecnico"}]}]}`
	if _, _, err := e.Forms.SaveDraft(ctx, modulario.Form{Slug: "buche", Title: "Buche", Office: "urp"}, json.RawMessage(def)); err != nil {
		t.Fatal(err)
	}
	c := e.login("admin@comune.example")
	for slug, want := range map[string][]string{
		"tecnico": {"ancora in uso", "«buche»", "tecnica@comune.example"},
		"urp":     {"ancora in uso", "«buche»"},
	} {
		res, body := c.post("/admin/uffici/"+slug+"/elimina", nil)
		wantStatus(t, "delete "+slug, res, body, http.StatusConflict)
		wantContains(t, "delete "+slug, body, want...)
		if _, err := e.Offices.FindOffice(ctx, slug); err != nil {
			t.Fatalf("%s deleted: %v", slug, err)
		}
	}
	res, body := c.post("/admin/uffici/vuoto/elimina", nil)
	wantStatus(t, "delete unused", res, body, http.StatusSeeOther)
}

// TestPublishChecksAssignees: a rule assigning requests to someone who is
// not a user stops publishing; a user's e-mail address is accepted.
func TestPublishChecksAssignees(t *testing.T) {
	e, c := editorEnv(t)
	ctx := context.Background()
	slug := createForm(t, c, "Segnalazioni")
	f, err := e.Forms.FindForm(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.Forms.FindVersion(ctx, slug, f.Draft)
	if err != nil {
		t.Fatal(err)
	}
	var def map[string]any
	if err := json.Unmarshal(v.Definition, &def); err != nil {
		t.Fatal(err)
	}
	def["rules"] = []any{map[string]any{"name": "A chi", "on": "submission.received",
		"then": []any{map[string]any{"assign": "nessuno@comune.example"}, map[string]any{"assign": "Redattore@comune.example"}}}}
	raw, _ := json.Marshal(def)
	if _, _, err := e.Forms.SaveDraft(ctx, *f, raw); err != nil {
		t.Fatal(err)
	}
	_, body := c.get("/admin/moduli/" + slug + "/pubblica")
	wantContains(t, "publish page", body, "nessuno@comune.example», che non è un utente")
	if strings.Contains(body, "Redattore@comune.example», che non") {
		t.Error("an existing user's address is refused")
	}
}
