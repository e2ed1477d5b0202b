package notify

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// unsafeHTML matches markup that would run in a mail client or browser.
var unsafeHTML = regexp.MustCompile(`(?i)<script|<img|<svg|<iframe|<[a-z][^>]*\son\w+\s*=|href\s*=\s*["']?\s*javascript:`)

// TestHostileAnswersInEmails renders every built-in template with script
// payloads in each text answer: the HTML part never carries live markup.
func TestHostileAnswersInEmails(t *testing.T) {
	st := newStore(t)
	publish(t, st, "")
	f, err := NewEngine(st.forms).Form(context.Background(), "segnalazione", 1)
	if err != nil {
		t.Fatal(err)
	}
	payloads := []string{
		`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `[clic](javascript:alert(1))`,
		`<svg/onload=alert(1)>`, `<a href="javascript:alert(1)">x</a>`, `![x](javascript:alert(1))`,
		"riga\r\nBcc: x@evil.example", `=HYPERLINK("http://evil.example")`,
	}
	for _, p := range payloads {
		q := strconvQuote(p)
		s := submission(`{"tipo":"buca","descrizione":` + q + `,"indirizzo":{"via":` + q + `},"email":"a@b.it"}`)
		s.Number, s.Token = "2026-0000001", "tok"
		for _, name := range []string{"richiesta-ricevuta", "nuova-richiesta", "aggiornamento-stato"} {
			tpl, ok := FindTemplate(f, name)
			if !ok {
				t.Fatalf("no built-in template %s", name)
			}
			m := &Message{Submission: s}
			RenderMessage(m, tpl, TemplateData{Form: f, Submission: s, TrackingURL: "https://c.it/pratiche/tok"})
			if loc := unsafeHTML.FindString(m.HTML); loc != "" {
				t.Errorf("%s with %q: HTML carries %q:\n%s", name, p, loc, m.HTML)
			}
			if strings.ContainsAny(m.Subject, "\r\n") {
				t.Errorf("%s with %q: subject has a line break", name, p)
			}
		}
	}
}

// TestEmailRefusesHeaderInjection: a recipient or subject with a line
// break never becomes a message.
func TestEmailRefusesHeaderInjection(t *testing.T) {
	cfg, err := ParseSMTPURL("smtp://127.0.0.1:2525?tls=none")
	if err != nil {
		t.Fatal(err)
	}
	cfg.From = "Comune <noreply@comune.example>"
	e, err := NewEmail(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []*Message{
		{ID: "id1", Recipients: []string{"a@b.it\r\nBcc: x@evil.example"}, Subject: "s"},
		{ID: "id2", Recipients: []string{"a@b.it\nBcc: x@evil.example"}, Subject: "s"},
		{ID: "id3", Recipients: []string{"a@b.it"}, Subject: "s\r\nBcc: x@evil.example"},
		{ID: "id4\r\nBcc: x@evil.example", Recipients: []string{"a@b.it"}, Subject: "s"},
		{ID: "id5", Recipients: []string{"a@b.it"}, Subject: "s", Files: []File{{Name: "a.pdf\r\nBcc: x@evil.example"}}},
	} {
		if _, err := e.build(m); err == nil {
			t.Errorf("message %q to %q with subject %q was built", m.ID, m.Recipients, m.Subject)
		}
	}
}

// TestSSRFAddressesRefused: webhooks and providers never reach loopback,
// link-local (cloud metadata), private or unspecified addresses unless the
// network is allowlisted.
func TestSSRFAddressesRefused(t *testing.T) {
	refused := []string{"127.0.0.1", "127.1.2.3", "::1", "169.254.169.254", "fe80::1", "0.0.0.0", "::",
		"10.0.0.1", "172.16.0.1", "192.168.1.1", "fd00::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "224.0.0.1", "255.255.255.255"}
	var p NetPolicy
	for _, a := range refused {
		if err := p.Check(netip.MustParseAddr(a)); err == nil {
			t.Errorf("%s allowed by the default policy", a)
		}
	}
	if err := p.Check(netip.MustParseAddr("93.184.216.34")); err != nil {
		t.Errorf("public address refused: %v", err)
	}
	allow := NetPolicy{AllowedNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	if err := allow.Check(netip.MustParseAddr("127.0.0.1")); err != nil {
		t.Errorf("allowlisted loopback refused: %v", err)
	}
	if err := allow.Check(netip.MustParseAddr("169.254.169.254")); err == nil {
		t.Error("metadata address allowed by a loopback allowlist")
	}
}

// TestSSRFRequestNeverLeaves: a request to a loopback receiver through the
// policy's client fails before the receiver sees anything.
func TestSSRFRequestNeverLeaves(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	client := NetPolicy{}.HTTPClient(2 * time.Second)
	for _, u := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)} {
		if resp, err := client.Get(u); err == nil {
			resp.Body.Close()
			t.Errorf("request to %s went through", u)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("loopback receiver got %d requests", n)
	}
}

// strconvQuote quotes s as a JSON string.
func strconvQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\r':
			b.WriteString(`\r`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
