package notify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/modulario/modulario/schemas"
)

// fakeAppIO implements POST /profiles and POST /messages as documented.
type fakeAppIO struct {
	mu       sync.Mutex
	profiles map[string]bool // fiscal code -> sender_allowed; absent = 404
	messages []AppIOMessage
	badKey   int
}

func (f *fakeAppIO) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Ocp-Apim-Subscription-Key") != "io-key" {
		f.badKey++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	switch r.URL.Path {
	case "/api/v1/profiles":
		var req struct {
			FiscalCode string `json:"fiscal_code"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		allowed, ok := f.profiles[req.FiscalCode]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"sender_allowed": allowed, "preferred_languages": []string{"it_IT"}})
	case "/api/v1/messages":
		var msg AppIOMessage
		if err := json.NewDecoder(r.Body).Decode(&msg); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		f.messages = append(f.messages, msg)
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"01HQ-IO-MSG"}`))
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func startAppIO(t *testing.T, key string) (*AppIO, *fakeAppIO) {
	t.Helper()
	f := &fakeAppIO{profiles: map[string]bool{"RSSMRA85T10A562S": true, "BNCLRA90A41H501X": false}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	a, err := NewAppIO(AppIOConfig{BaseURL: srv.URL + "/api/v1/", Key: key, Network: loopback})
	if err != nil {
		t.Fatal(err)
	}
	return a, f
}

func appIOMessage(cf, subject, md string) *Message {
	return &Message{
		ID: "m1", Recipients: []string{cf}, Subject: subject, Markdown: md,
		Submission:  testSubmission(),
		Form:        &schemas.Form{Def: &schemas.Definition{Title: "Segnalazione disservizio"}},
		TrackingURL: "https://comune.example.it/richieste/tok",
	}
}

func TestAppIOSend(t *testing.T) {
	a, f := startAppIO(t, "io-key")
	md := "La tua richiesta **2026-0000007** è stata ricevuta dall'Ufficio relazioni con il pubblico. " +
		"Riceverai un messaggio a ogni cambio di stato."
	ref, err := a.Send(context.Background(), appIOMessage("rssmra85t10a562s", "Richiesta ricevuta dal Comune", md))
	if err != nil {
		t.Fatal(err)
	}
	if ref != "01HQ-IO-MSG" || len(f.messages) != 1 {
		t.Fatalf("ref %q, %d messages", ref, len(f.messages))
	}
	got := f.messages[0]
	if got.FiscalCode != "RSSMRA85T10A562S" || got.FeatureLevelType != "STANDARD" ||
		got.Content.Subject != "Richiesta ricevuta dal Comune" || got.Content.Markdown != md {
		t.Errorf("message %+v", got)
	}
}

func TestAppIONotReachable(t *testing.T) {
	a, f := startAppIO(t, "io-key")
	for _, cf := range []string{"VRDGPP70A01F205Z", "BNCLRA90A41H501X"} {
		_, err := a.Send(context.Background(), appIOMessage(cf, "Richiesta ricevuta", strings.Repeat("x", 100)))
		if !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "not on App IO") {
			t.Errorf("%s: err %v, want permanent not-on-IO", cf, err)
		}
	}
	if len(f.messages) != 0 {
		t.Errorf("%d messages sent to unreachable citizens", len(f.messages))
	}
	wrong, _ := startAppIO(t, "other-key")
	// A wrong key concerns every message until an operator fixes it:
	// retried, not dead-lettered.
	if _, err := wrong.Send(context.Background(), appIOMessage("RSSMRA85T10A562S", "Richiesta ricevuta", "x")); err == nil ||
		errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "401") {
		t.Errorf("wrong key: err %v, want a retryable 401", err)
	}
}

func TestAppIOLimits(t *testing.T) {
	a, f := startAppIO(t, "io-key")
	long := strings.Repeat("parola ", 40) // 280 chars
	msgs := []*Message{
		appIOMessage("RSSMRA85T10A562S", "Ricevuta", "Grazie."),
		appIOMessage("RSSMRA85T10A562S", long, strings.Repeat("Riga di testo del messaggio.\n", 500)),
		appIOMessage("RSSMRA85T10A562S", "", ""),
	}
	for _, m := range msgs {
		if _, err := a.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	for i, got := range f.messages {
		s, md := utf8.RuneCountInString(got.Content.Subject), utf8.RuneCountInString(got.Content.Markdown)
		if s < 10 || s > 120 || md < 80 || md > 10000 {
			t.Errorf("message %d: subject %d chars, markdown %d chars", i, s, md)
		}
	}
	if got := f.messages[0].Content; got.Subject != "Ricevuta - Segnalazione disservizio" ||
		!strings.HasPrefix(got.Markdown, "Grazie.") || !strings.Contains(got.Markdown, "https://comune.example.it/richieste/tok") {
		t.Errorf("short content: %+v", got)
	}
	got := f.messages[1].Content
	if !strings.HasSuffix(got.Subject, "parola…") {
		t.Errorf("long subject not cut at a word: %q", got.Subject)
	}
	if !strings.HasSuffix(got.Markdown, "https://comune.example.it/richieste/tok") || !strings.Contains(got.Markdown, "messaggio.\n\n…") {
		t.Errorf("long markdown tail: %q", got.Markdown[len(got.Markdown)-150:])
	}
	if s := f.messages[2].Content.Subject; s != "Segnalazione disservizio" {
		t.Errorf("empty subject became %q", s)
	}
}

func TestNewAppIORequiresKey(t *testing.T) {
	if _, err := NewAppIO(AppIOConfig{}); err == nil {
		t.Error("missing key accepted")
	}
	if s := (AppIOConfig{Key: "secret-key"}).String(); strings.Contains(s, "secret-key") {
		t.Errorf("String() reveals the key: %s", s)
	}
}
