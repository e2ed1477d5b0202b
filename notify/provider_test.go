package notify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	cfg, err := ParseProviderConfig([]byte(`{"name":"sms","url":"` + base + `/v1/sms",
		"headers":{"Authorization":"Bearer tok-123","Content-Type":"application/json; charset=utf-8"},
		"body":"{\"to\":\"{{to}}\",\"text\":\"{{text}}\",\"ref\":\"{{id}}\"}","max_length":1600}`))
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
	if b := form.Get("Body"); utf8.RuneCountInString(b) != 20 || !strings.HasSuffix(b, "…") || !strings.HasPrefix(b, `Richiesta "2026`) {
		t.Errorf("text not truncated to 20 chars: %q", b)
	}
}

func TestProviderRawBodyAndErrors(t *testing.T) {
	g, base := startGateway(t, "OK")
	p, _ := NewProvider(ProviderConfig{Name: "sms", URL: base, Body: "{{to}}|{{text}}", Network: loopback})
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
	g.fail = http.StatusServiceUnavailable
	if _, err := p.Send(context.Background(), &Message{Recipients: []string{"+39"}, Text: "x"}); err == nil || errors.Is(err, ErrPermanent) {
		t.Errorf("503: err %v, want retryable", err)
	}
	blocked, _ := NewProvider(ProviderConfig{Name: "sms", URL: base})
	if _, err := blocked.Send(context.Background(), &Message{Recipients: []string{"+39"}, Text: "x"}); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("loopback gateway without allowlist: err %v", err)
	}
}

func TestParseProviderConfigInvalid(t *testing.T) {
	for _, raw := range []string{
		`{"name":"fax","url":"https://gw.example"}`,
		`{"name":"sms","url":"ftp://gw.example"}`,
		`{"name":"sms","url":"https://gw.example","method":"DELETE"}`,
		`{"name":"sms","url":"https://gw.example","bogus":1}`,
		`{"name":"sms","url":"https://gw.example","max_length":-1}`,
	} {
		if _, err := ParseProviderConfig([]byte(raw)); err == nil {
			t.Errorf("%s accepted", raw)
		}
	}
}
