package builder_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

var tokenSecretRe = regexp.MustCompile(`mod_[A-Za-z0-9_-]{43}`)

func TestTokenScreens(t *testing.T) {
	a := newAPIEnv(t)
	ctx := context.Background()
	a.addUser(modulario.RoleAdmin, "admin@comune.example")
	a.addUser(modulario.RoleOperator, "op@comune.example", "tributi")
	admin := a.login("admin@comune.example")

	res, body := admin.get("/admin/token")
	wantStatus(t, "empty list", res, body, 200)
	wantContains(t, "empty list", body, "Non ci sono token API.", `href="/admin/token/nuovo"`)
	res, body = admin.get("/admin/token/nuovo")
	wantStatus(t, "form", res, body, 200)
	wantContains(t, "form", body, `id="office-tributi"`, `id="scope-read" value="read" checked`, "<legend",
		`<input type="checkbox" name="pages" id="pages" value="1" aria-describedby="pages-help">`, "Può gestire le pagine informative")

	res, body = admin.post("/admin/token", url.Values{"name": {""}, "scope": {"admin"}, "offices": {"nessuno"}})
	wantStatus(t, "invalid form", res, body, 422)
	wantContains(t, "invalid form", body, `id="error-summary"`, "Inserisci un nome", "Uno degli uffici scelti non esiste più.", "Scegli i permessi")
	if list, _ := a.Tokens.ListTokens(ctx); len(list) != 0 {
		t.Fatalf("an invalid form created %d tokens", len(list))
	}

	res, body = admin.post("/admin/token", url.Values{"name": {"Protocollo"}, "scope": {"write"}, "offices": {"tributi", "anagrafe"}, "pages": {"1"}})
	wantStatus(t, "create", res, body, 200)
	wantContains(t, "create", body, "viene mostrato solo questa volta", "Authorization: Bearer ",
		"<dd>Lettura e scrittura, pagine informative</dd>")
	secret := tokenSecretRe.FindString(body)
	tok, err := a.Tokens.AuthenticateToken(ctx, secret)
	if err != nil || tok.Name != "Protocollo" || tok.Scope != modulario.ScopeWrite || len(tok.Offices) != 2 || !tok.Pages {
		t.Fatalf("the secret shown does not authenticate: %+v %v", tok, err)
	}

	res, body = admin.get("/admin/token")
	wantStatus(t, "list", res, body, 200)
	wantContains(t, "list", body, "<th scope=\"row\">Protocollo</th>", "Ufficio tributi, Ufficio anagrafe", "Lettura e scrittura, pagine informative",
		`href="/admin/token/`+tok.ID+`/revoca"`)
	if strings.Contains(body, secret) || strings.Contains(body, tok.Hash) {
		t.Fatalf("the list shows the secret or its hash")
	}

	// Neither an office nor pages: refused; pages alone: allowed.
	res, body = admin.post("/admin/token", url.Values{"name": {"Niente"}, "scope": {"read"}})
	wantStatus(t, "no office, no pages", res, body, 422)
	wantContains(t, "no office, no pages", body, "Scegli almeno un ufficio oppure il permesso sulle pagine informative.")
	res, body = admin.post("/admin/token", url.Values{"name": {"Sito"}, "scope": {"read"}, "pages": {"1"}})
	wantStatus(t, "pages only", res, body, 200)
	wantContains(t, "pages only", body, "<dd>Lettura, pagine informative</dd>", "<dd>nessuno (solo pagine informative)</dd>")
	pagesTok, err := a.Tokens.AuthenticateToken(ctx, tokenSecretRe.FindString(body))
	if err != nil || len(pagesTok.Offices) != 0 || !pagesTok.Pages {
		t.Fatalf("pages-only token: %+v %v", pagesTok, err)
	}
	for _, p := range []string{"/api/v1/submissions", "/api/v1/forms"} {
		res, body := a.call("GET", p, tokenSecretRe.FindString(body), "", "")
		if res.StatusCode != 200 || !strings.Contains(body, `"items":[]`) {
			t.Errorf("pages-only token GET %s: %d %s", p, res.StatusCode, body)
		}
	}

	res, body = admin.get("/admin/token/" + tok.ID + "/revoca")
	wantStatus(t, "revoke confirm", res, body, 200)
	wantContains(t, "revoke confirm", body, "Vuoi revocare il token «Protocollo»?", `name="_csrf"`)
	res, _ = admin.postForm("/admin/token/"+tok.ID+"/revoca", url.Values{})
	if res.StatusCode != 403 {
		t.Errorf("revoke without CSRF: %d", res.StatusCode)
	}
	res, body = admin.post("/admin/token/"+tok.ID+"/revoca", nil)
	if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/admin/token?ok=") {
		t.Fatalf("revoke: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if _, err := a.Tokens.AuthenticateToken(ctx, secret); modulario.ErrorCode(err) != modulario.EUNAUTHORIZED {
		t.Errorf("revoked token still authenticates: %v", err)
	}
	res, body = admin.get("/admin/token?ok=ok.token_revoked")
	wantContains(t, "after revoke", body, "Token revocato.", "Revocato il ")

	entries, err := a.Audit.ListAudit(ctx, modulario.AuditFilter{Target: "token:" + tok.ID})
	if err != nil || len(entries) != 2 || entries[0].Action != "token.revoke" || entries[1].Action != "token.create" {
		t.Fatalf("audit: %+v %v", entries, err)
	}
	for _, e := range entries {
		if strings.Contains(e.Detail, secret[4:]) || strings.Contains(e.Detail, tok.Hash) {
			t.Errorf("audit entry %s holds the secret", e.Action)
		}
	}

	anon := a.newClient()
	if res, _ := anon.get("/admin/token"); res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/admin/login") {
		t.Errorf("anonymous /admin/token: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	op := a.login("op@comune.example")
	for _, p := range []string{"/admin/token", "/admin/token/nuovo", "/admin/token/" + tok.ID + "/revoca"} {
		if res, _ := op.get(p); res.StatusCode != 403 {
			t.Errorf("operator GET %s: %d, want 403", p, res.StatusCode)
		}
	}
	if res, _ := op.post("/admin/token", url.Values{"name": {"X"}, "scope": {"read"}, "offices": {"tributi"}}); res.StatusCode != 403 {
		t.Errorf("operator create: %d", res.StatusCode)
	}
}
