package builder_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// pagesToken creates a token with the Pages permission.
func (a *apiEnv) pagesToken(name string, scope modulario.TokenScope) string {
	a.t.Helper()
	secret, err := a.Tokens.CreateToken(context.Background(), &modulario.APIToken{Name: name, Offices: []string{"tributi"}, Scope: scope, Pages: true})
	if err != nil {
		a.t.Fatal(err)
	}
	return secret
}

func TestAPIPages(t *testing.T) {
	a := newAPIEnv(t)
	ctx := context.Background()
	secret := a.pagesToken("Sito", modulario.ScopeWrite)
	reader := a.pagesToken("Lettore sito", modulario.ScopeRead)
	noPages, _ := a.token("Protocollo", modulario.ScopeWrite, "tributi")
	put := func(slug, secret, ctype, body string) (int, string) {
		res, b := a.call("PUT", "/api/v1/pages/"+slug, secret, ctype, body)
		return res.StatusCode, b
	}

	page := `{"title":"Chi siamo","description":"L'ufficio relazioni con il pubblico.","category":"Comune","menu_order":2,"published":true,"body":"# Chi siamo\r\n\r\nTesto."}`
	status, body := put("chi-siamo", secret, jsonType, page)
	var got struct {
		Slug, Title, Body string
		MenuOrder         int     `json:"menu_order"`
		UpdatedBy         *string `json:"updated_by"`
		Links             struct{ Self, Public *string }
	}
	if err := json.Unmarshal([]byte(body), &got); status != 201 || err != nil || got.Body != "# Chi siamo\n\nTesto." ||
		got.MenuOrder != 2 || got.UpdatedBy == nil || *got.UpdatedBy != "api:Sito" || got.Links.Public == nil ||
		*got.Links.Public != "http://example.test/pagine/chi-siamo" {
		t.Fatalf("create: %d %s", status, body)
	}
	if entries, _ := a.Audit.ListAudit(ctx, modulario.AuditFilter{Target: "page:chi-siamo"}); len(entries) != 1 ||
		entries[0].Action != "page.save" || entries[0].Actor != "api:Sito" {
		t.Errorf("audit: %+v", entries)
	}

	res, md := a.callWith("GET", "/api/v1/pages/chi-siamo", reader, "", map[string]string{"Accept": "text/markdown, application/json;q=0.5"})
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/markdown") ||
		!strings.HasPrefix(md, "---\ntitle: \"Chi siamo\"\nslug: \"chi-siamo\"\n") || !strings.HasSuffix(md, "---\n# Chi siamo\n\nTesto.") {
		t.Fatalf("markdown: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), md)
	}
	// The file comes back as an update.
	status, body = put("chi-siamo", secret, "text/markdown; charset=utf-8", strings.Replace(md, "Testo.", "Nuovo testo.", 1))
	if status != 200 || !strings.Contains(body, `"body":"# Chi siamo\n\nNuovo testo."`) {
		t.Fatalf("markdown update: %d %s", status, body)
	}
	res, body = a.call("GET", "/api/v1/pages/chi-siamo", reader, "", "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" || !strings.Contains(body, "Nuovo testo.") {
		t.Errorf("get: %d %s", res.StatusCode, body)
	}

	for _, slug := range []string{"contatti", "orari"} {
		if status, body = put(slug, secret, jsonType, `{"title":"`+slug+`","menu_order":1}`); status != 201 {
			t.Fatalf("%s: %d %s", slug, status, body)
		}
	}
	var slugs []string
	for cursor, n := "", 0; n < 5; n++ {
		res, body = a.call("GET", "/api/v1/pages?limit=2&cursor="+cursor, reader, "", "")
		var list struct {
			Items []struct {
				Slug string
				Body *string
			}
			NextCursor string `json:"next_cursor"`
		}
		if res.StatusCode != 200 || json.Unmarshal([]byte(body), &list) != nil {
			t.Fatalf("list: %d %s", res.StatusCode, body)
		}
		for _, p := range list.Items {
			slugs = append(slugs, p.Slug)
			if p.Body != nil {
				t.Errorf("the list carries bodies: %s", body)
			}
		}
		if cursor = list.NextCursor; cursor == "" {
			break
		}
	}
	if strings.Join(slugs, ",") != "contatti,orari,chi-siamo" {
		t.Errorf("pages in order: %v", slugs)
	}

	// Refusals.
	bad := `{"title":"","description":"` + strings.Repeat("x", 301) + `","body":"x"}`
	status, body = put("chi-siamo", secret, jsonType, bad)
	var p apiProblemDoc
	_ = json.Unmarshal([]byte(body), &p)
	var ptrs []string
	for _, e := range p.Errors {
		ptrs = append(ptrs, e.Pointer)
	}
	if status != 422 || strings.Join(ptrs, ",") != "/title,/description" {
		t.Errorf("invalid page: %d %s", status, body)
	}
	if status, body = put("chi-siamo", secret, jsonType, `{"title":"X","colore":"blu"}`); status != 400 {
		t.Errorf("unknown field: %d %s", status, body)
	}
	if status, body = put("chi-siamo", secret, jsonType, `{"title":"X","slug":"altro"}`); status != 422 || !strings.Contains(body, `"pointer":"/slug"`) {
		t.Errorf("slug mismatch: %d %s", status, body)
	}
	if status, body = put("chi-siamo", secret, "text/markdown", "senza front matter"); status != 422 {
		t.Errorf("bad page file: %d %s", status, body)
	}
	if status, body = put("chi-siamo", reader, jsonType, page); status != 403 {
		t.Errorf("read-only token writing: %d %s", status, body)
	}
	res, body = a.call("GET", "/api/v1/pages", noPages, "", "")
	wantAPIProblem(t, "token without pages", res, body, 403)

	res, body = a.call("DELETE", "/api/v1/pages/orari", reader, "", "")
	wantAPIProblem(t, "read-only delete", res, body, 403)
	res, body = a.call("DELETE", "/api/v1/pages/orari", secret, "", "")
	if res.StatusCode != 204 || body != "" {
		t.Fatalf("delete: %d %s", res.StatusCode, body)
	}
	res, body = a.call("GET", "/api/v1/pages/orari", secret, "", "")
	wantAPIProblem(t, "deleted page", res, body, 404)
	res, body = a.call("DELETE", "/api/v1/pages/orari", secret, "", "")
	wantAPIProblem(t, "delete again", res, body, 404)
}
