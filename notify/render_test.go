package notify

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/modulario/modulario/schemas"
)

// TestOfficeEmailLinksAndPlainText: the office e-mail links the request's
// back-office page, not the citizen's private tracking link; its text
// part shows answers without Markdown escapes; URLs and addresses the
// citizen typed are not links in its HTML.
func TestOfficeEmailLinksAndPlainText(t *testing.T) {
	st := newStore(t)
	subs := setup(t, st, `{"email":"mario_rossi@example.it","telefono":"+39 333 1234567",
	  "descrizione":"Accedi a https://evil.example/login o www.phish.example *subito*"}`)
	clk := &clock{t: time.Now()}
	ch := &recordingChannel{name: "email"}
	drain(t, dispatcher(st, clk, ch), clk)
	var off, cit *Message
	for _, m := range ch.sent {
		if m.Recipients[0] == "urp@comune.example.it" {
			off = m
		} else {
			cit = m
		}
	}
	if off == nil || cit == nil {
		t.Fatalf("sent %d messages", len(ch.sent))
	}
	staff := "https://comune.example.it/admin/richieste/" + strconv.FormatUint(subs[0].ID, 10)
	if !strings.Contains(off.Text, staff) || !strings.Contains(off.HTML, `href="`+staff+`"`) ||
		strings.Contains(off.Text+off.HTML, "/pratiche/") {
		t.Errorf("office e-mail links:\ntext %s\nhtml %s", off.Text, off.HTML)
	}
	if !strings.Contains(cit.Text, cit.TrackingURL) || !strings.Contains(cit.HTML, `href="`+cit.TrackingURL+`"`) {
		t.Errorf("the receipt lost the tracking link:\n%s", cit.Text)
	}
	for _, want := range []string{"- Email: mario_rossi@example.it\n", "- Telefono: +39 333 1234567\n", "*subito*"} {
		if !strings.Contains(off.Text, want) {
			t.Errorf("text part lacks %q:\n%s", want, off.Text)
		}
	}
	if strings.Contains(off.Text, `\`) {
		t.Errorf("Markdown escapes in the text part:\n%s", off.Text)
	}
	for _, bad := range []string{`href="https://evil.example`, `href="http://www.phish`, `href="mailto:mario`, "<em>subito"} {
		if strings.Contains(off.HTML, bad) {
			t.Errorf("office HTML has %q:\n%s", bad, off.HTML)
		}
	}
}

// TestRenderCapsSubjectAndLinksTemplateURLs: an answer in the subject
// cannot make it longer than MaxSubject characters; a URL the template
// writes stays a link although the HTML has no Linkify.
func TestRenderCapsSubjectAndLinksTemplateURLs(t *testing.T) {
	st := newStore(t)
	publish(t, st, "")
	f, err := NewEngine(st.forms).Form(context.Background(), "segnalazione", 1)
	if err != nil {
		t.Fatal(err)
	}
	s := submission(`{"descrizione":"` + strings.Repeat("lungo ", 20000) + `"}`)
	tpl := schemas.Template{Subject: "Ciao {{risposta.descrizione}}",
		Body: "Info: https://comune.example.it/tari. Numero {{numero}}: https://comune.example.it/q?n={{numero}}\n{{risposta.descrizione}}"}
	m := &Message{}
	RenderMessage(m, tpl, TemplateData{Form: f, Submission: s})
	if n := utf8.RuneCountInString(m.Subject); n > MaxSubject || !strings.HasSuffix(m.Subject, "…") || !strings.HasPrefix(m.Subject, "Ciao lungo") {
		t.Errorf("subject of %d characters: %.60q…", n, m.Subject)
	}
	if !strings.Contains(m.HTML, `<a href="https://comune.example.it/tari">https://comune.example.it/tari</a>.`) {
		t.Errorf("the template's URL is not a link:\n%.300s", m.HTML)
	}
}

// TestTextMessagesArePlainAndShort: SMS and WhatsApp use the short
// plain-text built-in templates (no Markdown, GSM 7-bit, one segment with
// the link whole); a form's own template loses its Markdown syntax.
func TestTextMessagesArePlainAndShort(t *testing.T) {
	st := newStore(t)
	publish(t, st, `"templates":{"breve":{"subject":"x","body":"# Avviso\n\n**Richiesta {{numero}}** ricevuta: [la pratica](https://comune.example.it/aiuto), <{{link}}>"}},
	  "rules":[{"name":"sms","on":"submission.received","then":[{"notify":"sms"},{"notify":"sms","template":"richiesta-ricevuta"},
	    {"notify":"whatsapp","template":"breve"}]}]`)
	s := submit(t, st, `{"telefono":"333 1234567"}`)
	clk := &clock{t: time.Now()}
	sms, wa := &recordingChannel{name: "sms"}, &recordingChannel{name: "whatsapp"}
	drain(t, dispatcher(st, clk, sms, wa), clk)
	if len(sms.sent) != 2 || len(wa.sent) != 1 {
		t.Fatalf("sent %d sms, %d whatsapp", len(sms.sent), len(wa.sent))
	}
	for _, m := range sms.sent {
		want := "Richiesta " + s.Number + " ricevuta: Segnalazione guasti. Segua la pratica qui: " + m.TrackingURL
		if m.Text != want {
			t.Errorf("sms text %q, want %q", m.Text, want)
		}
		if segs, gsm := smsSegments(fitText(m.Text, 160, m.TrackingURL)); segs != 1 || !gsm {
			t.Errorf("%d segments, GSM 7-bit %v", segs, gsm)
		}
	}
	want := "Avviso\n\nRichiesta " + s.Number + " ricevuta: la pratica (https://comune.example.it/aiuto), " + wa.sent[0].TrackingURL
	if got := wa.sent[0].Text; got != want {
		t.Errorf("whatsapp text %q, want %q", got, want)
	}
	for name, tpl := range BuiltinText {
		if _, ok := Builtin[name]; !ok {
			t.Errorf("text template %q has no e-mail template", name)
		}
		if segs, gsm := smsSegments(tpl.Body); !gsm || segs != 1 || !strings.HasSuffix(tpl.Body, "{{link}}") {
			t.Errorf("text template %q: GSM %v, %d segments, link last %v", name, gsm, segs, strings.HasSuffix(tpl.Body, "{{link}}"))
		}
	}
}
