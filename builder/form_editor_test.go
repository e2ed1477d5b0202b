package builder_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
)

func TestFormCreateBlankAndFromTemplate(t *testing.T) {
	e, c := editorEnv(t)
	slug := createForm(t, c, "Iscrizione al servizio mensa scolastica")
	if slug != "iscrizione-al-servizio-mensa-scolastica" {
		t.Errorf("slug %q", slug)
	}
	f, err := e.Forms.FindForm(context.Background(), slug)
	if err != nil || f.Draft != 1 || f.Published != 0 || f.Title != "Iscrizione al servizio mensa scolastica" {
		t.Fatalf("form %+v, %v", f, err)
	}
	if got := auditActions(t, e, slug); !slices.Contains(got, "form.create") {
		t.Errorf("audit %v lacks form.create", got)
	}
	res, body := c.get("/admin/moduli/" + slug + "?ok=ok.fe_form_created")
	wantStatus(t, "editor", res, body, http.StatusOK)
	wantContains(t, "editor", body, "Modulo creato come bozza", "bozza", `<iframe src="/anteprima/`, `title="Anteprima del modulo`)

	// The same address again, and no title: 422 with Italian messages.
	res, body = c.post("/admin/moduli/nuovo", url.Values{"title": {"Iscrizione al servizio mensa scolastica"}})
	wantStatus(t, "duplicate", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "duplicate", body, "Esiste già un modulo", `href="#slug"`)
	res, body = c.post("/admin/moduli/nuovo", url.Values{"title": {""}, "slug": {"Non Valido!"}})
	wantStatus(t, "no title", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "no title", body, "Scrivi il titolo del modulo", "lettere minuscole")

	res, body = c.post("/admin/moduli/nuovo", url.Values{"title": {"Da modello"}, "template": {"nonesiste"}})
	wantStatus(t, "unknown template", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "unknown template", body, "Il modello scelto non esiste", `href="#template-blank"`)

	templates := formedit.Templates()
	if len(templates) == 0 {
		t.Fatal("no templates in the gallery")
	}
	res, body = c.get("/admin/moduli/nuovo")
	wantStatus(t, "new page", res, body, http.StatusOK)
	wantContains(t, "gallery", body, html.EscapeString(templates[0].Title))
	res, body = c.post("/admin/moduli/nuovo", url.Values{"title": {"Da modello"}, "slug": {"da-modello"}, "template": {templates[0].Slug}})
	wantStatus(t, "from template", res, body, http.StatusSeeOther)
	doc := draftDoc(t, e, "da-modello")
	if v := doc.View(); v.Meta.Title != "Da modello" || len(v.Fields) == 0 {
		t.Errorf("template form: title %q, %d fields", v.Meta.Title, len(v.Fields))
	}
}

func TestFormAddEveryPaletteType(t *testing.T) {
	e, c := editorEnv(t)
	slug := createForm(t, c, "Tutti i campi")
	paths := map[formedit.FieldType]string{}
	for _, p := range formedit.Palette {
		if p.Type == formedit.TypeAppointment {
			continue // asks for its calendars first: calendar_test.go
		}
		paths[p.Type] = addField(t, c, slug, 0, p.Type, "Campo "+p.Label)
		res, body := c.get("/admin/moduli/" + slug + "/campi/" + paths[p.Type])
		wantStatus(t, "field page "+string(p.Type), res, body, http.StatusOK)
		wantContains(t, "field page "+string(p.Type), body, "Campo "+p.Label, `name="_csrf"`)
	}
	doc := draftDoc(t, e, slug)
	for typ, path := range paths {
		f, _, ok := fieldByPath(doc, path)
		if !ok || f.Type != typ {
			t.Errorf("%s: field %q is %q (found %v)", typ, path, f.Type, ok)
		}
	}
	res, body := c.get("/admin/moduli/" + slug)
	wantStatus(t, "editor", res, body, http.StatusOK)
	wantContains(t, "editor", body, "Campo Codice fiscale", "Campo Indirizzo", "Dati personali italiani", "Struttura")
	// A type outside the palette is refused with a message, not a 500.
	res, body = c.post("/admin/moduli/"+slug+"/campi", url.Values{"step": {"0"}, "type": {"nonesiste"}, "label": {"X"}})
	wantStatus(t, "bad type", res, body, http.StatusUnprocessableEntity)
}

// choiceForm makes a form with a choice "Tipo" (Perdita, Altro) and a text
// "Dettagli"; it returns their paths.
func choiceForm(t *testing.T, c *client, slug string) (tipo, dettagli string) {
	t.Helper()
	tipo = addField(t, c, slug, 0, formedit.TypeRadio, "Tipo")
	res, body := c.post("/admin/moduli/"+slug+"/campi/"+tipo, url.Values{"label": {"Tipo"}, "required": {"1"},
		"opt_rows": {"3"}, "opt_label_0": {"Perdita"}, "opt_label_1": {"Altro"}, "opt_label_2": {""}})
	wantStatus(t, "save options", res, body, http.StatusSeeOther)
	dettagli = addField(t, c, slug, 0, formedit.TypeShortText, "Dettagli")
	return tipo, dettagli
}

func TestFormFieldEditMoveAndCondition(t *testing.T) {
	e, c := editorEnv(t)
	slug := createForm(t, c, "Segnalazione perdite")
	tipo, dettagli := choiceForm(t, c, slug)
	f, _, _ := fieldByPath(draftDoc(t, e, slug), tipo)
	if !f.Required || len(f.Options) != 2 || f.Options[0].Value != "perdita" || f.Options[1].Label != "Altro" {
		t.Fatalf("tipo after edit: %+v", f)
	}

	// "Aggiungi altre opzioni" shows more rows and saves nothing.
	res, body := c.post("/admin/moduli/"+slug+"/campi/"+tipo, url.Values{"label": {"Tipo"}, "opt_rows": {"2"},
		"opt_label_0": {"Perdita"}, "opt_label_1": {"Altro"}, "azione": {"righe"}})
	wantStatus(t, "more rows", res, body, http.StatusOK)
	wantContains(t, "more rows", body, `id="opt-label-4"`)

	// Limits that are not numbers: 422 with the field named.
	res, body = c.post("/admin/moduli/"+slug+"/campi/"+dettagli, url.Values{"label": {"Dettagli"}, "max_length": {"tanti"}})
	wantStatus(t, "bad limit", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "bad limit", body, `href="#max_length"`, "numero intero")

	// Condition: Dettagli only when Tipo is Perdita.
	res, body = c.post("/admin/moduli/"+slug+"/campi/"+dettagli, url.Values{"label": {"Dettagli della perdita"},
		"max_length": {"200"}, "cond_field": {tipo}, "cond_op": {formedit.OpEq}, "cond_option": {tipo + "|perdita"}})
	wantStatus(t, "condition", res, body, http.StatusSeeOther)
	f, _, _ = fieldByPath(draftDoc(t, e, slug), dettagli)
	if f.Condition == nil || f.Condition.Field != tipo || !slices.Equal(f.Condition.Values, []string{"perdita"}) || f.MaxLength == nil || *f.MaxLength != 200 {
		t.Fatalf("dettagli after edit: %+v cond %+v", f, f.Condition)
	}
	_, body = c.get("/admin/moduli/" + slug)
	wantContains(t, "editor", body, "Visibile se «Tipo» è uguale a «Perdita»", "Dettagli della perdita")

	// Move up, then to a new step.
	res, body = c.post("/admin/moduli/"+slug+"/azioni-campo", url.Values{"path": {dettagli}, "op": {"su"}})
	wantStatus(t, "move up", res, body, http.StatusSeeOther)
	if fields := draftDoc(t, e, slug).View().Steps[0].Fields; fields[0].Path != dettagli {
		t.Errorf("after move up, first field is %q", fields[0].Path)
	}
	res, body = c.post("/admin/moduli/"+slug+"/passi", url.Values{"title": {"Contatti"}})
	wantStatus(t, "add step", res, body, http.StatusSeeOther)
	res, body = c.post("/admin/moduli/"+slug+"/azioni-campo", url.Values{"path": {tipo}, "op": {"passo"}, "to": {"2"}})
	wantStatus(t, "move to step", res, body, http.StatusSeeOther)
	if _, step, _ := fieldByPath(draftDoc(t, e, slug), tipo); step != 1 {
		t.Errorf("tipo is in step %d, want 1", step)
	}
	// Rename the step without JavaScript.
	res, body = c.post("/admin/moduli/"+slug+"/passi/2", url.Values{"title": {"Il problema"}, "intro": {"Dicci cosa succede."}})
	wantStatus(t, "rename step", res, body, http.StatusSeeOther)
	if st := draftDoc(t, e, slug).View().Steps[1]; st.Title != "Il problema" || st.Intro != "Dicci cosa succede." {
		t.Errorf("step 2: %+v", st)
	}
	res, _ = c.post("/admin/moduli/"+slug+"/azioni-campo", url.Values{"path": {"nonesiste"}, "op": {"elimina"}})
	if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("delete missing field: %d", res.StatusCode)
	}
	res, body = c.post("/admin/moduli/"+slug+"/azioni-campo", url.Values{"path": {dettagli}, "op": {"elimina"}})
	wantStatus(t, "delete", res, body, http.StatusSeeOther)
	if _, _, ok := fieldByPath(draftDoc(t, e, slug), dettagli); ok {
		t.Error("dettagli still there after delete")
	}
	if got := auditActions(t, e, slug); !slices.Contains(got, "form.save") {
		t.Errorf("audit %v lacks form.save", got)
	}
}

func TestFormRules(t *testing.T) {
	e, c := editorEnv(t)
	slug := createForm(t, c, "Perdite")
	tipo, _ := choiceForm(t, c, slug)
	res, body := c.post("/admin/moduli/"+slug+"/regole", url.Values{"name": {"Perdite all'acquedotto"}, "on": {formedit.EventReceived},
		"cond_rows": {"2"}, "c0_cond_field": {tipo}, "c0_cond_op": {formedit.OpEq}, "c0_cond_option": {tipo + "|perdita"},
		"route": {"acquedotto"}, "to_office": {"1"}})
	wantStatus(t, "add rule", res, body, http.StatusSeeOther)
	rules := draftDoc(t, e, slug).View().Rules
	if len(rules) != 1 || rules[0].Route != "acquedotto" || len(rules[0].When) != 1 || !slices.Contains(rules[0].EmailTo, "office") {
		t.Fatalf("rules %+v", rules)
	}
	res, body = c.get("/admin/moduli/" + slug + "/regole")
	wantStatus(t, "rules", res, body, http.StatusOK)
	wantContains(t, "rules", body, "Quando arriva una richiesta e «Tipo» è uguale a «Perdita», assegna all&#39;ufficio Acquedotto e invia email all&#39;ufficio")
	res, body = c.get("/admin/moduli/" + slug + "/regole/1")
	wantStatus(t, "rule page", res, body, http.StatusOK)
	wantContains(t, "rule page", body, `value="Perdite all&#39;acquedotto"`)

	// A rule with no action is refused.
	res, body = c.post("/admin/moduli/"+slug+"/regole", url.Values{"name": {"Vuota"}, "cond_rows": {"1"}})
	wantStatus(t, "empty rule", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "empty rule", body, "almeno un&#39;azione")

	res, body = c.post("/admin/moduli/"+slug+"/regole/1/elimina", nil)
	wantStatus(t, "delete rule", res, body, http.StatusSeeOther)
	if n := len(draftDoc(t, e, slug).View().Rules); n != 0 {
		t.Errorf("%d rules after delete", n)
	}
	if got := auditActions(t, e, slug); !slices.Contains(got, "rules.save") {
		t.Errorf("audit %v lacks rules.save", got)
	}
}

func TestFormJSONEditing(t *testing.T) {
	e, c := editorEnv(t)
	slug := createForm(t, c, "Modulo JSON")
	res, body := c.get("/admin/moduli/" + slug + "/json")
	wantStatus(t, "json page", res, body, http.StatusOK)
	wantContains(t, "json page", body, `<label for="definition"`, `&#34;slug&#34;: &#34;`+slug)

	res, body = c.post("/admin/moduli/"+slug+"/json", url.Values{"definition": {"{ non è json"}})
	wantStatus(t, "not json", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "not json", body, "JSON valido", "{ non è json")

	bad := `{"slug":"` + slug + `","title":"Modulo JSON","privacy":"x","schema":{"type":"object","properties":{"a":{"type":"stringa"}}},"ui":{"steps":[{"title":"Dati","fields":["a"]}]}}`
	res, body = c.post("/admin/moduli/"+slug+"/json", url.Values{"definition": {bad}})
	wantStatus(t, "bad schema", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "bad schema", body, "/schema/properties/a")

	good := strings.Replace(bad, `"stringa"`, `"string","title":"Campo A"`, 1)
	good = strings.Replace(good, `"title":"Modulo JSON"`, `"title":"Modulo scritto in JSON"`, 1)
	res, body = c.post("/admin/moduli/"+slug+"/json", url.Values{"definition": {good}})
	wantStatus(t, "good json", res, body, http.StatusSeeOther)
	res, body = c.get("/admin/moduli/" + slug)
	wantStatus(t, "editor after json", res, body, http.StatusOK)
	wantContains(t, "editor after json", body, "Modulo scritto in JSON", "Campo A")

	other := strings.Replace(good, `"slug":"`+slug+`"`, `"slug":"altro"`, 1)
	res, body = c.post("/admin/moduli/"+slug+"/json", url.Values{"definition": {other}})
	wantStatus(t, "slug change", res, body, http.StatusUnprocessableEntity)
	if _, err := e.Forms.FindForm(context.Background(), "altro"); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Errorf("a form 'altro' exists: %v", err)
	}
}

func TestFormOperatorAndCSRF(t *testing.T) {
	e, c := editorEnv(t)
	slug := createForm(t, c, "Protetto")
	e.addUser(modulario.RoleOperator, "operatore@comune.example", "urp")
	op := e.login("operatore@comune.example")
	for _, p := range []string{"/admin/moduli", "/admin/moduli/" + slug, "/admin/moduli/" + slug + "/json", "/admin/moduli/" + slug + "/versioni"} {
		if res, _ := op.get(p); res.StatusCode != http.StatusForbidden {
			t.Errorf("operator GET %s: %d, want 403", p, res.StatusCode)
		}
	}
	if res, _ := op.post("/admin/moduli/"+slug+"/pubblica", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("operator publish: %d, want 403", res.StatusCode)
	}
	res, _ := c.postForm("/admin/moduli/"+slug+"/passi", url.Values{"title": {"Senza token"}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("POST without CSRF token: %d, want 403", res.StatusCode)
	}
	if n := len(draftDoc(t, e, slug).View().Steps); n != 1 {
		t.Errorf("%d steps after refused posts", n)
	}
}
