package main

import (
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/modulario/modulario/notify"
)

// mailbox is an in-process SMTP server that records every message.
type mailbox struct {
	mu   sync.Mutex
	msgs []received
}

// received is one delivered message.
type received struct {
	to     []string
	header mail.Header
	body   string
}

func (b *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: b}, nil }

func (b *mailbox) all() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...)
}

type mailSession struct {
	box *mailbox
	to  []string
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(m.Body)
	s.box.mu.Lock()
	s.box.msgs = append(s.box.msgs, received{to: s.to, header: m.Header, body: string(body)})
	s.box.mu.Unlock()
	return nil
}
func (s *mailSession) Reset()        { s.to = nil }
func (s *mailSession) Logout() error { return nil }

// startMailbox serves SMTP on addr until the test ends.
func startMailbox(t *testing.T, addr string) *mailbox {
	t.Helper()
	box := &mailbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return box
}

// TestNotificationsSurviveOutageAndCrash: with the SMTP server down, 200
// submissions are accepted; the server is SIGKILLed and restarted; SMTP
// comes back; each submission's two emails (citizen receipt, office
// notice) arrive, every one exactly once.
func TestNotificationsSurviveOutageAndCrash(t *testing.T) {
	skipWithoutBinary(t)
	const submissions = 200
	bin, dataDir, addr, smtpAddr := buildBinary(t), t.TempDir(), freeAddr(t), freeAddr(t)
	settings := []string{
		"MODULARIO_SMTP_URL=smtp://" + smtpAddr + "?tls=none",
		"MODULARIO_MAIL_FROM=Comune di Esempio <noreply@comune.example>",
		"MODULARIO_NOTIFY_MIN_BACKOFF=50ms", "MODULARIO_NOTIFY_MAX_BACKOFF=300ms",
		"MODULARIO_NOTIFY_MAX_ATTEMPTS=10000", "MODULARIO_LOG_LEVEL=warn",
	}
	first := startServer(t, bin, dataDir, addr, settings...)
	numbers := map[string]string{} // citizen address → request number
	for i := range submissions {
		email := fmt.Sprintf("cittadino%03d@example.it", i)
		numbers[email] = submitAssistenzaAs(t, addr, email).Number
	}
	time.Sleep(300 * time.Millisecond) // let a few attempts fail against the closed port
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-first.exited

	startServer(t, bin, dataDir, addr, settings...)
	box := startMailbox(t, smtpAddr)
	want := 2 * submissions
	// A message claimed by the killed process comes back only when its
	// lease ends (notify.DefaultLease): the wait covers that, and ends as
	// soon as every email has arrived.
	deadline := time.Now().Add(notify.DefaultLease + time.Minute)
	for len(box.all()) < want && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second) // a duplicate would arrive after the last expected one
	msgs := box.all()
	if len(msgs) != want {
		t.Fatalf("received %d emails, want %d", len(msgs), want)
	}
	ids, citizen, office := map[string]int{}, 0, 0
	for _, m := range msgs {
		ids[m.header.Get("Message-Id")]++
		if !strings.Contains(m.body, "text/plain") || !strings.Contains(m.body, "text/html") {
			t.Errorf("email to %v lacks a text or an HTML part", m.to)
		}
		to := strings.Join(m.to, ",")
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.header.Get("Subject"))
		switch {
		case to == "urp@comune.example":
			office++
		case numbers[to] != "":
			citizen++
			if !strings.Contains(subject+m.body, numbers[to]) {
				t.Errorf("receipt to %s lacks its number %s (subject %q)", to, numbers[to], subject)
			}
			if !strings.Contains(m.body, "/pratiche/") {
				t.Errorf("receipt to %s lacks the tracking link", to)
			}
		default:
			t.Errorf("email to unexpected recipients %q", to)
		}
	}
	for id, n := range ids {
		if n != 1 || id == "" {
			t.Errorf("Message-ID %q delivered %d times", id, n)
		}
	}
	if citizen != submissions || office != submissions {
		t.Errorf("citizen receipts %d, office notices %d; want %d each", citizen, office, submissions)
	}
}
