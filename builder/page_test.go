package builder_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// publishTestForm publishes the renderer's test form ("segnalazione").
func (e *env) publishTestForm() {
	e.t.Helper()
	def, err := os.ReadFile("../renderer/testdata/form.json")
	if err != nil {
		e.t.Fatal(err)
	}
	var meta modulario.Form
	_ = json.Unmarshal(def, &meta)
	ctx := context.Background()
	if _, _, err := e.Forms.SaveDraft(ctx, meta, def); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.Forms.PublishDraft(ctx, meta.Slug); err != nil {
		e.t.Fatal(err)
	}
}

// audited fails unless the audit log has action on target.
func (e *env) audited(action, target string) {
	e.t.Helper()
	list, err := e.Audit.ListAudit(context.Background(), modulario.AuditFilter{Target: target})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, a := range list {
		if a.Action == action {
			return
		}
	}
	e.t.Fatalf("no audit %s on %s in %d entries", action, target, len(list))
}

func TestPagesRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser(modulario.RoleAdmin, "admin@comune.example")
	e.addUser(modulario.RoleEditor, "editor@comune.example")
	e.addUser(modulario.RoleOperator, "operatore@comune.example")
	admin, editor, operator := e.login("admin@comune.example"), e.login("editor@comune.example"), e.login("operatore@comune.example")
	for _, path := range []string{"/admin/pagine", "/admin/pagine/nuova", "/admin/media"} {
		for _, c := range []*client{admin, editor} {
			if res, body := c.get(path); res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d\n%s", path, res.StatusCode, body)
			}
		}
		if res, _ := operator.get(path); res.StatusCode != http.StatusForbidden {
			t.Fatalf("operator GET %s = %d, want 403", path, res.StatusCode)
		}
	}
	if res, _ := editor.get("/admin/impostazioni/logo"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("editor on logo page = %d, want 403", res.StatusCode)
	}
	if res, _ := admin.get("/admin/impostazioni/logo"); res.StatusCode != http.StatusOK {
		t.Fatalf("admin on logo page = %d", res.StatusCode)
	}
	res, _ := operator.post("/admin/pagine", url.Values{"title": {"X"}, "body": {"y"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("operator POST = %d, want 403", res.StatusCode)
	}
	if _, err := e.Pages.FindPage(context.Background(), "x"); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Fatal("an operator created a page")
	}
	if res, _ := e.newClient().get("/admin/pagine"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous GET = %d, want a redirect to the login", res.StatusCode)
	}
}

func TestPageEditorFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.publishTestForm()
	e.addUser(modulario.RoleEditor, "editor@comune.example")
	c := e.login("editor@comune.example")
	form := url.Values{"title": {"Strade sicure"}, "description": {"Segnala i guasti"}, "category": {"Territorio"},
		"menu_order": {"2"}, "body": {"## Come fare\n\nTesto."}, "published": {"1"}}

	// Without JavaScript: "Inserisci" appends the short code, "Anteprima" renders it.
	form.Set("_action", "inserisci")
	form.Set("modulo", "segnalazione")
	res, body := c.post("/admin/pagine", form)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Testo.\n\n{{&lt; modulo &#34;segnalazione&#34; &gt;}}") {
		t.Fatalf("insert: %d\n%s", res.StatusCode, body)
	}
	form.Set("body", "## Come fare\n\nTesto.\n\n{{< modulo \"segnalazione\" >}}\n\n{{< modulo \"boh\" >}}\n\n<script>x</script>")
	form.Set("_action", "anteprima")
	res, body = c.post("/admin/pagine", form)
	for _, want := range []string{"<h2>Come fare</h2>", `href="/servizi/segnalazione"`, "Compila il modulo",
		"Servizio non disponibile"} {
		if res.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("preview lacks %q (%d)\n%s", want, res.StatusCode, body)
		}
	}
	if strings.Contains(body, "<script>x") {
		t.Fatal("raw HTML in the preview")
	}
	if _, err := e.Pages.FindPage(context.Background(), "strade-sicure"); err == nil {
		t.Fatal("preview saved the page")
	}

	// Errors re-render the form with the posted values.
	bad := url.Values{"title": {""}, "slug": {"Non Valido!"}, "menu_order": {"primo"}, "body": {"testo tenuto"}}
	res, body = c.post("/admin/pagine", bad)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#page-title"`) ||
		!strings.Contains(body, `href="#page-slug"`) || !strings.Contains(body, `href="#page-order"`) || !strings.Contains(body, "testo tenuto") {
		t.Fatalf("invalid form: %d\n%s", res.StatusCode, body)
	}

	form.Set("_action", "salva")
	res, _ = c.post("/admin/pagine", form)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/pagine/strade-sicure") {
		t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	p, err := e.Pages.FindPage(context.Background(), "strade-sicure")
	if err != nil || !p.Published || p.MenuOrder != 2 || p.Category != "Territorio" || !strings.Contains(p.Body, "modulo") {
		t.Fatalf("stored page %+v, %v", p, err)
	}
	e.audited("page.save", "page:strade-sicure")
	// The same slug again is a conflict shown on the slug field.
	if res, body := c.post("/admin/pagine", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Esiste già") {
		t.Fatalf("duplicate: %d", res.StatusCode)
	}
	// Edit keeps the slug; a post without the CSRF token changes nothing.
	form.Set("title", "Strade sicure 2")
	form.Set("_csrf", "sbagliato")
	if res, _ := c.post("/admin/pagine/strade-sicure", form); res.StatusCode != http.StatusForbidden {
		t.Fatalf("bad CSRF = %d", res.StatusCode)
	}
	form.Del("_csrf")
	if res, _ := c.post("/admin/pagine/strade-sicure", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update = %d", res.StatusCode)
	}
	if p, _ := e.Pages.FindPage(context.Background(), "strade-sicure"); p.Title != "Strade sicure 2" {
		t.Fatalf("title = %q", p.Title)
	}
	if res, body := c.get("/admin/pagine"); res.StatusCode != 200 || !strings.Contains(body, "Strade sicure 2") {
		t.Fatalf("list: %d", res.StatusCode)
	}
	if res, _ := c.get("/admin/pagine/strade-sicure/elimina"); res.StatusCode != http.StatusOK {
		t.Fatalf("delete confirm = %d", res.StatusCode)
	}
	if res, _ := c.post("/admin/pagine/strade-sicure/elimina", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete = %d", res.StatusCode)
	}
	if _, err := e.Pages.FindPage(context.Background(), "strade-sicure"); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Fatal("page not deleted")
	}
	e.audited("page.delete", "page:strade-sicure")
	if res, _ := c.get("/admin/pagine/strade-sicure"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("deleted page = %d", res.StatusCode)
	}
}
