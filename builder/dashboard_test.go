package builder_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// dashFormDef is a published form of the technical office with a choice
// field and a hostile title.
const dashFormDef = `{"slug":"segnalazione","title":"Segnalazione <script>alert(1)</script>","office":"tecnico",
 "privacy":"Informativa.","schema":{"type":"object","properties":{
  "tipo":{"title":"Tipo di disservizio","type":"string","oneOf":[{"const":"buca","title":"Buca in strada"},{"const":"luce","title":"Lampione spento"}]},
  "descrizione":{"title":"Descrizione","type":"string"}}},
 "ui":{"steps":[{"title":"La segnalazione","fields":["tipo","descrizione"]}]}}`

const dashCertDef = `{"slug":"certificato","title":"Certificato anagrafico","office":"anagrafe","privacy":"Informativa.",
 "schema":{"type":"object","properties":{"motivo":{"title":"Motivo","type":"string"}}},
 "ui":{"steps":[{"title":"Dati","fields":["motivo"]}]}}`

const dashHostileTitle = "Segnalazione <script>alert(1)</script>"

// dashEnv seeds two offices with their forms, requests and ratings: the
// technical office 3 requests (one overdue, one taken in charge after 2
// hours, one concluded after 2 days) and 1 rating of 5 stars; the
// registry office 2 requests and 1 rating of 2 stars.
func dashEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	for slug, name := range map[string]string{"tecnico": "Ufficio tecnico", "anagrafe": "Anagrafe"} {
		if err := e.Offices.SaveOffice(ctx, &modulario.Office{Slug: slug, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []struct{ slug, title, office, def string }{
		{"segnalazione", dashHostileTitle, "tecnico", dashFormDef},
		{"certificato", "Certificato anagrafico", "anagrafe", dashCertDef},
	} {
		meta := modulario.Form{Slug: f.slug, Title: f.title, Office: f.office}
		if _, _, err := e.Forms.SaveDraft(ctx, meta, json.RawMessage(f.def)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Forms.PublishDraft(ctx, f.slug); err != nil {
			t.Fatal(err)
		}
	}
	now := e.clock.Now()
	day := func(d int) time.Time { return now.AddDate(0, 0, -d) }
	tp := func(t time.Time) *time.Time { return &t }
	subs := []*modulario.Submission{
		{FormSlug: "segnalazione", Office: "tecnico", CreatedAt: day(3), Data: json.RawMessage(`{"tipo":"buca"}`),
			DueAt: tp(day(1))},
		{FormSlug: "segnalazione", Office: "tecnico", CreatedAt: day(2), Status: modulario.StatusInCharge,
			TakenInChargeAt: tp(day(2).Add(2 * time.Hour)), Data: json.RawMessage(`{"tipo":"buca"}`), Tags: []string{"strade"}},
		{FormSlug: "segnalazione", Office: "tecnico", CreatedAt: day(5), Status: modulario.StatusConcluded,
			TakenInChargeAt: tp(day(5).Add(time.Hour)), ClosedAt: tp(day(3)), Data: json.RawMessage(`{"tipo":"luce"}`)},
		{FormSlug: "certificato", Office: "anagrafe", CreatedAt: day(1), Data: json.RawMessage(`{"motivo":"x"}`)},
		{FormSlug: "certificato", Office: "anagrafe", CreatedAt: day(4), Data: json.RawMessage(`{"motivo":"y"}`)},
	}
	if err := e.Submissions.ImportSubmissions(ctx, subs); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*modulario.Rating{
		{FormSlug: "segnalazione", Version: 1, SubmissionID: subs[0].ID, Stars: 5, Reason: "chiarezza", CreatedAt: day(2)},
		{FormSlug: "certificato", Version: 1, SubmissionID: subs[3].ID, Stars: 2, Reason: "tecnica", CreatedAt: day(1)},
	} {
		if err := e.Ratings.CreateRating(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	e.addUser(modulario.RoleAdmin, "admin@comune.example")
	e.addUser(modulario.RoleOperator, "tecnico@comune.example", "tecnico")
	e.addUser(modulario.RoleOperator, "anagrafe@comune.example", "anagrafe")
	e.addUser(modulario.RoleEditor, "redattore@comune.example")
	return e
}

var svgRe = regexp.MustCompile(`(?s)<svg .*?</svg>`)

// checkSVGs decodes every inline chart as XML and checks its accessible
// name; it returns how many there are.
func checkSVGs(t *testing.T, body string) int {
	t.Helper()
	svgs := svgRe.FindAllString(body, -1)
	for _, s := range svgs {
		d := xml.NewDecoder(strings.NewReader(s))
		d.Strict = true
		var title, desc bool
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("chart is not well-formed XML: %v\n%s", err, s)
			}
			if se, ok := tok.(xml.StartElement); ok {
				title = title || se.Name.Local == "title"
				desc = desc || se.Name.Local == "desc"
			}
		}
		if !title || !desc || !strings.Contains(s, `role="img"`) || !strings.Contains(s, `aria-labelledby="`) {
			t.Errorf("chart without role, title or desc: %.200s", s)
		}
	}
	return len(svgs)
}

// figure returns the big number shown under label.
func figure(t *testing.T, body, label string) string {
	t.Helper()
	re := regexp.MustCompile(`<dt>` + regexp.QuoteMeta(label) + `</dt>\s*<dd class="modulario-dash-value">([^<]*)</dd>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("figure %q not found", label)
	}
	return html.UnescapeString(m[1])
}

func TestDashboardAdmin(t *testing.T) {
	e := dashEnv(t)
	res, body := e.login("admin@comune.example").get("/admin/cruscotto")
	wantStatus(t, "dashboard", res, body, http.StatusOK)
	if n := checkSVGs(t, body); n < 8 {
		t.Errorf("%d charts, want at least 8 (received, status, forms, categories, tags, ratings)", n)
	}
	for label, want := range map[string]string{"Richieste ricevute": "5", "Ancora aperte": "4", "Scadute": "1",
		"Tempo mediano di presa in carico": "1 ora e 30 minuti", "Tempo mediano di conclusione": "2 giorni",
		"Media": "3,5 su 5 stelle"} {
		if got := figure(t, body, label); got != want {
			t.Errorf("%s = %q, want %q", label, got, want)
		}
	}
	wantContains(t, "dashboard", body, "Dati aggiornati alle 10:00", "Richieste ricevute per settimana",
		"<caption>Richieste ricevute nel periodo per stato attuale</caption>", `<th scope="row">`,
		"Presa in carico", "scadute=1", "Certificato anagrafico", "Le indicazioni erano chiare",
		"Scegli un modulo nei filtri", `href="/admin/richieste?dal=2025-12-03&amp;etichetta=strade"`)
	if strings.Contains(body, "<script>alert") {
		t.Error("a form title was not escaped")
	}
	if !strings.Contains(body, "Segnalazione &lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the hostile form title is not shown as text")
	}
}

func TestDashboardOperatorSeesOwnOffice(t *testing.T) {
	e := dashEnv(t)
	c := e.login("tecnico@comune.example")
	res, body := c.get("/admin/cruscotto")
	wantStatus(t, "operator dashboard", res, body, http.StatusOK)
	checkSVGs(t, body)
	if got := figure(t, body, "Richieste ricevute"); got != "3" {
		t.Errorf("operator of tecnico sees %s requests, want 3", got)
	}
	if got := figure(t, body, "Media"); got != "5 su 5 stelle" {
		t.Errorf("operator of tecnico sees ratings %q, want only their form's (5)", got)
	}
	if strings.Contains(body, "Anagrafe</option>") || strings.Contains(body, `<th scope="row">Certificato`) {
		t.Error("operator of tecnico sees the other office")
	}
	// Asking for another office falls back to their own, with a message.
	res, body = c.get("/admin/cruscotto?ufficio=anagrafe")
	wantStatus(t, "other office", res, body, http.StatusOK)
	wantContains(t, "other office", body, "Non puoi vedere i dati dell&#39;ufficio scelto")
	if got := figure(t, body, "Richieste ricevute"); got != "3" {
		t.Errorf("with ufficio=anagrafe the operator sees %s requests, want their own 3", got)
	}
	_, body = e.login("anagrafe@comune.example").get("/admin/cruscotto")
	if got := figure(t, body, "Richieste ricevute"); got != "2" {
		t.Errorf("operator of anagrafe sees %s requests, want 2", got)
	}
	if strings.Contains(body, "Segnalazione &lt;script") {
		t.Error("operator of anagrafe sees the technical office's form in the numbers")
	}
}

func TestDashboardEditorForbidden(t *testing.T) {
	e := dashEnv(t)
	res, _ := e.login("redattore@comune.example").get("/admin/cruscotto")
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("editor: %d, want 403", res.StatusCode)
	}
	res, _ = e.newClient().get("/admin/cruscotto")
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: %d, want 303 to login", res.StatusCode)
	}
}

func TestDashboardChoiceFields(t *testing.T) {
	e := dashEnv(t)
	res, body := e.login("admin@comune.example").get("/admin/cruscotto?modulo=segnalazione&periodo=30&granularita=giorno")
	wantStatus(t, "form dashboard", res, body, http.StatusOK)
	checkSVGs(t, body)
	wantContains(t, "choices", body, "Richieste per «Tipo di disservizio», ultimi 30 giorni",
		`<th scope="row">Buca in strada</th><td class="modulario-dash-num">2</td><td class="modulario-dash-num">66,7%</td>`,
		`<th scope="row">Lampione spento</th><td class="modulario-dash-num">1</td>`,
		"Richieste ricevute per giorno", `<option value="segnalazione" selected>`)
	if got := figure(t, body, "Richieste ricevute"); got != "3" {
		t.Errorf("form filter: %s requests, want 3", got)
	}
}

func TestDashboardBadParams(t *testing.T) {
	e := dashEnv(t)
	res, body := e.login("admin@comune.example").get("/admin/cruscotto?periodo=abc&granularita=ora&modulo=nessuno")
	wantStatus(t, "bad params", res, body, http.StatusOK)
	wantContains(t, "bad params", body, "Scegli un periodo tra quelli proposti", "Scegli se raggruppare",
		"Il modulo scelto non esiste", `href="#periodo"`)
	if got := figure(t, body, "Richieste ricevute"); got != "5" {
		t.Errorf("with bad params: %s requests, want the defaults' 5", got)
	}
}

func TestDashboardCachesForAMinute(t *testing.T) {
	e := dashEnv(t)
	c := e.login("admin@comune.example")
	_, body := c.get("/admin/cruscotto")
	if figure(t, body, "Richieste ricevute") != "5" {
		t.Fatal("seed")
	}
	sub := &modulario.Submission{FormSlug: "certificato", Office: "anagrafe", CreatedAt: e.clock.Now().Add(-time.Hour),
		Data: json.RawMessage(`{}`)}
	if err := e.Submissions.ImportSubmissions(context.Background(), []*modulario.Submission{sub}); err != nil {
		t.Fatal(err)
	}
	_, body = c.get("/admin/cruscotto")
	if got := figure(t, body, "Richieste ricevute"); got != "5" {
		t.Errorf("within the minute: %s, want the cached 5", got)
	}
	e.clock.Advance(61 * time.Second)
	_, body = c.get("/admin/cruscotto")
	if got := figure(t, body, "Richieste ricevute"); got != "6" {
		t.Errorf("after a minute: %s, want 6", got)
	}
	wantContains(t, "recomputed", body, "Dati aggiornati alle 10:01")
}
