package builder_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

var tempPasswordRE = regexp.MustCompile(`<code class="modulario-secret">([^<]+)</code>`)

func TestUsersCRUD(t *testing.T) {
	e := newEnv(t)
	admin := e.addUser(modulario.RoleAdmin, "admin@comune.example")
	ctx := context.Background()
	if err := e.Offices.SaveOffice(ctx, &modulario.Office{Slug: "anagrafe", Name: "Anagrafe"}); err != nil {
		t.Fatal(err)
	}
	c := e.login("admin@comune.example")
	if res, body := c.get("/admin/utenti/nuovo"); res.StatusCode != http.StatusOK || !strings.Contains(body, "Anagrafe") {
		t.Fatalf("new user page: %d", res.StatusCode)
	}
	res, body := c.post("/admin/utenti", url.Values{"email": {"non-valida"}, "name": {""}, "role": {"capo"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "indirizzo e-mail valido") ||
		!strings.Contains(body, "Scegli un ruolo") || !strings.Contains(body, `value="non-valida"`) {
		t.Fatalf("invalid user: %d", res.StatusCode)
	}
	res, body = c.post("/admin/utenti", url.Values{"email": {"Op@Comune.example"}, "name": {"Mario Rossi"},
		"role": {"operator"}, "offices": {"anagrafe"}})
	m := tempPasswordRE.FindStringSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	u, err := e.Users.FindUserByEmail(ctx, "op@comune.example")
	if err != nil || !u.MustChangePassword || u.Role != modulario.RoleOperator || !u.InOffice("anagrafe") {
		t.Fatalf("created user = %+v, %v", u, err)
	}
	op := e.newClient()
	if res, _ := op.tryLogin("op@comune.example", m[1]); res.Header.Get("Location") != "/admin/password" {
		t.Fatalf("temporary password login: %q", res.Header.Get("Location"))
	}
	res, body = c.post("/admin/utenti", url.Values{"email": {"op@comune.example"}, "name": {"Altro"}, "role": {"editor"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Esiste già un utente") {
		t.Fatalf("duplicate: %d", res.StatusCode)
	}
	res, _ = c.post("/admin/utenti/"+u.ID, url.Values{"email": {"op@comune.example"}, "name": {"Mario Rossi"},
		"role": {"editor"}, "disabled": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", res.StatusCode)
	}
	if u, _ = e.Users.FindUser(ctx, u.ID); u.Role != modulario.RoleEditor || !u.Disabled || len(u.Offices) != 0 {
		t.Fatalf("updated user = %+v", u)
	}
	// An admin can neither demote, disable nor delete themselves.
	res, body = c.post("/admin/utenti/"+admin.ID, url.Values{"email": {"admin@comune.example"}, "name": {"Io"},
		"role": {"editor"}, "disabled": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "ruolo di amministratore") ||
		!strings.Contains(body, "disattivare il tuo account") {
		t.Fatalf("self demote: %d", res.StatusCode)
	}
	if res, body = c.post("/admin/utenti/"+admin.ID+"/elimina", nil); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Non puoi eliminare il tuo account") {
		t.Fatalf("self delete: %d", res.StatusCode)
	}
	if res, body = c.post("/admin/utenti/"+u.ID+"/password", nil); res.StatusCode != http.StatusOK ||
		tempPasswordRE.FindStringSubmatch(body) == nil {
		t.Fatalf("reset: %d", res.StatusCode)
	}
	if res, _ = c.post("/admin/utenti/"+u.ID+"/elimina", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if _, err := e.Users.FindUser(ctx, u.ID); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Fatalf("deleted user still there: %v", err)
	}
	if _, body = c.get("/admin/utenti"); !strings.Contains(body, "admin@comune.example") {
		t.Error("list lacks the admin")
	}
	assertAudit(t, e, "user.create", "user.update", "user.password", "user.delete")
}

// assertAudit checks that each action was recorded.
func assertAudit(t *testing.T, e *env, actions ...string) {
	t.Helper()
	entries, err := e.Audit.ListAudit(context.Background(), modulario.AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range entries {
		seen[a.Action] = true
		if a.Actor == "" && !strings.HasPrefix(a.Action, "auth.") {
			t.Errorf("%s has no actor", a.Action)
		}
	}
	for _, a := range actions {
		if !seen[a] {
			t.Errorf("no audit entry %s", a)
		}
	}
}

func TestOfficesCRUD(t *testing.T) {
	e := newEnv(t)
	e.addUser(modulario.RoleAdmin, "admin@comune.example")
	c := e.login("admin@comune.example")
	ctx := context.Background()
	res, body := c.post("/admin/uffici", url.Values{"slug": {"Ufficio Tecnico"}, "name": {""}, "emails": {"a@b.it\nnon valida"}, "pec": {"x"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "lettere minuscole") ||
		!strings.Contains(body, "nome dell&#39;ufficio") || !strings.Contains(body, "non valida") {
		t.Fatalf("invalid office: %d %s", res.StatusCode, body)
	}
	res, _ = c.post("/admin/uffici", url.Values{"slug": {"ufficio-tecnico"}, "name": {"Ufficio tecnico"},
		"emails": {"tecnico@comune.example\nurp@comune.example"}, "pec": {"tecnico@pec.comune.example"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	o, err := e.Offices.FindOffice(ctx, "ufficio-tecnico")
	if err != nil || len(o.Emails) != 2 || o.PEC != "tecnico@pec.comune.example" {
		t.Fatalf("office = %+v, %v", o, err)
	}
	if res, body = c.post("/admin/uffici", url.Values{"slug": {"ufficio-tecnico"}, "name": {"Doppio"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Esiste già un ufficio") {
		t.Fatalf("duplicate: %d", res.StatusCode)
	}
	if res, _ = c.post("/admin/uffici/ufficio-tecnico", url.Values{"name": {"Lavori pubblici"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", res.StatusCode)
	}
	if o, _ = e.Offices.FindOffice(ctx, "ufficio-tecnico"); o.Name != "Lavori pubblici" {
		t.Fatalf("name = %q", o.Name)
	}
	if res, body = c.get("/admin/uffici?ok=ok.office_saved"); !strings.Contains(body, "Ufficio salvato.") || !strings.Contains(body, "Lavori pubblici") {
		t.Fatalf("list: %d", res.StatusCode)
	}
	if res, _ = c.post("/admin/uffici/ufficio-tecnico/elimina", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if res, _ = c.get("/admin/uffici/ufficio-tecnico"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("deleted office page: %d", res.StatusCode)
	}
	assertAudit(t, e, "office.save", "office.delete")
}

func TestSettingsSave(t *testing.T) {
	e := newEnv(t)
	e.addUser(modulario.RoleAdmin, "admin@comune.example")
	c := e.login("admin@comune.example")
	base := url.Values{"site_name": {"Comune di Esempio"}, "region": {"Regione Lazio"}, "primary_color": {"#ffff00"},
		"primary_color_picker": {"#0066cc"}, "accessibility_url": {"ftp://x"}, "link_label_0": {""}, "link_url_0": {"/privacy"}}
	res, body := c.post("/admin/impostazioni", base)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "contrasto") ||
		!strings.Contains(body, "https://") || !strings.Contains(body, "non ha un testo") {
		t.Fatalf("invalid settings: %d %s", res.StatusCode, body)
	}
	more := url.Values{"more": {"1"}, "site_name": {"Comune di Esempio"}}
	if _, body = c.post("/admin/impostazioni", more); !strings.Contains(body, `id="link_url_3"`) {
		t.Error("aggiungi righe did not add rows")
	}
	good := url.Values{"site_name": {"Comune di Esempio"}, "region": {"Regione Lazio"}, "primary_color": {"#004d99"},
		"primary_color_picker": {"#0066cc"}, "contacts": {"Piazza **Roma** 1"}, "accessibility_url": {"https://form.agid.gov.it/view/x"},
		"link_label_0": {"Privacy"}, "link_url_0": {"/privacy"}, "link_label_1": {""}, "link_url_1": {""},
		"link_label_2": {"Sito"}, "link_url_2": {"https://www.comune.example"}}
	if res, _ = c.post("/admin/impostazioni", good); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	st, err := e.Settings.Settings(context.Background())
	if err != nil || st.SiteName != "Comune di Esempio" || st.PrimaryColor != "#004d99" || len(st.FooterLinks) != 2 ||
		st.FooterLinks[1].URL != "https://www.comune.example" {
		t.Fatalf("settings = %+v, %v", st, err)
	}
	// The picker wins when the text field is left unchanged.
	good.Set("primary_color_picker", "#003366")
	c.post("/admin/impostazioni", good)
	if st, _ = e.Settings.Settings(context.Background()); st.PrimaryColor != "#003366" {
		t.Errorf("picker colour: %q", st.PrimaryColor)
	}
	if _, body = c.get("/admin"); !strings.Contains(body, "Comune di Esempio") {
		t.Error("site name from settings not shown")
	}
	assertAudit(t, e, "settings.save")
}

func TestAuditPage(t *testing.T) {
	e := newEnv(t)
	admin := e.addUser(modulario.RoleAdmin, "admin@comune.example")
	c := e.login("admin@comune.example")
	for i := 0; i < 55; i++ {
		c.post("/admin/uffici", url.Values{"slug": {"u" + strings.Repeat("x", i%5+1) + string(rune('a'+i%26))}, "name": {"Ufficio"}})
	}
	res, body := c.get("/admin/registro?actor=" + admin.ID + "&target=office:")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "office.save") || !strings.Contains(body, "Voci precedenti") {
		t.Fatalf("audit page: %d", res.StatusCode)
	}
	if strings.Contains(body, "auth.login") {
		t.Error("target filter ignored")
	}
	older := regexp.MustCompile(`href="(/admin/registro\?[^"]+)">Voci precedenti`).FindStringSubmatch(body)
	if older == nil {
		t.Fatal("no link to older entries")
	}
	if res, body = c.get(strings.ReplaceAll(older[1], "&amp;", "&")); res.StatusCode != http.StatusOK || !strings.Contains(body, "office.save") {
		t.Fatalf("older page: %d", res.StatusCode)
	}
}
