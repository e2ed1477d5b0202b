package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage/storagetest"
)

// deadLetters stores a request with one dead e-mail and two dead
// webhooks, whose receiver answered with HTML and a terminal escape.
func deadLetters(t *testing.T, c cli) []*modulario.OutboxMessage {
	t.Helper()
	msgs := []*modulario.OutboxMessage{storagetest.NewMessage("email"), storagetest.NewMessage("webhook"), storagetest.NewMessage("webhook")}
	withStore(t, c.dataDir, func(st *store) {
		ctx := context.Background()
		if err := st.Submissions.CreateSubmission(ctx, storagetest.NewSubmission("assistenza"), "", msgs...); err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			a := modulario.Attempt{At: time.Now(), Error: "status 401: <html>\n<body>\x1b[31mUnauthorized\x1b[0m</body>\r\n</html>"}
			if err := st.Outbox.RecordAttempt(ctx, m.ID, a, time.Time{}); err != nil {
				t.Fatal(err)
			}
		}
	})
	return msgs
}

// TestOutboxListOutput: dead messages show no next attempt; a receiver's
// error is one line without control characters; unknown filter values are
// usage errors, not an empty list.
func TestOutboxListOutput(t *testing.T) {
	c := cli{t: t, dataDir: t.TempDir()}
	deadLetters(t, c)
	out := c.mustRun(exitOK, "outbox", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || strings.ContainsAny(out, "\x1b\r") {
		t.Fatalf("%d lines:\n%q", len(lines), out)
	}
	for _, l := range lines {
		if f := strings.Split(l, "\t"); len(f) != 7 || f[1] != "dead" || f[5] != "-" ||
			f[6] != "status 401: <html> <body> [31mUnauthorized [0m</body> </html>" {
			t.Errorf("line %q", l)
		}
	}
	for _, args := range [][]string{{"--status", "bogus"}, {"--channel", "fax"}} {
		code, out, errOut := c.run(append([]string{"outbox", "list"}, args...)...)
		if code != exitUsage || !strings.Contains(errOut, "is not one of") {
			t.Errorf("outbox list %v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	if out := c.mustRun(exitOK, "outbox", "list", "--status", "pending"); out != "" {
		t.Errorf("pending: %q", out)
	}
}

// TestOutboxRetryDead: --dead makes every dead message of a channel (or of
// all) due again.
func TestOutboxRetryDead(t *testing.T) {
	c := cli{t: t, dataDir: t.TempDir()}
	msgs := deadLetters(t, c)
	for _, args := range [][]string{{"--dead", msgs[0].ID}, {"--channel", "webhook", msgs[0].ID}, {}, {"--dead", "--channel", "fax"}} {
		if code, out, errOut := c.run(append([]string{"outbox", "retry"}, args...)...); code != exitUsage {
			t.Errorf("outbox retry %v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	if out := c.mustRun(exitOK, "outbox", "retry", "--dead", "--channel", "webhook"); out != "2 dead messages are due now\n" {
		t.Errorf("retry webhooks: %q", out)
	}
	if out := c.mustRun(exitOK, "outbox", "list", "--status", "dead"); strings.Count(out, "\n") != 1 || !strings.Contains(out, "\temail\t") {
		t.Errorf("still dead: %q", out)
	}
	if out := c.mustRun(exitOK, "outbox", "retry", "--dead"); out != "1 dead messages are due now\n" {
		t.Errorf("retry all: %q", out)
	}
	if out := c.mustRun(exitOK, "outbox", "list", "--status", "pending"); strings.Count(out, "\tnext ") != 3 {
		t.Errorf("pending: %q", out)
	}
}
