package notify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// loopback allows the httptest servers, which listen on 127.0.0.1.
var loopback = NetPolicy{AllowedNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}

func testSubmission() *modulario.Submission {
	return &modulario.Submission{
		ID: 7, Number: "2026-0000007", FormSlug: "segnalazione", Version: 2,
		Office: "urp", Tags: []string{"strade"}, Priority: "alta",
		Status: modulario.StatusReceived, Data: json.RawMessage(`{"nome":"Mario","via":"Roma"}`),
		Attachments: []modulario.Attachment{{ID: "att1", Name: "foto.jpg", ContentType: "image/jpeg", Size: 3, SHA256: "abc"}},
		CreatedAt:   time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
	}
}

func testWebhookMessage(url string) *Message {
	return &Message{
		ID:          "msg_0001",
		Outbox:      &modulario.OutboxMessage{Event: modulario.EventReceived},
		Submission:  testSubmission(),
		TrackingURL: "https://comune.example.it/richieste/tok",
		Webhook:     &modulario.WebhookEndpoint{Name: "protocollo", URL: url, Secret: testSecret},
	}
}

// receiver is a webhook receiver that verifies signatures and answers
// with the scripted statuses in turn (then 200 with reply).
type receiver struct {
	mu       sync.Mutex
	statuses []int
	reply    string
	bodies   [][]byte
	verify   []error
	headers  []http.Header
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies = append(r.bodies, body)
	r.headers = append(r.headers, req.Header.Clone())
	r.verify = append(r.verify, VerifyWebhook(testSecret, req.Header.Get("webhook-id"),
		req.Header.Get("webhook-timestamp"), body, req.Header.Get("webhook-signature")))
	if len(r.statuses) > 0 {
		code := r.statuses[0]
		r.statuses = r.statuses[1:]
		w.WriteHeader(code)
		_, _ = io.WriteString(w, "receiver says no "+strings.Repeat("x", 300))
		return
	}
	_, _ = io.WriteString(w, r.reply)
}

func TestWebhookSignedPayload(t *testing.T) {
	rec := &receiver{reply: `{"reference":"PROT-2026-42"}`}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	ref, err := NewWebhook(WebhookConfig{Network: loopback}).Send(context.Background(), testWebhookMessage(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if ref != "PROT-2026-42" {
		t.Errorf("reference %q", ref)
	}
	if len(rec.bodies) != 1 || rec.verify[0] != nil {
		t.Fatalf("deliveries %d, verification %v", len(rec.bodies), rec.verify)
	}
	h := rec.headers[0]
	if h.Get("webhook-id") != "msg_0001" || h.Get("Content-Type") != "application/json" || h.Get("User-Agent") != "Modulario" {
		t.Errorf("headers %v", h)
	}
	var p struct {
		Type string `json:"type"`
		Data struct {
			ID          uint64            `json:"id"`
			Number      string            `json:"number"`
			TrackingURL string            `json:"tracking_url"`
			Form        string            `json:"form"`
			Version     int               `json:"version"`
			Tags        []string          `json:"tags"`
			Answers     map[string]string `json:"answers"`
			Attachments []map[string]any  `json:"attachments"`
		} `json:"data"`
	}
	if err := json.Unmarshal(rec.bodies[0], &p); err != nil {
		t.Fatal(err)
	}
	d := p.Data
	if p.Type != "submission.received" || d.ID != 7 || d.Number != "2026-0000007" || d.Form != "segnalazione" ||
		d.Version != 2 || d.TrackingURL == "" || d.Answers["via"] != "Roma" || len(d.Tags) != 1 {
		t.Errorf("payload %s", rec.bodies[0])
	}
	if len(d.Attachments) != 1 || d.Attachments[0]["sha256"] != "abc" || d.Attachments[0]["name"] != "foto.jpg" {
		t.Errorf("attachments %v", d.Attachments)
	}
	// A tampered body or another key fails verification.
	if VerifyWebhook(testSecret, "msg_0001", h.Get("webhook-timestamp"), append(rec.bodies[0], ' '), h.Get("webhook-signature")) == nil {
		t.Error("tampered body verified")
	}
	if VerifyWebhook("whsec_b3RoZXIga2V5", "msg_0001", h.Get("webhook-timestamp"), rec.bodies[0], h.Get("webhook-signature")) == nil {
		t.Error("other key verified")
	}
}

func TestWebhookRetryClassification(t *testing.T) {
	rec := &receiver{statuses: []int{500, 429, 408}, reply: `{"protocollo":"0012345"}`}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	w := NewWebhook(WebhookConfig{Network: loopback})
	m := testWebhookMessage(srv.URL)
	for i, code := range []string{"500", "429", "408"} {
		_, err := w.Send(context.Background(), m)
		if err == nil || errors.Is(err, ErrPermanent) {
			t.Fatalf("attempt %d: err %v, want retryable", i, err)
		}
		if !strings.Contains(err.Error(), code) || !strings.Contains(err.Error(), "receiver says no") {
			t.Errorf("attempt %d: error %q lacks status or body", i, err)
		}
		if len(err.Error()) > 400 {
			t.Errorf("error not capped: %d bytes", len(err.Error()))
		}
	}
	ref, err := w.Send(context.Background(), m)
	if err != nil || ref != "0012345" {
		t.Fatalf("final attempt: ref %q err %v", ref, err)
	}
	if len(rec.bodies) != 4 {
		t.Errorf("%d deliveries, want 4", len(rec.bodies))
	}
	for i, h := range rec.headers {
		if h.Get("webhook-id") != "msg_0001" {
			t.Errorf("delivery %d: webhook-id %q changed", i, h.Get("webhook-id"))
		}
	}
}

// TestWebhookPermanentStatus: only a refusal of the payload dead-letters
// at once; a wrong secret (401), a moved or missing endpoint (404, a
// redirect) and outages are retried until an operator fixes them.
func TestWebhookPermanentStatus(t *testing.T) {
	for code, permanent := range map[int]bool{400: true, 410: true, 413: true, 422: true,
		401: false, 403: false, 404: false, 302: false, 429: false, 502: false} {
		rec := &receiver{statuses: []int{code}}
		srv := httptest.NewServer(rec)
		_, err := NewWebhook(WebhookConfig{Network: loopback}).Send(context.Background(), testWebhookMessage(srv.URL))
		srv.Close()
		if err == nil || errors.Is(err, ErrPermanent) != permanent {
			t.Errorf("status %d: err %v, want permanent %v", code, err, permanent)
		}
	}
}

// TestSignWebhookKnownAnswer checks SignWebhook against the test vector
// of the Standard Webhooks specification, not only against VerifyWebhook.
func TestSignWebhookKnownAnswer(t *testing.T) {
	sig, err := SignWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
		[]byte(`{"test": 2432232314}`))
	if err != nil || sig != "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" {
		t.Fatalf("signature %q, %v", sig, err)
	}
}

func TestWebhookSSRFPolicy(t *testing.T) {
	rec := &receiver{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	_, err := NewWebhook(WebhookConfig{}).Send(context.Background(), testWebhookMessage(srv.URL))
	if !errors.Is(err, ErrForbiddenAddress) || !errors.Is(err, ErrPermanent) {
		t.Fatalf("loopback by default: err %v, want forbidden and permanent", err)
	}
	// A name resolving to loopback is refused too: the check is on the dialed IP.
	name := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	if _, err := NewWebhook(WebhookConfig{}).Send(context.Background(), testWebhookMessage(name)); !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("localhost by name: err %v, want forbidden", err)
	}
	if len(rec.bodies) != 0 {
		t.Fatalf("receiver got %d requests despite the policy", len(rec.bodies))
	}
	if _, err := NewWebhook(WebhookConfig{Network: loopback}).Send(context.Background(), testWebhookMessage(srv.URL)); err != nil {
		t.Fatalf("allowlisted loopback: %v", err)
	}
}

func TestWebhookTimeoutRetryable(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	_, err := NewWebhook(WebhookConfig{Network: loopback, Timeout: 100 * time.Millisecond}).
		Send(context.Background(), testWebhookMessage(srv.URL))
	if err == nil || errors.Is(err, ErrPermanent) {
		t.Fatalf("timeout: err %v, want retryable", err)
	}
}

func TestVerifyWebhookTimestamp(t *testing.T) {
	body := []byte(`{}`)
	old := time.Now().Add(-time.Hour).Unix()
	ts := itoa(old)
	sig, err := SignWebhook(testSecret, "id1", ts, body)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyWebhook(testSecret, "id1", ts, body, sig); err == nil {
		t.Error("an hour-old timestamp verified")
	}
	now := itoa(time.Now().Unix())
	sig, _ = SignWebhook(testSecret, "id1", now, body)
	if err := VerifyWebhook(testSecret, "id1", now, body, "v1,bm9wZQ== "+sig); err != nil {
		t.Errorf("second signature of the list not accepted: %v", err)
	}
	if _, err := SignWebhook("whsec_not base64!", "id1", now, body); err == nil {
		t.Error("malformed secret accepted")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
