package renderer_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/modulario/modulario/notify"
	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
)

// before fails unless a appears in body before b.
func before(t *testing.T, body, a, b string) {
	t.Helper()
	i, j := strings.Index(body, a), strings.Index(body, b)
	if i < 0 || j < 0 || i > j {
		t.Fatalf("want %q (at %d) before %q (at %d)", a, i, b, j)
	}
}

// The error summary lists the errors in the order of the fields on the
// page, although conversion errors ("ieri" is no date) are found before
// schema errors; the title counts them.
func TestErrorSummaryInPageOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	step1 := e.start()
	r := e.postForm(step1, url.Values{"/tipo": {"strade"}, "/descrizione": {"corta"}, "/data": {"ieri"}}).
		expect(t, http.StatusUnprocessableEntity, "<title>Errori (2): Passo 2 di 4: Il problema - Segnalazione di disservizio")
	summary := r.Body[strings.Index(r.Body, `id="errori"`):]
	before(t, summary, `href="#f-descrizione"`, `href="#f-data"`)
	e.postForm(step1, url.Values{"/tipo": {"strade"}, "/descrizione": {"Una descrizione abbastanza lunga"}, "/data": {"ieri"}}).
		expect(t, http.StatusUnprocessableEntity, "<title>Errore (1): ")
}

// The stepper runs from the privacy notice to the summary (Designers
// Italia), without the steps the answers skip, and titles follow it.
func TestStepperFromNoticeToSummary(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	stepper := regexp.MustCompile(`(?s)<div class="steppers-header">.*?</div>`)
	r := e.get("/servizi/segnalazione/privacy").expect(t, http.StatusOK,
		"<title>Passo 1 di 4: Informativa sulla privacy - Segnalazione di disservizio - Comune di Esempio</title>",
		`<li class="active"><span>Informativa</span>`, `aria-hidden="true">1/4</span>`)
	if got := stepper.FindString(r.Body); strings.Contains(got, "La perdita") || !strings.Contains(got, "<li><span>Riepilogo</span></li>") {
		t.Fatalf("privacy stepper:\n%s", got)
	}
	b := base(fillAll(t, e, "perdita", nil) + "/passo/1")
	r = e.get(b+"/riepilogo").expect(t, http.StatusOK,
		"<title>Passo 5 di 5: Riepilogo - Segnalazione di disservizio - Comune di Esempio</title>",
		`<li class="confirmed"><span>Informativa</span>`, `<li class="confirmed"><span>La perdita</span>`,
		`<li class="active"><span>Riepilogo</span>`, `aria-hidden="true">5/5</span>`)
	e.get(b+"/passo/2").expect(t, http.StatusOK, "<title>Passo 3 di 5: La perdita - ",
		`<li class="confirmed"><span>Il problema</span>`, `<li class="active"><span>La perdita</span>`)
	e.get(b+"/privacy").expect(t, http.StatusOK, `<li class="active"><span>Informativa</span>`,
		`<li><span>Il problema</span></li>`)
}

// A form of one step has no stepper and no "Passo 1 di 1".
func TestOneStepFormHasNoStepper(t *testing.T) {
	t.Parallel()
	le := newLifecycleEnv(t)
	r := le.get("/servizi/pratica/privacy").expect(t, http.StatusOK,
		"<title>Informativa sulla privacy - Richiesta di prova - Comune di Esempio</title>")
	step1 := le.startPratica()
	s := le.get(step1).expect(t, http.StatusOK, "<title>I tuoi dati - Richiesta di prova - Comune di Esempio</title>")
	le.postForm(step1, url.Values{"/nome": {"Anna"}, "_action": {"next"}}).redirectsTo(t, `/riepilogo$`)
	v := le.get(base(step1)+"/riepilogo").expect(t, http.StatusOK, "<title>Riepilogo - Richiesta di prova - Comune di Esempio</title>")
	for _, body := range []string{r.Body, s.Body, v.Body} {
		if strings.Contains(body, "steppers-header") || strings.Contains(body, "Passo 1 di") {
			t.Fatalf("a one-step form shows a stepper:\n%s", excerpt(body))
		}
	}
}

// Editor Markdown nests under the section that shows it: a privacy notice
// or a confirmation starting with "#" or "##" never competes with the
// page's own headings.
func TestEditorHeadingsNestUnderThePage(t *testing.T) {
	t.Parallel()
	e := newEnvDB(t, func(db *storage.DB, cfg *renderer.Config) {
		publishJSON(t, db, map[string]string{
			`"privacy": "Informativa di prova."`: `"privacy": "## Informativa sul trattamento\n\nTesto.\n\n### Diritti\n\nAltro."`,
			`"confirmation": ""`:                 `"confirmation": "# Richiesta inviata\n\nGrazie."`,
		})
	})
	e.get("/servizi/pratica/privacy").expect(t, http.StatusOK,
		`<h2 class="h3">Informativa sulla privacy</h2>`, "<h3>Informativa sul trattamento</h3>", "<h4>Diritti</h4>")
	step1 := e.postForm("/servizi/pratica/privacy", url.Values{"consenso": {"1"}}).redirectsTo(t, `/passo/1$`)
	e.postForm(step1, url.Values{"/nome": {"Anna"}, "_action": {"next"}}).redirectsTo(t, `/riepilogo$`)
	receipt := e.postForm(base(step1)+"/invia", nil).redirectsTo(t, `/ricevuta$`)
	r := e.get(receipt).expect(t, http.StatusOK, "<h1>Richiesta inviata</h1>", "<h2>Richiesta inviata</h2>")
	if strings.Count(r.Body, "<h1") != 1 {
		t.Fatal("the confirmation added an <h1>")
	}
}

// publishJSON publishes testdata/pratica.json with the given replacements
// (each must match once).
func publishJSON(t *testing.T, db *storage.DB, replace map[string]string) {
	t.Helper()
	def, err := os.ReadFile("testdata/pratica.json")
	if err != nil {
		t.Fatal(err)
	}
	s := string(def)
	if !strings.Contains(s, `"confirmation"`) {
		s = strings.Replace(s, `"privacy":`, `"confirmation": "",`+"\n"+`  "privacy":`, 1)
	}
	for from, to := range replace {
		if strings.Count(s, from) != 1 {
			t.Fatalf("testdata/pratica.json: %q found %d times", from, strings.Count(s, from))
		}
		s = strings.Replace(s, from, to, 1)
	}
	path := filepath.Join(t.TempDir(), "pratica.json")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	publish(t, storage.NewFormService(db), path)
}

// receiptCopyRule sends the citizen an e-mail when the request arrives.
const receiptCopyRule = `"rules": [
  {"name": "Ricevuta al cittadino", "on": "submission.received", "when": {},
   "then": [{"notify": "email", "to": "citizen", "field": "email", "template": "richiesta-ricevuta"}]},`

// The receipt gives the date and time, the deadline, and says that a copy
// is on its way only when an e-mail to the citizen was queued with the
// request (C.SE.1.10, C.SE.1.2).
func TestReceiptDeadlineAndCopy(t *testing.T) {
	t.Parallel()
	newCopyEnv := func(withOutbox bool) *env {
		return newEnvDB(t, func(db *storage.DB, cfg *renderer.Config) {
			publishJSON(t, db, map[string]string{`"rules": [`: receiptCopyRule})
			cfg.Rules = notify.NewEngine(storage.NewFormService(db))
			if withOutbox {
				cfg.Outbox = storage.NewOutboxService(db)
			}
		})
	}
	send := func(e *env, answers url.Values) *response {
		step1 := e.postForm("/servizi/pratica/privacy", url.Values{"consenso": {"1"}}).redirectsTo(t, `/passo/1$`)
		answers.Set("_action", "next")
		e.postForm(step1, answers).redirectsTo(t, `/riepilogo$`)
		return e.get(e.postForm(base(step1)+"/invia", nil).redirectsTo(t, `/ricevuta$`))
	}
	e := newCopyEnv(true)
	r := send(e, url.Values{"/nome": {"Anna"}, "/email": {"anna.bianchi@example.it"}}).expect(t, http.StatusOK,
		"Riceverai una copia di questa ricevuta via email all&#39;indirizzo a***@example.it.",
		"L&#39;ufficio concluderà la richiesta entro il ")
	if !regexp.MustCompile(`Inviata il \d\d/\d\d/\d{4} alle \d\d:\d\d\.`).MatchString(r.Body) {
		t.Fatalf("no date and time of sending:\n%s", excerpt(r.Body))
	}
	if strings.Contains(r.Body, "anna.bianchi") {
		t.Fatal("the receipt shows the whole address")
	}
	// No address given: the rule queued a message that cannot be sent.
	r = send(e, url.Values{"/nome": {"Bruno"}}).expect(t, http.StatusOK, "Inviata il ")
	if strings.Contains(r.Body, "Riceverai una copia") {
		t.Fatal("a copy is announced without an address")
	}
	// Without the outbox the receipt cannot know: it says nothing.
	r = send(newCopyEnv(false), url.Values{"/nome": {"Anna"}, "/email": {"anna@example.it"}}).expect(t, http.StatusOK)
	if strings.Contains(r.Body, "Riceverai una copia") {
		t.Fatal("a copy is announced without an outbox")
	}
}

// Pages after the form keep the breadcrumb; "Servizi" is the catalogue.
func TestBreadcrumbsAfterTheForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	crumbs := `<li class="breadcrumb-item"><a href="/servizi">Servizi</a>`
	service := `<li class="breadcrumb-item"><a href="/servizi/segnalazione">Segnalazione di disservizio</a>`
	step1 := e.start()
	e.get(step1).expect(t, http.StatusOK, crumbs, service)
	e.postForm(step1, url.Values{"_action": {"save"}}).expect(t, http.StatusOK, crumbs, service,
		`aria-current="page">Richiesta salvata</li>`)
	tracking := e.submitted()
	e.get(tracking+"/ricevuta").expect(t, http.StatusOK, crumbs, service, `aria-current="page">Richiesta inviata</li>`)
	e.get(tracking).expect(t, http.StatusOK, crumbs, service, `aria-current="page">Richiesta n. 20`)
	r := e.get("/servizi/segnalazione").expect(t, http.StatusOK, crumbs)
	if strings.Contains(r.Body, `<a href="/">Servizi</a>`) {
		t.Fatal(`"Servizi" links to the home page`)
	}
	e.get("/").expect(t, http.StatusOK, "Servizi online – Comune di Esempio: compila la richiesta")
}

// On pages in English the editor's Italian texts are marked lang="it"
// (WCAG 3.1.2); on Italian pages nothing is added.
func TestAuthorContentLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.get("/servizi/segnalazione/privacy?lang=en").expect(t, http.StatusOK, `<html lang="en">`,
		`<h1 lang="it">Segnalazione di disservizio</h1>`, `<div class="modulario-privacy mb-4" lang="it">`,
		`<li class="active"><span>Privacy notice</span>`, `<li><span lang="it">Il problema</span></li>`,
		`<a href="/servizi/segnalazione?lang=en" lang="it">Segnalazione di disservizio</a>`)
	r := e.get("/servizi/segnalazione/privacy").expect(t, http.StatusOK, `<h1>Segnalazione di disservizio</h1>`)
	if n := strings.Count(r.Body, `lang="it"`); n != 1 { // <html> only
		t.Fatalf(`%d lang="it" on an Italian page, want 1`, n)
	}
	// The fields' own texts: labels, legends, options; the UI's words stay English.
	step := e.start()
	e.get(step+"?lang=en").expect(t, http.StatusOK, `<legend class="modulario-legend" lang="it">Tipo di problema`,
		`lang="it">Buche e strade dissestate</label>`, `<label for="f-descrizione" class="active" lang="it">Descrizione`)
	r = e.get(step).expect(t, http.StatusOK, `<label for="f-descrizione" class="active">Descrizione`)
	if n := strings.Count(r.Body, `lang="it"`); n != 1 {
		t.Fatalf(`%d lang="it" on an Italian step, want 1`, n)
	}
}

// One star is singular, for screen readers too.
func TestRatingOneStar(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tracking := e.submitted()
	e.get(tracking+"/ricevuta").expect(t, http.StatusOK, "Valuta 1 stella su 5<", "Valuta 2 stelle su 5<")
	e.postForm(tracking+"/valutazione", url.Values{"valutazione": {"1"}}).expect(t, http.StatusOK, "Hai dato 1 stella su 5.")
	e.get(tracking+"/ricevuta?lang=en").expect(t, http.StatusOK, "Rate 1 star out of 5<", "Rate 3 stars out of 5<")
}
