package notify

import (
	"context"
	"errors"
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
	RenderMessage(m, tpl, TemplateData{Form: f, Submission: s, Office: &modulario.Office{Name: "URP"}, TrackingURL: "https://c.it/pratiche/tok"})
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
	if m.Text != m.Markdown {
		t.Error("text is not the markdown")
	}
}

func TestBuiltinTemplatesUseOnlyKnownPlaceholders(t *testing.T) {
	f, err := schemas.Load([]byte(`{"slug":"a","title":"A","privacy":"P","schema":{"type":"object","properties":{}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for name, tpl := range Builtin {
		schemas.ExpandPlaceholders(tpl.Subject+tpl.Body, func(p string) string {
			if !f.KnownPlaceholder(p) {
				t.Errorf("%s: unknown placeholder %q", name, p)
			}
			return ""
		})
		if got, ok := FindTemplate(f, name); !ok || got != tpl {
			t.Errorf("FindTemplate(%q) = %v", name, ok)
		}
	}
	if !strings.Contains(Builtin["nuova-richiesta"].Body, "{{risposte}}") {
		t.Error("the office template lacks the answers")
	}
}

func TestNormalizePhone(t *testing.T) {
	ok := map[string]string{
		"333 123 4567": "+393331234567", "0039 333 1234567": "+393331234567", "+39 333-123.4567": "+393331234567",
		"06 1234567": "+39061234567", "(06) 1234/567": "+39061234567", "+44 20 7946 0958": "+442079460958",
	}
	for in, want := range ok {
		if got, err := NormalizePhone(in); err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "12345", "333 12a4567", "+0 123456789", "99999999999999999", "3+33"} {
		if got, err := NormalizePhone(bad); err == nil || !errors.Is(err, ErrPermanent) {
			t.Errorf("NormalizePhone(%q) = %q, %v; want a permanent error", bad, got, err)
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
