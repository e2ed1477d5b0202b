package builder_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
	"github.com/modulario/modulario/storage"
)

var previewRE = regexp.MustCompile(`<iframe src="/anteprima/([^"]+)"`)

func TestFormPublishKeepsOldSubmissionsOnTheirVersion(t *testing.T) {
	e, c := editorEnv(t)
	ctx := context.Background()
	slug := createForm(t, c, "Autolettura contatore")
	lettura := addField(t, c, slug, 0, formedit.TypeNumber, "Lettura")

	// No office chosen yet: publishing is refused with a clear list.
	res, body := c.post("/admin/moduli/"+slug+"/pubblica", nil)
	wantStatus(t, "publish without office", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "publish without office", body, "ufficio che riceve le richieste")
	if f, _ := e.Forms.FindForm(ctx, slug); f.Published != 0 {
		t.Fatalf("published %d after a refused publish", f.Published)
	}

	res, body = c.post("/admin/moduli/"+slug+"/impostazioni", url.Values{"title": {"Autolettura contatore"},
		"summary": {"Invia la lettura"}, "category": {"Acqua"}, "office": {"acquedotto"}, "privacy": {"Informativa."}})
	wantStatus(t, "settings", res, body, http.StatusSeeOther)
	res, body = c.get("/admin/moduli/" + slug + "/pubblica")
	wantStatus(t, "publish page", res, body, http.StatusOK)
	wantContains(t, "publish page", body, "Pubblica ora")

	// The preview shows the draft version, signed for the renderer.
	_, body = c.get("/admin/moduli/" + slug)
	m := previewRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no preview iframe")
	}
	ps, pv, err := modulario.VerifyPreview([]byte("preview-key"), html.UnescapeString(m[1]), e.clock.Now())
	if err != nil || ps != slug || pv != 1 {
		t.Errorf("preview token: %s %d %v", ps, pv, err)
	}

	res, body = c.post("/admin/moduli/"+slug+"/pubblica", nil)
	wantStatus(t, "publish", res, body, http.StatusSeeOther)
	f, _ := e.Forms.FindForm(ctx, slug)
	if f.Published != 1 || f.Draft != 0 || f.Office != "acquedotto" {
		t.Fatalf("after publish: %+v", f)
	}

	subs := storage.NewSubmissionService(e.db)
	sub := &modulario.Submission{FormSlug: slug, Version: f.Published, Office: f.Office, Channel: modulario.ChannelWeb,
		Data: []byte(`{"lettura": 1234}`)}
	if err := subs.CreateSubmission(ctx, sub, ""); err != nil {
		t.Fatal(err)
	}

	// Edit the published form: the live version is untouched until Pubblica.
	res, body = c.post("/admin/moduli/"+slug+"/campi/"+lettura, url.Values{"label": {"Lettura del contatore (m³)"}, "minimum": {"0"}})
	wantStatus(t, "edit", res, body, http.StatusSeeOther)
	f, _ = e.Forms.FindForm(ctx, slug)
	if f.Status() != modulario.FormPublishedWithDraft || f.Published != 1 {
		t.Fatalf("after edit: %+v", f)
	}
	_, body = c.get("/admin/moduli")
	wantContains(t, "list", body, "pubblicato con modifiche in bozza")
	_, body = c.get("/admin/moduli/" + slug + "/pubblica")
	wantContains(t, "publish page with changes", body, "Lettura del contatore")
	res, body = c.post("/admin/moduli/"+slug+"/pubblica", nil)
	wantStatus(t, "publish v2", res, body, http.StatusSeeOther)
	f, _ = e.Forms.FindForm(ctx, slug)
	if f.Published != 2 {
		t.Fatalf("after second publish: %+v", f)
	}

	got, err := subs.FindSubmission(ctx, sub.ID)
	if err != nil || got.Version != 1 {
		t.Fatalf("old submission: version %d, %v", got.Version, err)
	}
	v1, err := e.Forms.FindVersion(ctx, slug, 1)
	if err != nil || !strings.Contains(string(v1.Definition), `"Lettura"`) || strings.Contains(string(v1.Definition), "contatore (m³)") {
		t.Fatalf("version 1 changed: %v %s", err, v1.Definition)
	}
	if got := auditActions(t, e, slug); !slices.Contains(got, "form.publish") {
		t.Errorf("audit %v lacks form.publish", got)
	}
}

func TestFormVersionsDiffAndRestore(t *testing.T) {
	e, c := editorEnv(t)
	ctx := context.Background()
	slug := createForm(t, c, "Richiesta contributo")
	nome := addField(t, c, slug, 0, formedit.TypeShortText, "Nome")
	c.post("/admin/moduli/"+slug+"/impostazioni", url.Values{"title": {"Richiesta contributo"}, "office": {"urp"}, "privacy": {"Informativa."}})
	if res, body := c.post("/admin/moduli/"+slug+"/pubblica", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", res.StatusCode, body)
	}
	e.clock.Advance(time.Hour)
	c.post("/admin/moduli/"+slug+"/campi/"+nome, url.Values{"label": {"Nome e cognome"}})

	res, body := c.get("/admin/moduli/" + slug + "/versioni")
	wantStatus(t, "versions", res, body, http.StatusOK)
	wantContains(t, "versions", body, "pubblicata, in uso", "bozza", "Utente editor", "Ripristina come bozza", `name="da"`)

	res, body = c.get("/admin/moduli/" + slug + "/versioni/confronta?da=1&a=2")
	wantStatus(t, "diff", res, body, http.StatusOK)
	wantContains(t, "diff", body, "Nome e cognome")
	res, body = c.get("/admin/moduli/" + slug + "/versioni/confronta?da=1&a=99")
	wantStatus(t, "diff missing", res, body, http.StatusNotFound)

	res, body = c.get("/admin/moduli/" + slug + "/versioni/1")
	wantStatus(t, "version json", res, body, http.StatusOK)
	wantContains(t, "version json", body, "&#34;Nome&#34;")

	// Restoring the live version drops the draft: nothing left to publish.
	res, body = c.post("/admin/moduli/"+slug+"/versioni/1/ripristina", nil)
	wantStatus(t, "restore", res, body, http.StatusSeeOther)
	f, _ := e.Forms.FindForm(ctx, slug)
	if f.Draft != 0 || f.Published != 1 {
		t.Fatalf("after restoring the live version: %+v", f)
	}
	if f, _, _ := fieldByPath(draftDoc(t, e, slug), nome); f.Label != "Nome" {
		t.Errorf("label after restore %q", f.Label)
	}

	// Discard: edit again, then throw the draft away.
	c.post("/admin/moduli/"+slug+"/campi/"+nome, url.Values{"label": {"Nominativo"}})
	res, body = c.get("/admin/moduli/" + slug + "/scarta")
	wantStatus(t, "discard page", res, body, http.StatusOK)
	res, body = c.post("/admin/moduli/"+slug+"/scarta", nil)
	wantStatus(t, "discard", res, body, http.StatusSeeOther)
	if f, _ := e.Forms.FindForm(ctx, slug); f.Draft != 0 {
		t.Errorf("draft %d after discard", f.Draft)
	}

	// Archive and back; a published form cannot be deleted.
	res, body = c.post("/admin/moduli/"+slug+"/archivia", url.Values{"archiviato": {"1"}})
	wantStatus(t, "archive", res, body, http.StatusSeeOther)
	if f, _ := e.Forms.FindForm(ctx, slug); !f.Archived {
		t.Error("not archived")
	}
	_, body = c.get("/admin/moduli?q=contributo")
	wantContains(t, "list archived", body, "archiviato")
	res, body = c.post("/admin/moduli/"+slug+"/elimina", nil)
	wantStatus(t, "delete published", res, body, http.StatusConflict)
	actions := auditActions(t, e, slug)
	for _, a := range []string{"form.restore", "form.discard", "form.archive"} {
		if !slices.Contains(actions, a) {
			t.Errorf("audit %v lacks %s", actions, a)
		}
	}

	// A never-published form can be deleted after the confirmation page.
	other := createForm(t, c, "Da buttare")
	res, body = c.post("/admin/moduli/"+other+"/elimina", nil)
	wantStatus(t, "delete", res, body, http.StatusSeeOther)
	if _, err := e.Forms.FindForm(ctx, other); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Errorf("deleted form still there: %v", err)
	}
}

func TestFormListSearchAndFilter(t *testing.T) {
	_, c := editorEnv(t)
	createForm(t, c, "Rinnovo carta d'identità")
	slug := createForm(t, c, "Autolettura acqua")
	c.post("/admin/moduli/"+slug+"/impostazioni", url.Values{"title": {"Autolettura acqua"}, "category": {"Acqua"}, "privacy": {"Informativa."}})
	_, body := c.get("/admin/moduli?q=autolettura")
	wantContains(t, "search", body, "Autolettura acqua")
	if strings.Contains(body, "Rinnovo carta") {
		t.Error("search shows a form that does not match")
	}
	_, body = c.get("/admin/moduli?categoria=Acqua")
	wantContains(t, "filter", body, "Autolettura acqua", `<option value="Acqua" selected>`)
	if strings.Contains(body, "Rinnovo carta") {
		t.Error("category filter shows a form of another category")
	}
}
