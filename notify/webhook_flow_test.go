package notify

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// webhookReceiver is a back-office endpoint that verifies every signature
// and fails the first `failures` deliveries with 503.
type webhookReceiver struct {
	mu       sync.Mutex
	secret   string
	failures int
	calls    int
	ids      []string
	badSig   int
}

func (r *webhookReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	id, ts := req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp")
	if err := VerifyWebhook(r.secret, id, ts, body, req.Header.Get("webhook-signature")); err != nil {
		r.badSig++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	r.ids = append(r.ids, id)
	if r.failures < 0 || r.calls <= r.failures {
		http.Error(w, "protocollo non disponibile", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"protocollo":"PG-2026-000123"}`)
}

// webhookSetup publishes a form whose rule posts every request to the
// endpoint "protocollo" served by recv, and submits one request.
func webhookSetup(t *testing.T, recv *webhookReceiver) (*testStore, *modulario.Submission, *Dispatcher, *clock) {
	t.Helper()
	st := newStore(t)
	srv := httptest.NewServer(recv)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	ep := &modulario.WebhookEndpoint{Name: "protocollo", URL: srv.URL + "/modulario"}
	if err := st.webhooks.SaveWebhook(ctx, ep); err != nil {
		t.Fatal(err)
	}
	recv.secret = ep.Secret
	publish(t, st, `"rules":[{"name":"protocollo","on":"submission.received","then":[{"notify":"webhook","endpoint":"protocollo"}]}]`)
	s := submit(t, st, `{"tipo":"buca","email":"anna@example.it"}`)
	clk := &clock{t: time.Now()}
	loopback := NetPolicy{AllowedNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	// The channel signs with real time: the receiver checks timestamps.
	d := dispatcher(st, clk, NewWebhook(WebhookConfig{Network: loopback}))
	d.MaxAttempts = 6
	return st, s, d, clk
}

// TestWebhookRetriesThenStoresReference: a receiver that fails three times
// then succeeds gets the message once more (same webhook-id every time),
// and the submission stores the protocol number it returned.
func TestWebhookRetriesThenStoresReference(t *testing.T) {
	recv := &webhookReceiver{failures: 3}
	st, s, d, clk := webhookSetup(t, recv)
	for range 6 {
		drain(t, d, clk)
		clk.Add(2 * time.Hour) // past any backoff
	}
	if recv.calls != 4 || recv.badSig != 0 {
		t.Fatalf("receiver saw %d calls (%d bad signatures), want 4 valid", recv.calls, recv.badSig)
	}
	for _, id := range recv.ids {
		if id != recv.ids[0] {
			t.Errorf("webhook-id changed between attempts: %v", recv.ids)
		}
	}
	got, err := st.subs.FindSubmission(context.Background(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ref := got.References["webhook/protocollo"]; ref != "PG-2026-000123" {
		t.Errorf("references = %v", got.References)
	}
	msgs, _ := st.outbox.ListOutbox(context.Background(), modulario.OutboxFilter{SubmissionID: s.ID})
	if len(msgs) != 1 || msgs[0].Status != modulario.OutboxSent || len(msgs[0].Attempts) != 4 {
		t.Fatalf("outbox = %+v", msgs)
	}
}

// TestWebhookAlwaysFailingEndsInDeadLetter: the error stays visible.
func TestWebhookAlwaysFailingEndsInDeadLetter(t *testing.T) {
	recv := &webhookReceiver{failures: -1}
	st, s, d, clk := webhookSetup(t, recv)
	for range 10 {
		drain(t, d, clk)
		clk.Add(2 * time.Hour)
	}
	if recv.calls != d.MaxAttempts {
		t.Errorf("receiver saw %d calls, want %d", recv.calls, d.MaxAttempts)
	}
	msgs, _ := st.outbox.ListOutbox(context.Background(), modulario.OutboxFilter{SubmissionID: s.ID})
	if len(msgs) != 1 || msgs[0].Status != modulario.OutboxDead {
		t.Fatalf("outbox = %+v", msgs)
	}
	if !strings.Contains(msgs[0].LastError, "503") || !strings.Contains(msgs[0].LastError, "protocollo non disponibile") {
		t.Errorf("last error %q does not say what the receiver answered", msgs[0].LastError)
	}
}
