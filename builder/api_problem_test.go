package builder_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// TestAPIProblems hits every error class of the API and wants an RFC 9457
// document each time: status, Content-Type application/problem+json,
// type, title, status and detail.
func TestAPIProblems(t *testing.T) {
	a := newAPIEnv(t)
	ctx := context.Background()
	read, _ := a.token("Lettore", modulario.ScopeRead, "tributi")
	write, _ := a.token("Protocollo", modulario.ScopeWrite, "tributi")
	revoked, tok := a.token("Vecchio", modulario.ScopeWrite, "tributi")
	if err := a.Tokens.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	a.saveForm("bozza", "tributi", apiDef("bozza", "Bozza", "tributi"), false)
	status := "/api/v1/submissions/" + strconv.FormatUint(a.Tributi.ID, 10) + "/status"
	def := apiDef("segnalazione", "Segnalazione", "tributi")
	for _, c := range []struct {
		what, method, path, secret, ctype, body string
		headers                                 map[string]string
		want                                    int
	}{
		{what: "malformed JSON", method: "POST", path: status, secret: write, ctype: jsonType, body: `{"status":`, want: 400},
		{what: "malformed definition", method: "PUT", path: "/api/v1/forms/bozza/draft", secret: write, ctype: jsonType, body: `{"title":`, want: 400},
		{what: "bad query parameter", method: "GET", path: "/api/v1/forms?limit=tanti", secret: read, want: 400},
		{what: "no token", method: "GET", path: "/api/v1/forms", want: 401},
		{what: "unknown token", method: "GET", path: "/api/v1/forms", secret: "mod_" + strings.Repeat("x", 43), want: 401},
		{what: "revoked token", method: "GET", path: "/api/v1/forms", secret: revoked, want: 401},
		{what: "read-only token writing", method: "PUT", path: "/api/v1/forms/bozza/draft", secret: read, ctype: jsonType, body: def, want: 403},
		{what: "token without pages", method: "GET", path: "/api/v1/pages", secret: write, want: 403},
		{what: "definition of another office", method: "PUT", path: "/api/v1/forms/altro/draft", secret: write, ctype: jsonType,
			body: apiDef("altro", "Altro", "anagrafe"), want: 403},
		{what: "filter on another office", method: "GET", path: "/api/v1/submissions?office=anagrafe", secret: read, want: 403},
		{what: "unknown route", method: "GET", path: "/api/v1/nowhere", want: 404},
		{what: "unknown route with a token", method: "GET", path: "/api/v1/forms/bozza/nowhere", secret: read, want: 404},
		{what: "unknown form", method: "GET", path: "/api/v1/forms/nessuno", secret: read, want: 404},
		{what: "unknown request", method: "GET", path: "/api/v1/submissions/999999", secret: read, want: 404},
		{what: "method not allowed", method: "DELETE", path: "/api/v1/forms", secret: write, want: 405},
		{what: "nothing to publish", method: "POST", path: "/api/v1/forms/segnalazione/publish", secret: write, want: 409},
		{what: "stale If-Match", method: "PUT", path: "/api/v1/forms/bozza/draft", secret: write, ctype: jsonType, body: apiDef("bozza", "B", "tributi"),
			headers: map[string]string{"If-Match": `"0000"`}, want: 412},
		{what: "status body too large", method: "POST", path: status, secret: write, ctype: jsonType, body: strings.Repeat(" ", 70<<10) + `{}`, want: 413},
		{what: "definition too large", method: "PUT", path: "/api/v1/forms/bozza/draft", secret: write, ctype: jsonType,
			body: `{"title":"` + strings.Repeat("x", 1<<20) + `"}`, want: 413},
		{what: "not JSON", method: "PUT", path: "/api/v1/forms/bozza/draft", secret: write, ctype: "text/plain", body: def, want: 415},
		{what: "invalid definition", method: "PUT", path: "/api/v1/forms/bozza/draft", secret: write, ctype: jsonType, body: `{"title":"B"}`, want: 422},
		{what: "invalid status", method: "POST", path: status, secret: write, ctype: jsonType, body: `{"status":"boh"}`, want: 422},
	} {
		h := map[string]string{}
		if c.ctype != "" {
			h["Content-Type"] = c.ctype
		}
		for k, v := range c.headers {
			h[k] = v
		}
		res, body := a.callWith(c.method, c.path, c.secret, c.body, h)
		wantAPIProblem(t, c.what, res, body, c.want)
	}

	res, body := a.call("GET", "/api/v1/forms/nessuno?lang=en", read, "", "")
	if p := wantAPIProblem(t, "English problem", res, body, 404); p.Title != "Not found" || !strings.Contains(p.Detail, "does not exist") {
		t.Errorf("English problem: %s", body)
	}
	res, body = a.callWith("HEAD", "/api/v1/forms/nessuno", read, "", nil)
	if res.StatusCode != 404 || res.Header.Get("Content-Type") != "application/problem+json" || body != "" {
		t.Errorf("HEAD of a missing form: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
}

// TestAPITokenScopeMatrix runs each kind of token against each kind of
// operation: office scoping (404 on what another office owns, 403 on a
// definition naming another office), read-only tokens writing (403),
// revoked tokens (401), the pages permission (403 without it).
func TestAPITokenScopeMatrix(t *testing.T) {
	a := newAPIEnv(t)
	ctx := context.Background()
	readT, _ := a.token("Lettore", modulario.ScopeRead, "tributi")
	writeT, _ := a.token("Protocollo", modulario.ScopeWrite, "tributi")
	writeA, _ := a.token("Anagrafe", modulario.ScopeWrite, "anagrafe")
	pagesW := a.pagesToken("Sito", modulario.ScopeWrite)
	revoked, tok := a.token("Revocato", modulario.ScopeWrite, "tributi", "anagrafe")
	if err := a.Tokens.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	sub := "/api/v1/submissions/" + strconv.FormatUint(a.Tributi.ID, 10)
	type op struct{ name, method, path, body string }
	ops := func(who string) []op {
		return []op{
			{"read form", "GET", "/api/v1/forms/segnalazione", ""},
			{"save draft", "PUT", "/api/v1/forms/segnalazione/draft", apiDef("segnalazione", "Segnalazione 2", "tributi")},
			{"create for anagrafe", "PUT", "/api/v1/forms/nuovo-" + who + "/draft", apiDef("", "Nuovo", "anagrafe")},
			{"read request", "GET", sub, ""},
			{"add note", "POST", sub + "/notes", `{"text":"Verificato."}`},
			{"list pages", "GET", "/api/v1/pages", ""},
			{"save page", "PUT", "/api/v1/pages/pagina-" + who, `{"title":"Pagina"}`},
		}
	}
	for _, row := range []struct {
		who, secret string
		want        []int // in the order of ops
	}{
		{"read", readT, []int{200, 403, 403, 200, 403, 403, 403}},
		{"write", writeT, []int{200, 200, 403, 200, 201, 403, 403}},
		{"anagrafe", writeA, []int{404, 404, 201, 404, 404, 403, 403}},
		{"pages", pagesW, []int{200, 200, 403, 200, 201, 200, 201}},
		{"revoked", revoked, []int{401, 401, 401, 401, 401, 401, 401}},
	} {
		for i, o := range ops(row.who) {
			res, body := a.callWith(o.method, o.path, row.secret, o.body, map[string]string{"Content-Type": jsonType})
			if res.StatusCode != row.want[i] {
				t.Errorf("%s token, %s: %d, want %d: %s", row.who, o.name, res.StatusCode, row.want[i], body)
			} else if res.StatusCode >= 400 {
				wantAPIProblem(t, row.who+" "+o.name, res, body, row.want[i])
			}
		}
	}
}
