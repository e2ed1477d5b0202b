package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage"
)

// SIGTERM-test shape: enough load that requests and e-mail sends are in
// flight when the signal arrives.
const (
	termSubmitters = 16
	termMinAcks    = 100 // acknowledged before the signal
	termMinSent    = 10  // e-mails delivered before the signal
	// termSendDelay holds each e-mail between taking it and answering 250,
	// so sends are in flight when the signal arrives.
	termSendDelay = 200 * time.Millisecond
)

// slowMailbox is a mailbox that answers DATA only termSendDelay after
// recording the message, like a busy relay: a client that vanishes in
// between has delivered a message it never saw acknowledged.
type slowMailbox struct{ *mailbox }

func (b slowMailbox) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s, err := b.mailbox.NewSession(c)
	return slowSession{s}, err
}

type slowSession struct{ smtp.Session }

func (s slowSession) Data(r io.Reader) error {
	err := s.Session.Data(r)
	time.Sleep(termSendDelay)
	return err
}

// TestSIGTERMUnderLoad sends SIGTERM to the real server while 16 clients
// post submissions through the JSON API and the dispatcher delivers their
// e-mails to a local SMTP server that is slow to acknowledge them. The
// server must exit with code 0 after logging that the database closed,
// with no warning or error; no client may get an error answer (only
// failed connections); the file passes bbolt's check; the store holds
// exactly the acknowledged submissions; and every e-mail the SMTP server
// received is recorded as sent, which fails if a send in flight was cut
// off before its attempt was stored.
func TestSIGTERMUnderLoad(t *testing.T) {
	skipWithoutBinary(t)
	bin, dataDir, addr, smtpAddr := buildBinary(t), t.TempDir(), freeAddr(t), freeAddr(t)
	box := &mailbox{}
	ln, err := net.Listen("tcp", smtpAddr)
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(slowMailbox{box})
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	p := startServer(t, bin, dataDir, addr, "MODULARIO_LOG_LEVEL=info",
		"MODULARIO_SMTP_URL=smtp://"+smtpAddr+"?tls=none",
		"MODULARIO_MAIL_FROM=Comune di Esempio <noreply@comune.example>")

	var (
		acks    ackLog
		stop    atomic.Bool
		wg      sync.WaitGroup
		refused atomic.Int64
		mu      sync.Mutex
		answers []string // non-201 HTTP answers
	)
	client := &http.Client{Timeout: 30 * time.Second}
	for i := range termSubmitters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; !stop.Load(); n++ {
				a, res, err := postAssistenzaRaw(client, addr, fmt.Sprintf("term%d.%d@example.it", i, n))
				switch {
				case err == nil:
					acks.add(a)
				case res.status == 0: // no answer (see checkStoppedStore)
					refused.Add(1)
					time.Sleep(10 * time.Millisecond)
				default:
					mu.Lock()
					answers = append(answers, fmt.Sprintf("%d %s", res.status, res.body))
					mu.Unlock()
				}
			}
		}()
	}
	waitFor(t, "load before the signal", func() bool {
		return len(acks.all()) >= termMinAcks && len(box.all()) >= termMinSent
	})
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(time.Minute): // a hang guard, far above the 15s shutdown budget
		t.Fatalf("no exit within a minute of SIGTERM:\n%s", p.logs())
	}
	stop.Store(true)
	wg.Wait()

	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
	logs := p.logs()
	if !strings.Contains(logs, "database closed") {
		t.Errorf("the log does not say the database closed:\n%s", logs)
	}
	if bad := regexp.MustCompile(`(?i)level=(error|warn)|"level":"(error|warn)"`).FindAllString(logs, -1); len(bad) > 0 {
		t.Errorf("warnings or errors logged during a graceful stop:\n%s", logs)
	}
	if len(answers) > 0 {
		t.Errorf("%d submissions got an error answer during shutdown, first: %s", len(answers), answers[0])
	}
	if _, err := os.Stat(filepath.Join(dataDir, adminSocketName)); !os.IsNotExist(err) {
		t.Errorf("admin socket left behind after a clean stop: %v", err)
	}
	path := filepath.Join(dataDir, "modulario.db")
	found, lost := verifyStore(t, path, acks.all())
	delivered := checkStoppedStore(t, path, len(acks.all()), box.all())
	t.Logf("SIGTERM under load: %d acknowledged, %d found, %d lost, %d e-mails delivered and recorded, %d requests without an answer",
		len(acks.all()), found, lost, delivered, refused.Load())
}

// checkStoppedStore opens the stopped server's database and checks that
// it holds exactly the acknowledged submissions: one more means a request
// was cut after its commit, before its answer (requests in flight were not
// let finish). A client may still see its request fail during shutdown:
// net/http closes an idle keep-alive connection even when the client has
// just sent its next request on it, which the server never read or stored.
// Then it checks that each e-mail the SMTP server received (its Message-ID
// is the outbox id @ the sender's domain) is recorded as sent, and that no
// message is recorded as sent that never arrived. It returns how many
// e-mails arrived.
func checkStoppedStore(t *testing.T, path string, acked int, msgs []received) int {
	t.Helper()
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if n, err := storage.NewSubmissionService(db).CountSubmissions(ctx); err != nil {
		t.Fatal(err)
	} else if n != acked {
		t.Errorf("%d submissions stored, %d acknowledged: requests in flight were cut after their commit", n, acked)
	}
	outbox := storage.NewOutboxService(db)
	for _, m := range msgs {
		id, _, _ := strings.Cut(strings.Trim(m.header.Get("Message-Id"), "<>"), "@")
		om, err := outbox.FindOutboxMessage(ctx, id)
		if err != nil {
			t.Errorf("delivered e-mail %q has no outbox message: %v", id, err)
		} else if om.Status != modulario.OutboxSent {
			t.Errorf("delivered e-mail %q is recorded %s: the send was cut off before its attempt was stored", id, om.Status)
		}
	}
	counts, err := outbox.CountOutbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sent := counts[modulario.ChannelEmailMsg].Sent; sent != len(msgs) {
		t.Errorf("%d e-mails recorded as sent, %d delivered", sent, len(msgs))
	}
	return len(msgs)
}

// waitFor polls cond until it holds; it fails the test after a minute,
// a guard against a stalled load rather than a timing assertion.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached within a minute", what)
		}
	}
}

// TestReadyzDrainsOnShutdown: once the stop signal is closed, /readyz
// answers 503 without running the probes; before, it asks the real check.
func TestReadyzDrainsOnShutdown(t *testing.T) {
	probes := 0
	ready := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { probes++; fmt.Fprintln(w, "ready") })
	stopping := make(chan struct{})
	h := withReadiness(drainOn(stopping, ready), http.NotFoundHandler())
	ask := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec
	}
	if rec := ask(); rec.Code != http.StatusOK || probes != 1 {
		t.Fatalf("before shutdown: %d (probes %d), want 200 from the real check", rec.Code, probes)
	}
	close(stopping)
	rec := ask()
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "shutting down") || probes != 1 {
		t.Errorf("during shutdown: %d %q (probes %d), want 503 shutting down without probing", rec.Code, rec.Body.String(), probes)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
}
