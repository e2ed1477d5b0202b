package builder_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
)

// editorEnv is a builder with one office ("acquedotto") and a signed-in
// editor.
func editorEnv(t *testing.T) (*env, *client) {
	t.Helper()
	e := newEnv(t)
	for _, o := range []*modulario.Office{{Slug: "acquedotto", Name: "Acquedotto"}, {Slug: "urp", Name: "URP"}} {
		if err := e.Offices.SaveOffice(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	e.addUser(modulario.RoleEditor, "redattore@comune.example")
	return e, e.login("redattore@comune.example")
}

// wantStatus fails unless res has status want.
func wantStatus(t *testing.T, what string, res *http.Response, body string, want int) {
	t.Helper()
	if res.StatusCode != want {
		if len(body) > 3000 {
			body = body[:3000]
		}
		t.Fatalf("%s: status %d, want %d\n%s", what, res.StatusCode, want, body)
	}
}

// wantContains fails unless body holds every one of subs.
func wantContains(t *testing.T, what, body string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(body, s) {
			t.Errorf("%s: %q missing", what, s)
		}
	}
}

// createForm creates a blank form through the UI and returns its slug.
func createForm(t *testing.T, c *client, title string) string {
	t.Helper()
	res, body := c.post("/admin/moduli/nuovo", url.Values{"title": {title}})
	wantStatus(t, "create "+title, res, body, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	slug := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/admin/moduli/")
	if slug == "" || strings.Contains(slug, "/") {
		t.Fatalf("create redirected to %q", loc)
	}
	return slug
}

// addField adds a field through the palette and returns its path.
func addField(t *testing.T, c *client, slug string, step int, typ formedit.FieldType, label string) string {
	t.Helper()
	res, body := c.post("/admin/moduli/"+slug+"/campi", url.Values{"step": {strconv.Itoa(step)}, "type": {string(typ)}, "label": {label}})
	wantStatus(t, "add "+string(typ), res, body, http.StatusSeeOther)
	loc := strings.SplitN(res.Header.Get("Location"), "?", 2)[0]
	prefix := "/admin/moduli/" + slug + "/campi/"
	if !strings.HasPrefix(loc, prefix) {
		t.Fatalf("add %s redirected to %q", typ, loc)
	}
	return strings.TrimPrefix(loc, prefix)
}

// draftDoc returns the document of a form's draft (or live) version.
func draftDoc(t *testing.T, e *env, slug string) *formedit.Doc {
	t.Helper()
	ctx := context.Background()
	f, err := e.Forms.FindForm(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	n := f.Draft
	if n == 0 {
		n = f.Published
	}
	v, err := e.Forms.FindVersion(ctx, slug, n)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := formedit.Parse(v.Definition)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// fieldByPath finds a field of the document's view.
func fieldByPath(doc *formedit.Doc, path string) (formedit.FieldView, int, bool) {
	for si, st := range doc.View().Steps {
		for _, f := range st.Fields {
			if f.Path == path {
				return f, si, true
			}
		}
	}
	return formedit.FieldView{}, -1, false
}

// auditActions lists the audited actions on a form, newest first.
func auditActions(t *testing.T, e *env, slug string) []string {
	t.Helper()
	entries, err := e.Audit.ListAudit(context.Background(), modulario.AuditFilter{Target: "form:" + slug, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range entries {
		out = append(out, a.Action)
	}
	return out
}
