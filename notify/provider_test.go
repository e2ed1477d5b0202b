package notify

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// gatewayRequest is what the fake SMS gateway received.
type gatewayRequest struct {
	Method, Path, Query, Body string
	Header                    http.Header
}

type fakeGateway struct {
	mu    sync.Mutex
	got   []gatewayRequest
	reply string
	fail  int
}

func (g *fakeGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.got = append(g.got, gatewayRequest{r.Method, r.URL.Path, r.URL.RawQuery, string(body), r.Header.Clone()})
	if g.fail != 0 {
		w.WriteHeader(g.fail)
		return
	}
	_, _ = io.WriteString(w, g.reply)
}

func startGateway(t *testing.T, reply string) (*fakeGateway, string) {
	t.Helper()
	g := &fakeGateway{reply: reply}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv.URL
}

const smsText = `Richiesta "2026-0000007" ricevuta & presa in carico: https://comune.example.it/r?t=a+b`

func TestProviderJSONBody(t *testing.T) {
	g, base := startGateway(t, `{"sid":"SM123"}`)
	cfg, err := ParseProviderConfig([]byte(`{"name":"sms","url":"`+base+`/v1/sms",
		"headers":{"Authorization":"Bearer tok-123","Content-Type":"application/json; charset=utf-8"},
		"body":"{\"to\":\"{{to}}\",\"text\":\"{{text}}\",\"ref\":\"{{id}}\"}","max_length":1600}`), "sms")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Network = loopback
	p, err := NewProvider(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := p.Send(context.Background(), &Message{ID: "m-1", Recipients: []string{"+393331234567"}, Text: smsText})
	if err != nil {
		t.Fatal(err)
	}
	if ref != "SM123" || p.Name() != "sms" || len(g.got) != 1 {
		t.Fatalf("ref %q name %q requests %d", ref, p.Name(), len(g.got))
	}
	r := g.got[0]
	if r.Method != http.MethodPost || r.Path != "/v1/sms" || r.Header.Get("Authorization") != "Bearer tok-123" {
		t.Errorf("request %+v", r)
	}
	var body map[string]string
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.Body, err)
	}
	if body["to"] != "+393331234567" || body["text"] != smsText || body["ref"] != "m-1" {
		t.Errorf("body %v", body)
	}
	if s := cfg.String(); strings.Contains(s, "tok-123") || !strings.Contains(s, "Authorization=[redacted]") {
		t.Errorf("String() = %q", s)
	}
}

func TestProviderFormBodyAndURLPlaceholders(t *testing.T) {
	g, base := startGateway(t, `{"message_id":"wa-9"}`)
	p, err := NewProvider(ProviderConfig{
		Name: "whatsapp", URL: base + "/send?channel=wa&dest={{to}}", Method: "put",
		Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Api-Key": "k"},
		Body:    "To={{to}}&Body={{text}}", MaxLength: 20, Network: loopback,
	})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := p.Send(context.Background(), &Message{ID: "m-2", Recipients: []string{"+393331234567"}, Text: smsText})
	if err != nil || ref != "wa-9" {
		t.Fatalf("ref %q err %v", ref, err)
	}
	r := g.got[0]
	q, _ := url.ParseQuery(r.Query)
	form, err := url.ParseQuery(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != http.MethodPut || q.Get("dest") != "+393331234567" || form.Get("To") != "+393331234567" {
		t.Errorf("request %+v", r)
	}
	if b := form.Get("Body"); utf8.RuneCountInString(b) > 20 || !strings.HasSuffix(b, "...") || !strings.HasPrefix(b, `Richiesta "2026`) {
		t.Errorf("text not truncated to 20 chars: %q", b)
	}
}

func TestProviderRawBodyAndErrors(t *testing.T) {
	g, base := startGateway(t, "OK")
	p, _ := NewProvider(ProviderConfig{Name: "sms", URL: base, Body: "{{to}}|{{text}}", Network: loopback,
		Headers: map[string]string{"Content-Type": "text/plain"}})
	if ref, err := p.Send(context.Background(), &Message{ID: "m", Recipients: []string{"+39061234567"}, Text: "a&b"}); err != nil || ref != "" {
		t.Fatalf("ref %q err %v", ref, err)
	}
	if g.got[0].Body != "+39061234567|a&b" {
		t.Errorf("raw body %q", g.got[0].Body)
	}
	g.fail = http.StatusBadRequest
	if _, err := p.Send(context.Background(), &Message{Recipients: []string{"+39"}, Text: "x"}); !errors.Is(err, ErrPermanent) {
		t.Errorf("400: err %v, want permanent", err)
	}
	// A configuration error (wrong key, moved endpoint) or an outage is
	// retried; only what is wrong with the message itself is not.
	for _, status := range []int{401, 403, 404, 408, 429, 500, 503} {
		g.fail = status
		if _, err := p.Send(context.Background(), &Message{Recipients: []string{"+39"}, Text: "x"}); err == nil || errors.Is(err, ErrPermanent) {
			t.Errorf("%d: err %v, want retryable", status, err)
		}
	}
	for _, status := range []int{400, 410, 413, 422} {
		g.fail = status
		if _, err := p.Send(context.Background(), &Message{Recipients: []string{"+39"}, Text: "x"}); !errors.Is(err, ErrPermanent) {
			t.Errorf("%d: err %v, want permanent", status, err)
		}
	}
	blocked, _ := NewProvider(ProviderConfig{Name: "sms", URL: base})
	if _, err := blocked.Send(context.Background(), &Message{Recipients: []string{"+39"}, Text: "x"}); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("loopback gateway without allowlist: err %v", err)
	}
}

func TestParseProviderConfigInvalid(t *testing.T) {
	for _, raw := range []string{
		`{"name":"whatsapp","url":"https://gw.example"}`,
		`{"url":"ftp://gw.example"}`,
		`{"url":"https://gw.example","method":"DELETE"}`,
		`{"url":"https://gw.example","bogus":1}`,
		`{"url":"https://gw.example","max_length":-1}`,
		`{"url":"https://gw.example","body":"{{to}}|{{text}}"}`,
		`{"url":"https://gw.example","body":"{\"to\": {{to}}, \"text\": \"{{text}}\"}"}`,
		`{"url":"https://gw.example","headers":{"content-type":"application/json"},"body":"{\"text\": {{text}}}"}`,
		`{"url":"https://gw.example","headers":{"Content-Type":"json; ;"},"body":"x"}`,
	} {
		if _, err := ParseProviderConfig([]byte(raw), "sms"); err == nil {
			t.Errorf("%s accepted", raw)
		}
	}
	if _, err := ParseProviderConfig([]byte(`{"name":"fax","url":"https://gw.example"}`), "fax"); err == nil {
		t.Error("channel fax accepted")
	}
	c, err := ParseProviderConfig([]byte(`{"url":"https://gw.example","body":"to={{to}}&text={{text}}"}`), "whatsapp")
	if err != nil || c.Name != "whatsapp" {
		t.Errorf("config without name: %+v, %v", c, err)
	}
}

// TestProviderEscapesInjection: whatever the citizen wrote, the gateway
// gets one "to" and the whole text: values are escaped for the body's
// type, also when no Content-Type header is configured (then inferred
// from the body and sent).
func TestProviderEscapesInjection(t *testing.T) {
	hostile := "Q\", \"to\": \"+19005550100\"}\n&to=+19005550100 </text><to>+19005550100</to> \u2028 \\"
	tests := []struct {
		name, body, header, wantType string
		parse                        func(string) (to, text string, err error)
	}{
		{"json inferred", `{"to": "{{to}}", "text": "{{text}}", "ref": "{{id}}"}`, "", "application/json", parseJSONBody},
		{"json array inferred", `[{"to": "{{to}}", "text": "{{text}}"}]`, "", "application/json", func(b string) (string, string, error) {
			return parseJSONBody(strings.TrimSuffix(strings.TrimPrefix(b, "["), "]"))
		}},
		{"json declared", `{"to": "{{to}}", "text": "{{text}}"}`, "application/vnd.gw+json", "application/vnd.gw+json", parseJSONBody},
		{"form inferred", `to={{to}}&text={{text}}&ref={{id}}`, "", "application/x-www-form-urlencoded", func(b string) (string, string, error) {
			v, err := url.ParseQuery(b)
			if len(v["to"]) != 1 {
				return "", "", fmt.Errorf("to = %q", v["to"])
			}
			return v.Get("to"), v.Get("text"), err
		}},
		{"xml declared", `<sms><to>{{to}}</to><text>{{text}}</text></sms>`, "application/xml", "application/xml", func(b string) (string, string, error) {
			var v struct {
				To   []string `xml:"to"`
				Text string   `xml:"text"`
			}
			err := xml.Unmarshal([]byte(b), &v)
			if len(v.To) != 1 {
				return "", "", fmt.Errorf("to = %q", v.To)
			}
			return v.To[0], v.Text, err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, base := startGateway(t, "{}")
			cfg := ProviderConfig{Name: "sms", URL: base, Body: tt.body, Network: loopback}
			if tt.header != "" {
				cfg.Headers = map[string]string{"Content-Type": tt.header}
			}
			p, err := NewProvider(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Send(context.Background(), &Message{ID: "m-1", Recipients: []string{"+393331234567"}, Text: hostile}); err != nil {
				t.Fatal(err)
			}
			r := g.got[0]
			if ct := r.Header.Get("Content-Type"); ct != tt.wantType {
				t.Errorf("Content-Type %q, want %q", ct, tt.wantType)
			}
			to, text, err := tt.parse(r.Body)
			if err != nil || to != "+393331234567" || text != hostile {
				t.Errorf("body %s: to %q text %q err %v", r.Body, to, text, err)
			}
		})
	}
}

func parseJSONBody(b string) (to, text string, err error) {
	dec := json.NewDecoder(strings.NewReader(b))
	var v map[string]string
	if err := dec.Decode(&v); err != nil {
		return "", "", err
	}
	if strings.Count(b, `"to"`) != 1 {
		return "", "", fmt.Errorf("two to keys in %s", b)
	}
	return v["to"], v["text"], nil
}

// gsm7 is the GSM 03.38 basic alphabet; gsm7Ext its extension table
// (two characters each).
const (
	gsm7    = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsm7Ext = "^{}\\[~]|€"
)

// smsSegments is how many SMS a text takes and whether it fits the GSM
// 7-bit alphabet (160 characters, 153 a part) rather than UCS-2 (70, 67).
func smsSegments(s string) (segments int, gsm bool) {
	units := 0
	gsm = true
	for _, r := range s {
		switch {
		case strings.ContainsRune(gsm7, r):
			units++
		case strings.ContainsRune(gsm7Ext, r):
			units += 2
		default:
			gsm = false
		}
	}
	single, part := 160, 153
	if !gsm {
		units, single, part = utf8.RuneCountInString(s), 70, 67
	}
	if units <= single {
		return 1, gsm
	}
	return (units + part - 1) / part, gsm
}

// TestFitTextKeepsLink: a text too long for max_length is cut before the
// tracking link, never in it, with "..." (GSM 7-bit).
func TestFitTextKeepsLink(t *testing.T) {
	link := "https://comune.example.it/pratiche/AbCdEfGhIjKlMnOpQrStUv"
	long := "Richiesta 2026-0000001 ricevuta: " + strings.Repeat("Segnalazione di un guasto molto lungo ", 5) + ". Segua la pratica qui: " + link + "\n\nCordiali saluti, Ufficio tecnico"
	for _, max := range []int{160, 100, 70} {
		got := fitText(long, max, link)
		if n := utf8.RuneCountInString(got); n > max || !strings.HasSuffix(got, " "+link) || !strings.Contains(got, "...") {
			t.Errorf("max %d: %d chars %q", max, n, got)
		}
		if segs, gsm := smsSegments(got); max == 160 && (segs != 1 || !gsm) {
			t.Errorf("max 160: %d segments, gsm %v: %q", segs, gsm, got)
		}
	}
	if got := fitText("Breve: "+link+" e poi una coda da togliere", 7+len(link)+3, link); got != "Breve: "+link {
		t.Errorf("what follows the link is dropped: %q", got)
	}
	if got := fitText(long, 30, link); got != "Richiesta 2026-0000001..." {
		t.Errorf("link longer than max: %q", got)
	}
	if got := fitText("corto", 160, link); got != "corto" {
		t.Errorf("short text changed: %q", got)
	}
}

// TestReadmeGatewayExample loads the SMS/WhatsApp gateway file the README
// documents, so the example keeps working at start-up.
func TestReadmeGatewayExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "SMS/WhatsApp gateway file")
	_, block, ok2 := strings.Cut(after, "```json\n")
	example, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("the README has no gateway file example")
	}
	for _, name := range []string{"sms", "whatsapp"} {
		cfg, err := ParseProviderConfig([]byte(example), name)
		if err != nil {
			t.Fatalf("README example for %s: %v\n%s", name, err, example)
		}
		if _, err := NewProvider(cfg); err != nil {
			t.Fatalf("README example for %s: %v", name, err)
		}
	}
}
