package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

func TestRenderPlaceholdersAndEscaping(t *testing.T) {
	st := newStore(t)
	publish(t, st, "")
	f, err := NewEngine(st.forms).Form(context.Background(), "segnalazione", 1)
	if err != nil {
		t.Fatal(err)
	}
	s := submission(`{"tipo":"buca","urgente":true,"indirizzo":{"via":"Via Roma 1"},"descrizione":"**x** <script>alert(1)</script>\n# titolo"}`)
	s.Number, s.Token, s.Status = "2026-0000042", "tok", modulario.StatusInCharge
	s.CreatedAt = time.Date(2026, 3, 5, 9, 7, 0, 0, time.UTC)
	tpl := schemas.Template{Subject: "{{numero}} {{stato}} {{risposta.descrizione}}",
		Body: "{{modulo}} {{data}} {{link}} {{ufficio}} [{{risposta.tipo}}] {{risposta.indirizzo/via}} {{ignoto}}\n\n{{risposta.descrizione}}\n\n{{risposte}}"}
	m := &Message{Submission: s}
	RenderMessage(m, tpl, TemplateData{Form: f, Submission: s, Office: &modulario.Office{Name: "URP"}, TrackingURL: "https://c.it/pratiche/t_o_k"})
	if m.Subject != "2026-0000042 presa in carico **x** <script>alert(1)</script> # titolo" {
		t.Errorf("subject = %q", m.Subject)
	}
	for _, want := range []string{"Segnalazione guasti 05/03/2026 10:07", "URP", "[Buca in strada]", "Via Roma 1", "- Urgente: Sì", "  - Via: Via Roma 1"} {
		if !strings.Contains(m.Markdown, want) {
			t.Errorf("markdown lacks %q:\n%s", want, m.Markdown)
		}
	}
	if strings.Contains(m.Markdown, "ignoto") || strings.Contains(m.HTML, "<script") || strings.Contains(m.HTML, "<strong>x") ||
		strings.Contains(m.HTML, "<h1") || !strings.Contains(m.HTML, "&lt;script&gt;") || !strings.Contains(m.HTML, "**x**") {
		t.Errorf("unsafe rendering:\n%s", m.HTML)
	}
	// The link works in both parts: clickable in HTML, the exact URL in the
	// plain text (no Markdown escape of "_").
	if !strings.Contains(m.HTML, `href="https://c.it/pratiche/t_o_k"`) {
		t.Errorf("HTML lacks the link:\n%s", m.HTML)
	}
	if !strings.Contains(m.Text, " https://c.it/pratiche/t_o_k ") || strings.Contains(m.Text, `\_`) {
		t.Errorf("text part breaks the link:\n%s", m.Text)
	}
}

func TestBuiltinTemplatesUseOnlyKnownPlaceholders(t *testing.T) {
	f, err := schemas.Load([]byte(`{"slug":"a","title":"A","privacy":"P","schema":{"type":"object","properties":{}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for name, tpl := range Builtin {
		schemas.ExpandPlaceholders(tpl.Subject+tpl.Body, func(p string) string {
			if !f.KnownPlaceholder(p) && !slices.Contains(builtinBlocks, p) {
				t.Errorf("%s: unknown placeholder %q", name, p)
			}
			return ""
		})
		if got, ok := FindTemplate(f, name); !ok || got != tpl {
			t.Errorf("FindTemplate(%q) = %v", name, ok)
		}
	}
	if len(schemas.BuiltinTemplates) != len(Builtin) {
		t.Errorf("schemas.BuiltinTemplates = %v, notify has %d built-in templates", schemas.BuiltinTemplates, len(Builtin))
	}
	for _, name := range schemas.BuiltinTemplates {
		if _, ok := Builtin[name]; !ok {
			t.Errorf("schemas names built-in template %q, which notify lacks", name)
		}
	}
	for _, p := range AppointmentPlaceholders {
		if !f.KnownPlaceholder(p) {
			t.Errorf("form templates cannot use {{%s}}: add it to schemas.Placeholders", p)
		}
	}
	if !strings.Contains(Builtin["nuova-richiesta"].Body, "{{risposte}}") {
		t.Error("the office template lacks the answers")
	}
}

func TestMessageAndDeadlinePlaceholders(t *testing.T) {
	st := newStore(t)
	publish(t, st, "")
	f, err := NewEngine(st.forms).Form(context.Background(), "segnalazione", 1)
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 4, 9, 21, 59, 59, 0, time.UTC) // 23:59:59 in Rome
	s := submission(`{}`)
	s.Number, s.Status, s.DueAt = "2026-0000007", modulario.StatusWaiting, &due
	s.Timeline = []modulario.Event{
		{Type: modulario.EventTypeStatusChanged, Status: modulario.StatusWaiting, Message: "Prima richiesta"},
		{Type: modulario.EventTypeNote, Message: "nota interna", Internal: true},
		{Type: modulario.EventTypeStatusChanged, Status: modulario.StatusInCharge, Message: "Ripresa"},
		{Type: modulario.EventTypeStatusChanged, Status: modulario.StatusWaiting, Message: "Manca la *planimetria*"},
		{Type: modulario.EventTypeStatusChanged, Status: modulario.StatusWaiting, Message: "nascosto", Internal: true},
	}
	tpl := schemas.Template{Subject: "{{scadenza}}", Body: "[{{messaggio}}]"}
	subj, md := Render(tpl, TemplateData{Form: f, Submission: s, Status: modulario.StatusWaiting})
	if subj != "09/04/2026" || md != `[Manca la \*planimetria\*]` {
		t.Errorf("waiting: subject %q body %q", subj, md)
	}
	// The message of the status the outbox message is about, not the latest.
	if _, md := Render(tpl, TemplateData{Form: f, Submission: s, Status: modulario.StatusInCharge}); md != "[Ripresa]" {
		t.Errorf("in charge: body %q", md)
	}
	s.DueAt = nil
	if subj, md := Render(tpl, TemplateData{Form: f, Submission: s, Status: modulario.StatusConcluded}); subj != "" || md != "[]" {
		t.Errorf("no deadline, no message: %q %q", subj, md)
	}

	// The default status update shows the office's message and, while
	// waiting for an integration, how to answer.
	_, md = Render(Builtin["aggiornamento-stato"], TemplateData{Form: f, Submission: s, Status: modulario.StatusWaiting})
	for _, want := range []string{"Messaggio dell'ufficio:", `Manca la \*planimetria\*`, "Rispondi all'ufficio", "in attesa di integrazione"} {
		if !strings.Contains(md, want) {
			t.Errorf("aggiornamento-stato lacks %q:\n%s", want, md)
		}
	}
	_, md = Render(Builtin["aggiornamento-stato"], TemplateData{Form: f, Submission: s, Status: modulario.StatusConcluded})
	if strings.Contains(md, "Messaggio dell'ufficio") || strings.Contains(md, "Rispondi all'ufficio") {
		t.Errorf("concluded without message shows the optional blocks:\n%s", md)
	}
	// A citizen's own text is not presented as the office's message.
	s.Timeline = append(s.Timeline, modulario.Event{Type: modulario.EventTypeStatusChanged,
		Status: modulario.StatusIntegrated, Message: "Ecco il file", Actor: modulario.ActorCitizen})
	_, md = Render(Builtin["aggiornamento-stato"], TemplateData{Form: f, Submission: s, Status: modulario.StatusIntegrated})
	if strings.Contains(md, "Messaggio dell'ufficio") {
		t.Errorf("citizen's text shown as the office's:\n%s", md)
	}
	_, md = Render(Builtin["integrazione-ricevuta"], TemplateData{Form: f, Submission: s, Status: modulario.StatusIntegrated})
	if !strings.Contains(md, "Ecco il file") {
		t.Errorf("integrazione-ricevuta lacks the citizen's text:\n%s", md)
	}
}

func TestDefaultTemplateOfLookup(t *testing.T) {
	om := &modulario.OutboxMessage{Event: modulario.EventLookup}
	if got := defaultTemplate(om, Action{Notify: "email", To: []byte(`"citizen"`)}); got != "link-pratica" {
		t.Errorf("lookup default template = %q", got)
	}
	if !strings.Contains(Builtin["link-pratica"].Body, "{{link}}") {
		t.Error("link-pratica lacks the link")
	}
}

func TestNormalizePhone(t *testing.T) {
	ok := map[string]string{
		"333 123 4567": "+393331234567", "0039 333 1234567": "+393331234567", "+39 333-123.4567": "+393331234567",
		"+44 20 7946 0958": "+442079460958", "+1 (415) 555-0100": "+14155550100",
		"+39\u00a0333\u00a01234567": "+393331234567", "333\t123\u202f4567": "+393331234567", "\u2003+39 333 1234567 ": "+393331234567",
		"39 333 1234567": "+393331234567", "393331234567": "+393331234567", "3931234567": "+393931234567",
		"320 1234567": "+393201234567", "3201234567": "+393201234567",
	}
	for in, want := range ok {
		if got, err := NormalizePhone(in); err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "12345", "333 12a4567", "+0 123456789", "99999999999999999", "3+33", "333 123"} {
		if got, err := NormalizePhone(bad); err == nil || !errors.Is(err, ErrPermanent) {
			t.Errorf("NormalizePhone(%q) = %q, %v; want a permanent error", bad, got, err)
		}
	}
	// Landlines and other Italian numbers that no SMS reaches are refused
	// with a reason, also with a 0 after +39 (area codes like 0331 look
	// like mobile prefixes: the 0 is never dropped).
	for in, why := range map[string]string{"06 1234567": "landline", "(06) 1234/567": "landline",
		"+39 0331 234567": "landline", "+39 0333 1234567": "landline",
		"+39 800 123456": "not a mobile"} {
		if got, err := NormalizePhone(in); !errors.Is(err, ErrPermanent) || !strings.Contains(fmt.Sprint(err), why) {
			t.Errorf("NormalizePhone(%q) = %q, %v; want a permanent error saying %q", in, got, err, why)
		}
	}
}

func TestResolveRecipients(t *testing.T) {
	st := newStore(t)
	publish(t, st, "")
	f, _ := NewEngine(st.forms).Form(context.Background(), "segnalazione", 1)
	s := submission(`{"email":"anna@example.it","telefono":"333 1234567","cf":"rssmra85t10a562s","indirizzo":{"zona":"x@y.it"}}`)
	office := &modulario.Office{Slug: "urp", Emails: []string{"urp@c.it", "capo@c.it"}}
	tests := []struct {
		action string
		office *modulario.Office
		want   string // joined recipients, or "!" for a permanent error
	}{
		{`{"notify":"email","to":"office"}`, office, "urp@c.it,capo@c.it"},
		{`{"notify":"email","to":"office"}`, &modulario.Office{Slug: "urp"}, "!"},
		{`{"notify":"email","to":"office"}`, nil, "!"},
		{`{"notify":"email","to":"citizen"}`, nil, "anna@example.it"},
		{`{"notify":"email","to":"citizen","field":"indirizzo/zona"}`, nil, "x@y.it"},
		{`{"notify":"email","to":"citizen","field":"/descrizione"}`, nil, "!"},
		{`{"notify":"email","to":["a@c.it","b@c.it"]}`, nil, "a@c.it,b@c.it"},
		{`{"notify":"email","to":["non valido"]}`, nil, "!"},
		{`{"notify":"sms"}`, nil, "+393331234567"},
		{`{"notify":"whatsapp","field":"cf"}`, nil, "!"},
		{`{"notify":"appio"}`, nil, "RSSMRA85T10A562S"},
		{`{"notify":"webhook","endpoint":"x"}`, nil, ""},
	}
	for _, tt := range tests {
		m := &Message{Submission: s, Form: f, Office: tt.office}
		if err := jsonUnmarshal(tt.action, &m.Action); err != nil {
			t.Fatal(err)
		}
		err := ResolveRecipients(m)
		got := strings.Join(m.Recipients, ",")
		if err != nil {
			got = "!"
			if !errors.Is(err, ErrPermanent) {
				t.Errorf("%s: error %v is not permanent", tt.action, err)
			}
		}
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.action, got, tt.want)
		}
	}
}

// A status-change e-mail to an office or fixed addresses never carries the
// citizen's private link: its default template links the back office.
func TestDefaultStatusTemplateForStaff(t *testing.T) {
	om := &modulario.OutboxMessage{Event: modulario.EventStatusChanged}
	for to, want := range map[string]string{`"citizen"`: "aggiornamento-stato", `"office"`: "aggiornamento-stato-ufficio",
		`["protocollo@comune.example.it"]`: "aggiornamento-stato-ufficio"} {
		if got := defaultTemplate(om, Action{Notify: "email", To: []byte(to)}); got != want {
			t.Errorf("to %s: default template %q, want %q", to, got, want)
		}
	}
	if b := Builtin["aggiornamento-stato-ufficio"].Body; strings.Contains(b, "{{link}}") || !strings.Contains(b, "{{link_ufficio}}") {
		t.Errorf("aggiornamento-stato-ufficio links:\n%s", b)
	}
}
