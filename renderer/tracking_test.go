package renderer_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/renderer"
)

func TestDueAtFromFormDeadline(t *testing.T) {
	t.Parallel()
	// 23:30 UTC is already the next day in Rome: the deadline counts from there.
	now := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
	e := newLifecycleEnv(t, func(cfg *renderer.Config) { cfg.Now = func() time.Time { return now } })
	r := e.post("/api/v1/forms/pratica/submissions", "application/json", strings.NewReader(`{"nome":"Anna"}`))
	if r.Status != http.StatusCreated {
		t.Fatalf("api status %d: %s", r.Status, r.Body)
	}
	token := r.Location[strings.LastIndex(r.Location, "/")+1:]
	sub, err := e.subs.FindSubmissionByToken(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	want := endOfDayRome(t, now, 30)
	if sub.DueAt == nil || !sub.DueAt.Equal(want) || want.Format("02/01/2006") != "10/04/2026" {
		t.Fatalf("api DueAt = %v, want %v", sub.DueAt, want)
	}
	e.get("/pratiche/"+token).expect(t, http.StatusOK, "Da concludere entro il", "10/04/2026", "Non ancora presa in carico")
	e.get("/servizi/pratica").expect(t, http.StatusOK, "Tempi e scadenze", "entro 30 giorni")
}

func TestDueAtWebFlowAndNoDeadline(t *testing.T) {
	t.Parallel()
	e := newLifecycleEnv(t)
	before := time.Now()
	sub := e.submitPratica(e.startPratica(), url.Values{"/nome": {"Mario"}})
	if sub.DueAt == nil || sub.DueAt.Before(endOfDayRome(t, before, 30)) || sub.DueAt.After(endOfDayRome(t, time.Now(), 30)) {
		t.Fatalf("web DueAt = %v", sub.DueAt)
	}
	if sub.Channel != modulario.ChannelWeb || sub.EnteredBy != "" {
		t.Fatalf("channel %q entered by %q", sub.Channel, sub.EnteredBy)
	}
	// The testdata form sets no deadline: none is stored or shown.
	step1 := e.start()
	e.postForm(step1, url.Values{"/tipo": {"strade"}, "/descrizione": {"Una buca profonda in via Roma"}, "_action": {"next"}})
	e.postForm(base(step1)+"/passo/3", url.Values{"/nome": {"Mario"}, "/email": {"mario@example.it"}})
	receipt := e.postForm(base(step1)+"/invia", nil).redirectsTo(t, `/ricevuta$`)
	r := e.get(strings.TrimSuffix(receipt, "/ricevuta")).expect(t, http.StatusOK, "Ricevuta")
	if strings.Contains(r.Body, "Da concludere entro il") {
		t.Fatal("a deadline is shown for a form without one")
	}
}

func TestTrackingShowsOnlyWhatTheCitizenMaySee(t *testing.T) {
	t.Parallel()
	e := newLifecycleEnv(t)
	sub := e.submitPratica(e.startPratica(), url.Values{"/nome": {"Mario"}, "/email": {"mario@example.it"}})
	assignee := "operatore-assegnato-42"
	e.apply(sub.ID, modulario.Change{Actor: "u1", ActorName: "Operatrice Bianchi", Status: modulario.StatusInCharge,
		Message: "Abbiamo preso in carico la richiesta.", Note: "Nota interna riservata", Assign: &assignee})
	e.apply(sub.ID, modulario.Change{Actor: "u1", ActorName: "Operatrice Bianchi", Office: "ufficio-tecnico", Reason: "Motivo di smistamento"})
	r := e.get("/pratiche/"+sub.Token).expect(t, http.StatusOK, "Presa in carico", "Abbiamo preso in carico la richiesta.",
		"Messaggi dall&#39;ufficio", "Data di presa in carico", "(stato attuale)", "Annulla la richiesta")
	for _, secret := range []string{"Nota interna riservata", "Operatrice Bianchi", "Motivo di smistamento", "ufficio-tecnico", "operatore-assegnato-42"} {
		if strings.Contains(r.Body, secret) {
			t.Errorf("the tracking page shows %q", secret)
		}
	}
	if strings.Contains(r.Body, `name="allegati"`) {
		t.Error("the integration form is shown without a request for integration")
	}
}

// multipartBody builds an integration post with text and files.
func integrationBody(t *testing.T, text string, files map[string][]byte) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("testo", text)
	for name, content := range files {
		fw, err := w.CreateFormFile("allegati", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	if len(files) == 0 {
		_, _ = w.CreateFormFile("allegati", "") // the browser's empty part
	}
	_ = w.Close()
	return w.FormDataContentType(), &b
}

var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

func TestIntegrationAnswerWithFile(t *testing.T) {
	t.Parallel()
	e := newLifecycleEnv(t)
	sub := e.submitPratica(e.startPratica(), url.Values{"/nome": {"Mario"}, "/email": {"mario@example.it"}})
	e.apply(sub.ID, modulario.Change{Actor: "u1", Status: modulario.StatusInCharge})
	e.apply(sub.ID, modulario.Change{Actor: "u1", Status: modulario.StatusWaiting, Message: "Manca la planimetria."})
	tracking := "/pratiche/" + sub.Token
	e.get(tracking).expect(t, http.StatusOK, "In attesa di integrazione", "Manca la planimetria.",
		"Rispondi all&#39;ufficio", `name="allegati"`, `multiple`, `enctype="multipart/form-data"`)
	before := len(e.messages(sub.ID))

	ctype, body := integrationBody(t, "Ecco la planimetria richiesta.", map[string][]byte{"planimetria.pdf": pdf})
	e.post(tracking+"/integrazione", ctype, body).redirectsTo(t, `^/pratiche/[^/?]+\?esito=integrazione#esito$`)

	got := e.find(sub.ID)
	if got.Status != modulario.StatusIntegrated || len(got.Attachments) != 1 || got.Attachments[0].Name != "planimetria.pdf" {
		t.Fatalf("status %q, attachments %+v", got.Status, got.Attachments)
	}
	last := got.Timeline[len(got.Timeline)-1]
	if last.Actor != modulario.ActorCitizen || last.Message != "Ecco la planimetria richiesta." || len(last.Attachments) != 1 {
		t.Fatalf("last event = %+v", last)
	}
	msgs := e.messages(sub.ID)
	var citizen, office bool
	for _, m := range msgs[:len(msgs)-before] {
		if m.Event != modulario.EventStatusChanged || m.SubmissionStatus != modulario.StatusIntegrated {
			continue
		}
		citizen = citizen || strings.Contains(string(m.Action), "aggiornamento-stato")
		office = office || strings.Contains(string(m.Action), "integrazione-ricevuta")
	}
	if !citizen || !office {
		t.Fatalf("queued for the citizen %v, for the office %v: %d new messages", citizen, office, len(msgs)-before)
	}
	r := e.get(tracking+"?esito=integrazione").expect(t, http.StatusOK, `role="status"`,
		"La tua risposta è stata inviata all&#39;ufficio.", "Integrazione ricevuta", "planimetria.pdf")
	if strings.Contains(r.Body, `name="allegati"`) {
		t.Error("the integration form is still offered")
	}
	dl := e.get("/allegati/"+sub.Token+"/"+got.Attachments[0].ID).expect(t, http.StatusOK)
	if dl.Body != string(pdf) || !strings.Contains(dl.Header.Get("Content-Disposition"), "planimetria.pdf") {
		t.Fatalf("download: %q %q", dl.Header.Get("Content-Disposition"), dl.Body)
	}
	// Answering again is refused: the office is no longer waiting.
	ctype, body = integrationBody(t, "Ancora", nil)
	e.post(tracking+"/integrazione", ctype, body).expect(t, http.StatusConflict, "non sta aspettando")
}

func TestIntegrationValidation(t *testing.T) {
	t.Parallel()
	e := newLifecycleEnv(t)
	sub := e.submitPratica(e.startPratica(), url.Values{"/nome": {"Mario"}})
	e.apply(sub.ID, modulario.Change{Actor: "u1", Status: modulario.StatusInCharge})
	e.apply(sub.ID, modulario.Change{Actor: "u1", Status: modulario.StatusWaiting, Message: "Serve un documento."})
	path := "/pratiche/" + sub.Token + "/integrazione"

	ctype, body := integrationBody(t, "   ", nil)
	e.post(path, ctype, body).expect(t, http.StatusUnprocessableEntity, "<title>Errore (1): ",
		"Scrivi un messaggio o allega almeno un file.", `href="#integrazione-testo"`, `aria-invalid="true"`)
	ctype, body = integrationBody(t, "Ecco", map[string][]byte{"pagina.pdf": []byte("<html><script>alert(1)</script></html>")})
	e.post(path, ctype, body).expect(t, http.StatusUnprocessableEntity, "pagina.pdf", "non è di un tipo ammesso", "Ecco</textarea>")
	ctype, body = integrationBody(t, strings.Repeat("a", 4001), nil)
	e.post(path, ctype, body).expect(t, http.StatusUnprocessableEntity, "al massimo 4000 caratteri")

	// Another site cannot post in the citizen's browser.
	ctype, body = integrationBody(t, "Da un altro sito", nil)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	e.do(req).expect(t, http.StatusForbidden, "non è partita da questo sito")
	req, _ = http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader("testo=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://attacker.example")
	e.do(req).expect(t, http.StatusForbidden)
	// Browsers send Origin "null" on their own posts under no-referrer.
	req, _ = http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader("testo="))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "null")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	e.do(req).expect(t, http.StatusUnprocessableEntity, "Scrivi un messaggio")

	if got := e.find(sub.ID); got.Status != modulario.StatusWaiting || len(got.Attachments) != 0 {
		t.Fatalf("refused answers changed the request: %q, %d files", got.Status, len(got.Attachments))
	}
}

func TestWithdraw(t *testing.T) {
	t.Parallel()
	e := newLifecycleEnv(t)
	sub := e.submitPratica(e.startPratica(), url.Values{"/nome": {"Mario"}})
	tracking := "/pratiche/" + sub.Token
	e.get(tracking).expect(t, http.StatusOK, `href="`+tracking+`/annulla"`)
	e.get(tracking+"/annulla").expect(t, http.StatusOK, "Vuoi annullare la richiesta?", sub.Number,
		`action="`+tracking+`/annulla"`, "Sì, annulla la richiesta", `href="`+tracking+`"`)
	e.postForm(tracking+"/annulla", nil).redirectsTo(t, `\?esito=annullata#esito$`)
	got := e.find(sub.ID)
	if got.Status != modulario.StatusWithdrawn || got.ClosedAt == nil || got.TakenInChargeAt != nil {
		t.Fatalf("after withdraw: %q closed %v taken %v", got.Status, got.ClosedAt, got.TakenInChargeAt)
	}
	r := e.get(tracking+"?esito=annullata").expect(t, http.StatusOK, "La richiesta è stata annullata.", "Annullata dal cittadino")
	if strings.Contains(r.Body, tracking+"/annulla") {
		t.Error("a closed request still offers withdrawing")
	}
	// Closed requests refuse both actions.
	e.get(tracking+"/annulla").expect(t, http.StatusConflict, "già chiusa")
	e.postForm(tracking+"/annulla", nil).expect(t, http.StatusConflict, "già chiusa")
	ctype, body := integrationBody(t, "Troppo tardi", nil)
	e.post(tracking+"/integrazione", ctype, body).expect(t, http.StatusConflict)
	e.get("/pratiche/sconosciuto/annulla").expect(t, http.StatusNotFound)
}

func TestTrackingActionsNeedTheWorkflow(t *testing.T) {
	t.Parallel()
	e := newLifecycleEnv(t, func(cfg *renderer.Config) { cfg.Workflow = nil })
	sub := e.submitPratica(e.startPratica(), url.Values{"/nome": {"Mario"}})
	r := e.get("/pratiche/"+sub.Token).expect(t, http.StatusOK, sub.Number)
	if strings.Contains(r.Body, "/annulla") {
		t.Error("withdrawing is offered without a workflow")
	}
	e.postForm("/pratiche/"+sub.Token+"/annulla", nil).expect(t, http.StatusNotFound)
}
