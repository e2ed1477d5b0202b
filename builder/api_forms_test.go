package builder_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// callWith sends an API request with extra headers.
func (a *apiEnv) callWith(method, path, secret, body string, headers map[string]string) (*http.Response, string) {
	a.t.Helper()
	req, err := http.NewRequest(method, a.http.URL+path, strings.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// saveForm stores def as the draft of a form (published when publish is
// set) straight through the store.
func (a *apiEnv) saveForm(slug, office, def string, publish bool) {
	a.t.Helper()
	ctx := context.Background()
	if _, _, err := a.Forms.SaveDraft(ctx, modulario.Form{Slug: slug, Title: slug, Office: office}, json.RawMessage(def)); err != nil {
		a.t.Fatal(err)
	}
	if publish {
		if _, err := a.Forms.PublishDraft(ctx, slug); err != nil {
			a.t.Fatal(err)
		}
	}
}

// apiDef is a valid definition of office with one text field (none when
// empty is set); slug is left out when "".
func apiDef(slug, title, office string) string {
	s := ""
	if slug != "" {
		s = `"slug":"` + slug + `",`
	}
	return `{` + s + `"title":"` + title + `","office":"` + office + `","privacy":"Informativa.",` +
		`"schema":{"type":"object","properties":{"testo":{"title":"Testo","type":"string"}}}}`
}

// apiFormDoc is a form as the API shows it.
type apiFormDoc struct {
	Slug, Title, Office, Status string
	Published, Draft            int
	Links                       struct {
		Self, Versions, Definition string
		Service                    *string
	}
}

func decodeForm(t *testing.T, body string) apiFormDoc {
	t.Helper()
	var f apiFormDoc
	if err := json.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("form document %s: %v", body, err)
	}
	return f
}

const jsonType = "application/json"

func TestAPIFormsListAndRead(t *testing.T) {
	a := newAPIEnv(t)
	a.saveForm("residenza", "anagrafe", apiDef("residenza", "Residenza", "anagrafe"), true)
	for _, s := range []string{"bozza-a", "bozza-b", "bozza-c"} {
		a.saveForm(s, "tributi", apiDef(s, "Bozza "+s, "tributi"), false)
	}
	secret, _ := a.token("Protocollo", modulario.ScopeRead, "tributi")

	// Every form of tributi, two at a time, in order, none twice.
	var slugs []string
	cursor := ""
	for pages := 0; ; pages++ {
		res, body := a.call("GET", "/api/v1/forms?limit=2&cursor="+cursor, secret, "", "")
		var list struct {
			Items      []apiFormDoc `json:"items"`
			NextCursor *string      `json:"next_cursor"`
		}
		if res.StatusCode != 200 || json.Unmarshal([]byte(body), &list) != nil || list.NextCursor == nil || len(list.Items) > 2 || pages > 3 {
			t.Fatalf("list page %d: %d %s", pages, res.StatusCode, body)
		}
		for _, f := range list.Items {
			slugs = append(slugs, f.Slug)
		}
		if cursor = *list.NextCursor; cursor == "" {
			break
		}
	}
	if got := strings.Join(slugs, ","); got != "segnalazione,bozza-a,bozza-b,bozza-c" {
		t.Errorf("paginated forms = %s", got)
	}
	res, body := a.call("GET", "/api/v1/forms?status=published", secret, "", "")
	if res.StatusCode != 200 || strings.Count(body, `"slug"`) != 1 || !strings.Contains(body, `"service":"http://example.test/servizi/segnalazione"`) {
		t.Errorf("published forms: %d %s", res.StatusCode, body)
	}
	res, body = a.call("GET", "/api/v1/forms?status=draft", secret, "", "")
	if strings.Count(body, `"slug"`) != 3 || !strings.Contains(body, `"service":null`) || strings.Contains(body, "segnalazione") {
		t.Errorf("draft forms: %d %s", res.StatusCode, body)
	}

	res, body = a.call("GET", "/api/v1/forms/segnalazione", secret, "", "")
	f := decodeForm(t, body)
	v, _ := a.Forms.FindVersion(context.Background(), "segnalazione", 1)
	if res.StatusCode != 200 || f.Status != "published" || f.Published != 1 || f.Links.Definition != "/api/v1/forms/segnalazione/definition" ||
		res.Header.Get("ETag") != `"`+v.Hash+`"` {
		t.Fatalf("get form: %d %v %s", res.StatusCode, res.Header, body)
	}
	res, body = a.call("GET", "/api/v1/forms/segnalazione/definition?version=published", secret, "", "")
	if res.StatusCode != 200 || body != string(v.Definition) || res.Header.Get("ETag") != `"`+v.Hash+`"` ||
		res.Header.Get("Content-Type") != jsonType {
		t.Errorf("export: %d %q %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	res, body = a.call("GET", "/api/v1/forms/segnalazione/versions", secret, "", "")
	if res.StatusCode != 200 || !strings.Contains(body, `"state":"live"`) || !strings.Contains(body, `"hash":"`+v.Hash+`"`) {
		t.Errorf("versions: %d %s", res.StatusCode, body)
	}

	// A form of another office is indistinguishable from a missing one.
	_, missing := a.call("GET", "/api/v1/forms/nessuno", secret, "", "")
	for _, path := range []string{"/api/v1/forms/residenza", "/api/v1/forms/residenza/versions", "/api/v1/forms/residenza/definition"} {
		res, body = a.call("GET", path, secret, "", "")
		wantAPIProblem(t, path, res, body, 404)
		if body != missing {
			t.Errorf("%s: %s, want the same answer as a missing form: %s", path, body, missing)
		}
	}
	for q, want := range map[string]int{"version=draft": 404, "version=9": 404, "version=abc": 400, "versione=1": 400} {
		res, body = a.call("GET", "/api/v1/forms/segnalazione/definition?"+q, secret, "", "")
		wantAPIProblem(t, q, res, body, want)
	}
	res, body = a.call("GET", "/api/v1/forms?cursor=rotto&limit=500&colour=red", secret, "", "")
	if p := wantAPIProblem(t, "bad list parameters", res, body, 400); len(p.Errors) != 2 || p.Errors[0].Parameter != "colour" || p.Errors[1].Parameter != "limit" {
		t.Errorf("bad parameters: %s", body)
	}
	res, body = a.call("GET", "/api/v1/forms?cursor=rotto", secret, "", "")
	if p := wantAPIProblem(t, "bad cursor", res, body, 400); len(p.Errors) != 1 || p.Errors[0].Parameter != "cursor" {
		t.Errorf("bad cursor: %s", body)
	}
}

func TestAPIFormDraftAndPublish(t *testing.T) {
	a := newAPIEnv(t)
	ctx := context.Background()
	a.saveForm("residenza", "anagrafe", apiDef("residenza", "Residenza", "anagrafe"), true)
	secret, _ := a.token("Protocollo", modulario.ScopeWrite, "tributi")
	readSecret, _ := a.token("Lettore", modulario.ScopeRead, "tributi")
	put := func(slug, secret, body string, headers map[string]string) (*http.Response, string) {
		h := map[string]string{"Content-Type": jsonType}
		for k, v := range headers {
			h[k] = v
		}
		return a.callWith("PUT", "/api/v1/forms/"+slug+"/draft", secret, body, h)
	}

	// Create without a slug in the body: the URL's is set.
	res, body := put("tari", secret, apiDef("", "TARI", "tributi"), nil)
	f := decodeForm(t, body)
	if res.StatusCode != 201 || res.Header.Get("Location") != "/api/v1/forms/tari" || f.Status != "draft" || f.Draft != 1 || f.Office != "tributi" {
		t.Fatalf("create: %d %v %s", res.StatusCode, res.Header, body)
	}
	created := res.Header.Get("ETag")
	_, def := a.call("GET", "/api/v1/forms/tari/definition", secret, "", "")
	if !strings.HasPrefix(def, `{"slug":"tari","title":"TARI"`) {
		t.Errorf("stored definition %s", def)
	}
	if entries, _ := a.Audit.ListAudit(ctx, modulario.AuditFilter{Target: "form:tari"}); len(entries) != 1 ||
		entries[0].Action != "form.create" || entries[0].Actor != "api:Protocollo" {
		t.Errorf("create audit: %+v", entries)
	}
	if v, _ := a.Forms.FindVersion(ctx, "tari", 1); v == nil || v.Author != "api:Protocollo" {
		t.Errorf("draft author: %+v", v)
	}

	// Conditional updates.
	res, body = put("tari", secret, apiDef("tari", "TARI 2026", "tributi"), map[string]string{"If-Match": `"stale"`})
	wantAPIProblem(t, "stale If-Match", res, body, 412)
	res, body = put("tari", secret, apiDef("tari", "TARI 2026", "tributi"), map[string]string{"If-None-Match": "*"})
	wantAPIProblem(t, "If-None-Match on an existing form", res, body, 412)
	res, body = put("tari", secret, apiDef("tari", "TARI 2026", "tributi"), map[string]string{"If-Match": created})
	if f = decodeForm(t, body); res.StatusCode != 200 || f.Title != "TARI 2026" || res.Header.Get("ETag") == created {
		t.Fatalf("update: %d %v %s", res.StatusCode, res.Header, body)
	}
	res, body = put("nuova", secret, apiDef("", "Nuova", "tributi"), map[string]string{"If-Match": "*"})
	wantAPIProblem(t, "If-Match on a missing form", res, body, 412)

	// Refusals.
	res, body = put("tari", secret, apiDef("altro", "TARI", "tributi"), nil)
	if p := wantAPIProblem(t, "slug mismatch", res, body, 422); len(p.Errors) != 1 || p.Errors[0].Pointer != "/slug" {
		t.Errorf("slug mismatch: %s", body)
	}
	res, body = put("tari", secret, `{"title":"TARI","office":"tributi","schema":{"type":"object","properties":{"x":{"type":"strano"}}}}`, nil)
	p := wantAPIProblem(t, "invalid definition", res, body, 422)
	if len(p.Errors) == 0 {
		t.Errorf("invalid definition without errors: %s", body)
	}
	for _, e := range p.Errors {
		if !strings.HasPrefix(e.Pointer, "/") || e.Message == "" {
			t.Errorf("error without a pointer: %+v", e)
		}
	}
	res, body = put("tari", secret, apiDef("tari", "TARI", ""), nil)
	if p := wantAPIProblem(t, "no office", res, body, 422); len(p.Errors) != 1 || p.Errors[0].Pointer != "/office" {
		t.Errorf("no office: %s", body)
	}
	res, body = put("tari", secret, apiDef("tari", "TARI", "anagrafe"), nil)
	wantAPIProblem(t, "definition naming another office", res, body, 403)
	res, body = put("residenza", secret, apiDef("residenza", "Residenza", "tributi"), nil)
	wantAPIProblem(t, "form of another office", res, body, 404)
	res, body = put("tari", readSecret, apiDef("tari", "TARI", "tributi"), nil)
	wantAPIProblem(t, "read-only token", res, body, 403)
	res, body = put("Non Valido", secret, apiDef("", "X", "tributi"), nil)
	if p := wantAPIProblem(t, "bad slug", res, body, 422); len(p.Errors) != 1 || p.Errors[0].Pointer != "/slug" {
		t.Errorf("bad slug: %s", body)
	}
	if _, err := a.Forms.FindForm(ctx, "residenza"); err != nil {
		t.Fatal(err)
	}
	if v, _ := a.Forms.FindVersion(ctx, "tari", 1); v == nil || !strings.Contains(string(v.Definition), "TARI 2026") {
		t.Errorf("a refused save changed the draft: %+v", v)
	}

	// Publishing.
	res, body = a.callWith("POST", "/api/v1/forms/tari/publish", secret, "", map[string]string{"If-Match": created})
	wantAPIProblem(t, "publish with a stale If-Match", res, body, 412)
	res, body = a.call("POST", "/api/v1/forms/tari/publish", secret, "", "")
	if f = decodeForm(t, body); res.StatusCode != 200 || f.Status != "published" || f.Published != 1 || f.Draft != 0 {
		t.Fatalf("publish: %d %s", res.StatusCode, body)
	}
	if entries, _ := a.Audit.ListAudit(ctx, modulario.AuditFilter{Target: "form:tari"}); len(entries) == 0 ||
		entries[0].Action != "form.publish" || entries[0].Actor != "api:Protocollo" {
		t.Errorf("publish audit: %+v", entries)
	}
	res, body = a.call("POST", "/api/v1/forms/tari/publish", secret, "", "")
	wantAPIProblem(t, "nothing to publish", res, body, 409)
	empty := `{"title":"Vuoto","office":"tributi","privacy":"Informativa.","schema":{"type":"object","properties":{}}}`
	if res, body = put("vuoto", secret, empty, nil); res.StatusCode != 201 {
		t.Fatalf("empty form: %d %s", res.StatusCode, body)
	}
	res, body = a.call("POST", "/api/v1/forms/vuoto/publish", secret, "", "")
	if p := wantAPIProblem(t, "publish problems", res, body, 422); len(p.Errors) == 0 || p.Errors[0].Message == "" {
		t.Errorf("publish problems: %s", body)
	}
	res, body = a.call("POST", "/api/v1/forms/residenza/publish", secret, "", "")
	wantAPIProblem(t, "publish a form of another office", res, body, 404)
}
