package builder_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// backoffice is a builder with two offices, a published form for each,
// an operator of each office, a second operator of acquedotto, an editor
// and an admin.
type backoffice struct {
	*env
	opA, opA2, opB, editor, admin *modulario.User
}

func newBackoffice(t *testing.T) *backoffice {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	for _, o := range []*modulario.Office{{Slug: "acquedotto", Name: "Acquedotto"}, {Slug: "urp", Name: "URP"}} {
		if err := e.Offices.SaveOffice(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	publishForm(t, e, "perdite", "Segnalazione perdite", "acquedotto")
	publishForm(t, e, "informazioni", "Richiesta di informazioni", "urp")
	b := &backoffice{env: e}
	b.opA = e.addUser(modulario.RoleOperator, "anna@comune.example", "acquedotto")
	b.opA2 = e.addUser(modulario.RoleOperator, "aldo@comune.example", "acquedotto")
	b.opB = e.addUser(modulario.RoleOperator, "bruno@comune.example", "urp")
	b.editor = e.addUser(modulario.RoleEditor, "redattore@comune.example")
	b.admin = e.addUser(modulario.RoleAdmin, "admin@comune.example")
	for _, u := range []*modulario.User{b.opA, b.opA2, b.opB} {
		u.Name = strings.Split(u.Email, "@")[0]
		if err := e.Users.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// publishForm stores and publishes a form with a short text "oggetto"
// (the subject), an e-mail and a file field.
func publishForm(t *testing.T, e *env, slug, title, office string) {
	t.Helper()
	def, err := json.Marshal(map[string]any{
		"slug": slug, "title": title, "office": office, "privacy": "Informativa.", "deadline_days": 30,
		"schema": map[string]any{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
			"properties": map[string]any{
				"email":   map[string]any{"type": "string", "format": "email", "title": "E-mail"},
				"oggetto": map[string]any{"type": "string", "title": "Oggetto"},
				"foto":    map[string]any{"type": "string", "title": "Foto", "contentMediaType": "image/jpeg"},
			}},
		"ui": map[string]any{"steps": []any{map[string]any{"title": "Il problema", "fields": []string{"email", "oggetto", "foto"}}},
			"fields": map[string]any{"foto": map[string]any{"widget": "file"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, _, err := e.Forms.SaveDraft(ctx, modulario.Form{Slug: slug, Title: title, Office: office}, def); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Forms.PublishDraft(ctx, slug); err != nil {
		t.Fatal(err)
	}
}

// addRequest stores a request of form slug in office with the subject,
// and the given attachments.
func (b *backoffice) addRequest(slug, office, subject string, atts ...modulario.Attachment) *modulario.Submission {
	b.t.Helper()
	data := map[string]any{"email": "mario.rossi@example.org", "oggetto": subject}
	if len(atts) > 0 {
		data["foto"] = atts[0].ID
	}
	raw, _ := json.Marshal(data)
	due := b.clock.Now().AddDate(0, 0, 30)
	sub := &modulario.Submission{FormSlug: slug, Version: 1, Office: office, Data: raw, Attachments: atts, DueAt: &due}
	if err := b.Submissions.CreateSubmission(context.Background(), sub, ""); err != nil {
		b.t.Fatal(err)
	}
	return sub
}

// find reloads a request.
func (b *backoffice) find(id uint64) *modulario.Submission {
	b.t.Helper()
	sub, err := b.Submissions.FindSubmission(context.Background(), id)
	if err != nil {
		b.t.Fatal(err)
	}
	return sub
}

func reqPath(sub *modulario.Submission) string {
	return "/admin/richieste/" + strconv.FormatUint(sub.ID, 10)
}

func TestInboxListsOnlyTheUsersOffices(t *testing.T) {
	b := newBackoffice(t)
	subA := b.addRequest("perdite", "acquedotto", "Perdita in via Roma")
	subB := b.addRequest("informazioni", "urp", "Orari della biblioteca")

	res, body := b.login("anna@comune.example").get("/admin/richieste")
	wantStatus(t, "operator A inbox", res, body, http.StatusOK)
	wantContains(t, "operator A inbox", body, subA.Number, "Perdita in via Roma", "Segnalazione perdite",
		"Acquedotto", "Ricevuta", `<caption>`, `scope="col"`)
	if strings.Contains(body, subB.Number) || strings.Contains(body, "Orari della biblioteca") {
		t.Error("operator A sees a request of another office")
	}
	if strings.Contains(body, "mario.rossi@example.org") {
		t.Error("the subject shows an e-mail address instead of the short text")
	}
	// Asking for another office's requests falls back to one's own.
	_, body = b.login("anna@comune.example").get("/admin/richieste?ufficio=urp")
	if strings.Contains(body, subB.Number) {
		t.Error("operator A lists URP requests with ?ufficio=urp")
	}

	_, body = b.login("bruno@comune.example").get("/admin/richieste")
	wantContains(t, "operator B inbox", body, subB.Number)
	if strings.Contains(body, subA.Number) {
		t.Error("operator B sees a request of acquedotto")
	}

	_, body = b.login("admin@comune.example").get("/admin/richieste")
	wantContains(t, "admin inbox", body, subA.Number, subB.Number)

	res, body = b.login("redattore@comune.example").get("/admin/richieste")
	wantStatus(t, "editor inbox", res, body, http.StatusForbidden)
}

func TestInboxFilters(t *testing.T) {
	b := newBackoffice(t)
	r1 := b.addRequest("perdite", "acquedotto", "Perdita in via Roma")
	r2 := b.addRequest("perdite", "acquedotto", "Tombino rotto in piazza Garibaldi")
	if _, err := b.Workflow.Apply(context.Background(), r2.ID, modulario.Change{Status: modulario.StatusInCharge}); err != nil {
		t.Fatal(err)
	}
	c := b.login("admin@comune.example")

	_, body := c.get("/admin/richieste?stato=in_charge")
	wantContains(t, "status filter", body, r2.Number, `value="in_charge" checked`)
	if strings.Contains(body, r1.Number) {
		t.Error("status filter lists a received request")
	}
	_, body = c.get("/admin/richieste?modulo=informazioni")
	if strings.Contains(body, r1.Number) || strings.Contains(body, r2.Number) {
		t.Error("form filter lists requests of another form")
	}
	wantContains(t, "empty filtered", body, "Nessuna richiesta corrisponde ai filtri.")

	_, body = c.get("/admin/richieste?q=garibaldi")
	wantContains(t, "text filter", body, r2.Number, `href="/admin/richieste/esporta.csv?q=garibaldi"`,
		`action="/admin/richieste/azioni?q=garibaldi"`)
	if strings.Contains(body, r1.Number) {
		t.Error("text filter lists a request without the word")
	}

	res, body := c.get("/admin/richieste?dal=ieri&canale=piccione")
	wantStatus(t, "bad filter", res, body, http.StatusOK)
	wantContains(t, "bad filter", body, "Scrivi la data nel formato aaaa-mm-gg", "Il canale scelto non esiste.",
		`href="#dal"`, `id="dal"`, `id="canale"`)

	// Pagination: one per page gives a next link that leads to the other request.
	_, body = c.get("/admin/richieste?per=1")
	m := regexp.MustCompile(`href="(/admin/richieste\?[^"]*dopo=[^"]*)" rel="next"`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, r2.Number) || strings.Contains(body, r1.Number) {
		t.Fatalf("first page of one: want %s and a next link", r2.Number)
	}
	_, body = c.get(html.UnescapeString(m[1]))
	wantContains(t, "second page", body, r1.Number, "Prima pagina")
}

func TestInboxBulkTakeInCharge(t *testing.T) {
	b := newBackoffice(t)
	ctx := context.Background()
	r1 := b.addRequest("perdite", "acquedotto", "Uno")
	r2 := b.addRequest("perdite", "acquedotto", "Due")
	r3 := b.addRequest("perdite", "acquedotto", "Tre")
	other := b.addRequest("informazioni", "urp", "Altro ufficio")
	// Someone else takes r3 after the operator loaded the page.
	if _, err := b.Workflow.Apply(ctx, r3.ID, modulario.Change{Status: modulario.StatusInCharge}); err != nil {
		t.Fatal(err)
	}
	c := b.login("anna@comune.example")
	sel := func(s *modulario.Submission) string { return strconv.FormatUint(s.ID, 10) + ":received" }
	res, body := c.post("/admin/richieste/azioni?stato=received", url.Values{"azione": {"prendi"},
		"sel": {sel(r1), sel(r2), sel(r3), sel(other)}})
	wantStatus(t, "bulk", res, body, http.StatusOK)
	wantContains(t, "bulk outcome", body, "2 aggiornate, 2 non modificabili",
		r3.Number+": stato cambiato nel frattempo", strconv.FormatUint(other.ID, 10)+": richiesta non trovata")
	for _, s := range []*modulario.Submission{r1, r2} {
		got := b.find(s.ID)
		if got.Status != modulario.StatusInCharge || got.Assignee != b.opA.ID {
			t.Errorf("%s: status %s assignee %q, want in_charge by operator A", got.Number, got.Status, got.Assignee)
		}
	}
	if got := b.find(other.ID); got.Status != modulario.StatusReceived {
		t.Errorf("request of another office changed by a bulk action: %s", got.Status)
	}
	if a := auditOf(t, b.env, r1.ID); !contains(a, "submission.prendi") {
		t.Errorf("bulk action not audited: %v", a)
	}

	// Assign in bulk to someone of another office: refused per request.
	res, body = c.post("/admin/richieste/azioni", url.Values{"azione": {"assegna"}, "assegna_a": {b.opB.ID},
		"sel": {strconv.FormatUint(r1.ID, 10) + ":in_charge"}})
	wantStatus(t, "bulk assign", res, body, http.StatusOK)
	wantContains(t, "bulk assign", body, "0 aggiornate, 1 non modificabili", r1.Number+": la persona scelta")

	// Nothing selected: an error, nothing changes.
	res, body = c.post("/admin/richieste/azioni", url.Values{"azione": {"stato"}, "nuovo_stato": {"concluded"}})
	wantStatus(t, "bulk none", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "bulk none", body, "Seleziona almeno una richiesta.")
}

// auditOf lists the audited actions on a request, newest first.
func auditOf(t *testing.T, e *env, id uint64) []string {
	t.Helper()
	entries, err := e.Audit.ListAudit(context.Background(), modulario.AuditFilter{
		Target: "submission:" + strconv.FormatUint(id, 10), Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range entries {
		out = append(out, a.Action)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestInboxCataloguesAreComplete(t *testing.T) {
	b := newBackoffice(t)
	b.addRequest("perdite", "acquedotto", "Perdita")
	for _, lang := range []string{"it", "en"} {
		c := b.login("anna@comune.example")
		_, body := c.get("/admin/richieste?lang=" + lang)
		_, detail := c.get("/admin/richieste/1")
		_, entry := c.get("/admin/richieste/nuova")
		for _, page := range []string{body, detail, entry} {
			if m := regexp.MustCompile(`\b(inbox|request|entry)\.[a-z_.]+[a-z]\b`).FindString(page); m != "" {
				t.Errorf("%s: untranslated key %q", lang, m)
			}
		}
	}
}
