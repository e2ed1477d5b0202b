package builder_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

func TestRequestDetailShowsAnswersAndIsAudited(t *testing.T) {
	b := newBackoffice(t)
	sub := b.addRequest("perdite", "acquedotto", "Perdita in via <Roma>")
	c := b.login("anna@comune.example")
	res, body := c.get(reqPath(sub))
	wantStatus(t, "detail", res, body, http.StatusOK)
	wantContains(t, "detail", body, "Richiesta "+sub.Number, "Segnalazione perdite", "versione 1",
		"Il problema", "Oggetto", "Perdita in via &lt;Roma&gt;", "mario.rossi@example.org", "Ricevuta",
		"Richiesta ricevuta", "Presa in carico", `name="se_stato" value="received"`)
	if a := auditOf(t, b.env, sub.ID); !contains(a, "submission.view") {
		t.Errorf("view not audited: %v", a)
	}

	res, body = c.post(reqPath(sub)+"/nota", url.Values{"nota": {"Chiamare il tecnico reperibile"}, "se_stato": {"received"}})
	wantStatus(t, "note", res, body, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != reqPath(sub)+"?ok=ok.request_note" {
		t.Errorf("note redirected to %q", loc)
	}
	_, body = c.get(reqPath(sub) + "?ok=ok.request_note")
	wantContains(t, "note shown to staff", body, "Nota interna aggiunta.", "Chiamare il tecnico reperibile", "(interno)", "anna")
	if a := auditOf(t, b.env, sub.ID); !contains(a, "submission.note") {
		t.Errorf("note not audited: %v", a)
	}
	res, body = c.post(reqPath(sub)+"/nota", url.Values{"nota": {"  "}})
	wantStatus(t, "empty note", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "empty note", body, "Scrivi il testo della nota.", `href="#note"`)
}

func TestRequestActions(t *testing.T) {
	b := newBackoffice(t)
	sub := b.addRequest("perdite", "acquedotto", "Perdita")
	c := b.login("anna@comune.example")

	res, body := c.post(reqPath(sub)+"/prendi", url.Values{"se_stato": {"received"}})
	wantStatus(t, "take", res, body, http.StatusSeeOther)
	got := b.find(sub.ID)
	if got.Status != modulario.StatusInCharge || got.Assignee != b.opA.ID || got.TakenInChargeAt == nil {
		t.Fatalf("after take: status %s assignee %q taken %v", got.Status, got.Assignee, got.TakenInChargeAt)
	}

	res, body = c.post(reqPath(sub)+"/stato", url.Values{"stato": {"waiting_integration"}, "se_stato": {"in_charge"},
		"messaggio": {"Serve una foto del contatore."}})
	wantStatus(t, "status", res, body, http.StatusSeeOther)
	got = b.find(sub.ID)
	last := got.Timeline[len(got.Timeline)-1]
	if got.Status != modulario.StatusWaiting || last.Message != "Serve una foto del contatore." || last.Actor != b.opA.ID {
		t.Fatalf("after status: %s, last event %+v", got.Status, last)
	}
	// A status the lifecycle does not allow from here.
	res, body = c.post(reqPath(sub)+"/stato", url.Values{"stato": {"received"}, "se_stato": {"waiting_integration"}})
	wantStatus(t, "bad status", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "bad status", body, "Scegli uno stato consentito.")
	// The page was loaded before someone else changed the status.
	res, body = c.post(reqPath(sub)+"/stato", url.Values{"stato": {"concluded"}, "se_stato": {"in_charge"}})
	wantStatus(t, "conflict", res, body, http.StatusConflict)
	wantContains(t, "conflict", body, "Nel frattempo qualcun altro ha modificato la richiesta")
	if b.find(sub.ID).Status != modulario.StatusWaiting {
		t.Fatal("a conflicting change was applied")
	}

	res, body = c.post(reqPath(sub)+"/assegna", url.Values{"assegnatario": {b.opB.ID}})
	wantStatus(t, "assign other office", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "assign other office", body, "Scegli una persona attiva dell&#39;ufficio della richiesta.")
	res, body = c.post(reqPath(sub)+"/assegna", url.Values{"assegnatario": {b.opA2.ID}})
	wantStatus(t, "assign", res, body, http.StatusSeeOther)
	if got := b.find(sub.ID); got.Assignee != b.opA2.ID {
		t.Fatalf("assignee %q, want %q", got.Assignee, b.opA2.ID)
	}

	res, body = c.post(reqPath(sub)+"/ufficio", url.Values{"ufficio": {"urp"}})
	wantStatus(t, "reroute without reason", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "reroute without reason", body, "Scrivi il motivo del trasferimento.")
	res, body = c.post(reqPath(sub)+"/ufficio", url.Values{"ufficio": {"urp"}, "motivo": {"Non è di nostra competenza"}})
	wantStatus(t, "reroute", res, body, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/admin/richieste?") {
		t.Errorf("reroute away from one's offices redirected to %q, want the inbox", loc)
	}
	got = b.find(sub.ID)
	if got.Office != "urp" || got.Assignee != "" {
		t.Fatalf("after reroute: office %q assignee %q", got.Office, got.Assignee)
	}
	res, _ = c.get(reqPath(sub))
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("operator A opens a request moved to URP: %d", res.StatusCode)
	}
	_, body = b.login("bruno@comune.example").get(reqPath(sub))
	wantContains(t, "rerouted timeline", body, "Trasferita all&#39;ufficio URP", "Non è di nostra competenza", "Assegnata a aldo")

	a := auditOf(t, b.env, sub.ID)
	for _, want := range []string{"submission.take", "submission.status", "submission.assign", "submission.reroute"} {
		if !contains(a, want) {
			t.Errorf("%s not audited: %v", want, a)
		}
	}
}

func TestRequestOfAnotherOfficeIsNotFound(t *testing.T) {
	b := newBackoffice(t)
	ctx := context.Background()
	att := &modulario.Attachment{Name: "foto.jpg", ContentType: "image/jpeg"}
	if err := b.Attachments.PutAttachment(ctx, att, "", []byte("jpeg")); err != nil {
		t.Fatal(err)
	}
	sub := b.addRequest("perdite", "acquedotto", "Perdita", *att)
	c := b.login("bruno@comune.example")
	for _, p := range []string{reqPath(sub), reqPath(sub) + "/allegati/" + att.ID, "/admin/richieste/999999"} {
		res, body := c.get(p)
		wantStatus(t, "GET "+p, res, body, http.StatusNotFound)
	}
	for _, action := range []string{"prendi", "stato", "assegna", "ufficio", "nota"} {
		res, body := c.post(reqPath(sub)+"/"+action, url.Values{"stato": {"in_charge"}, "nota": {"x"},
			"assegnatario": {b.opB.ID}, "ufficio": {"urp"}, "motivo": {"x"}})
		wantStatus(t, "POST "+action, res, body, http.StatusNotFound)
	}
	got := b.find(sub.ID)
	if got.Status != modulario.StatusReceived || got.Office != "acquedotto" || len(got.Timeline) != 1 {
		t.Fatalf("another office's operator changed the request: %+v", got)
	}
	if a := auditOf(t, b.env, sub.ID); len(a) != 0 {
		t.Errorf("refused requests were audited as views: %v", a)
	}
}

func TestRequestAttachmentDownload(t *testing.T) {
	b := newBackoffice(t)
	ctx := context.Background()
	pdf := &modulario.Attachment{Name: "relazione è finale.pdf", ContentType: "application/pdf"}
	page := &modulario.Attachment{Name: "pagina\".html", ContentType: "text/html"}
	stray := &modulario.Attachment{Name: "altro.pdf", ContentType: "application/pdf"}
	for _, a := range []*modulario.Attachment{pdf, page, stray} {
		if err := b.Attachments.PutAttachment(ctx, a, "", []byte("%PDF-1.4 <script>")); err != nil {
			t.Fatal(err)
		}
	}
	sub := b.addRequest("perdite", "acquedotto", "Perdita", *pdf, *page)
	c := b.login("anna@comune.example")

	_, body := c.get(reqPath(sub))
	wantContains(t, "attachments listed", body, "relazione è finale.pdf", "application/pdf", "17 byte",
		reqPath(sub)+"/allegati/"+pdf.ID)

	res, body := c.get(reqPath(sub) + "/allegati/" + pdf.ID)
	wantStatus(t, "download", res, body, http.StatusOK)
	h := res.Header
	if got := h.Get("Content-Disposition"); got != `attachment; filename="relazione _ finale.pdf"; filename*=UTF-8''relazione%20%C3%A8%20finale.pdf` {
		t.Errorf("Content-Disposition %q", got)
	}
	if h.Get("Content-Type") != "application/pdf" || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Cache-Control") != "private, no-store" || body != "%PDF-1.4 <script>" {
		t.Errorf("download headers %v body %q", h, body)
	}
	res, _ = c.get(reqPath(sub) + "/allegati/" + page.ID)
	if ct := res.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("an HTML attachment is served as %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="pagina_.html"; filename*=UTF-8''pagina%22.html`) {
		t.Errorf("quote in a name not neutralised: %q", cd)
	}
	res, body = c.get(reqPath(sub) + "/allegati/" + stray.ID)
	wantStatus(t, "attachment of no request", res, body, http.StatusNotFound)
	if a := auditOf(t, b.env, sub.ID); !contains(a, "submission.attachment") {
		t.Errorf("download not audited: %v", a)
	}
}

func TestStaffEntryLink(t *testing.T) {
	b := newBackoffice(t)
	c := b.login("anna@comune.example")
	res, body := c.get("/admin/richieste/nuova")
	wantStatus(t, "entry form", res, body, http.StatusOK)
	wantContains(t, "entry form", body, `value="perdite"`, "Telefono", "Sportello", "<legend")
	if strings.Contains(body, `value="informazioni"`) {
		t.Error("operator A may enter requests on another office's form")
	}
	res, body = c.post("/admin/richieste/nuova", url.Values{"modulo": {"perdite"}, "canale": {"telefono"}})
	wantStatus(t, "entry start", res, body, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	token, ok := strings.CutPrefix(loc, "/servizi/perdite/sportello/")
	if !ok {
		t.Fatalf("entry redirected to %q", loc)
	}
	slug, ch, uid, err := modulario.VerifyEntry([]byte("preview-key"), token, b.clock.Now().Add(time.Hour))
	if err != nil || slug != "perdite" || ch != modulario.ChannelPhone || uid != b.opA.ID {
		t.Fatalf("VerifyEntry = %q %q %q %v", slug, ch, uid, err)
	}
	if _, _, _, err := modulario.VerifyEntry([]byte("preview-key"), token, b.clock.Now().Add(3*time.Hour)); modulario.ErrorCode(err) != modulario.EGONE {
		t.Errorf("entry link still valid after 3 hours: %v", err)
	}
	if !contains(auditActions(t, b.env, "perdite"), "submission.entry") {
		t.Error("staff entry not audited")
	}
	res, body = c.post("/admin/richieste/nuova", url.Values{"modulo": {"informazioni"}, "canale": {"sportello"}})
	wantStatus(t, "entry other office", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "entry other office", body, "Scegli un modulo pubblicato dei tuoi uffici.")
}

func TestInboxPostsNeedCSRF(t *testing.T) {
	b := newBackoffice(t)
	sub := b.addRequest("perdite", "acquedotto", "Perdita")
	c := b.login("anna@comune.example")
	id := reqPath(sub)
	for _, p := range []string{id + "/prendi", id + "/nota", "/admin/richieste/azioni", "/admin/richieste/nuova"} {
		res, body := c.postForm(p, url.Values{"nota": {"x"}, "azione": {"prendi"}, "sel": {strings.TrimPrefix(id, "/admin/richieste/") + ":received"},
			"modulo": {"perdite"}, "canale": {"telefono"}})
		wantStatus(t, "POST "+p+" without CSRF", res, body, http.StatusForbidden)
	}
	if got := b.find(sub.ID); got.Status != modulario.StatusReceived || len(got.Timeline) != 1 {
		t.Fatalf("a POST without CSRF token changed the request: %+v", got)
	}
}
