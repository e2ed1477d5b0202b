package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// createToken runs token create and returns the secret it printed.
func createToken(t *testing.T, dir string, args ...string) (id, secret string) {
	t.Helper()
	code, out, errOut := runStdin(t, dir, "", append([]string{"token", "create"}, args...)...)
	if code != 0 {
		t.Fatalf("token create %v: %d %q", args, code, errOut)
	}
	secret = strings.TrimSpace(out)
	if !strings.HasPrefix(secret, "mod_") || len(secret) != 47 || strings.Contains(secret, "\n") {
		t.Fatalf("token create printed %q, want the secret alone", out)
	}
	if !strings.Contains(errOut, "Authorization: Bearer") || strings.Contains(errOut, secret) {
		t.Errorf("token create hint %q: want the Bearer hint without repeating the secret", errOut)
	}
	f := strings.Fields(errOut)
	if len(f) < 2 || f[0] != "token" {
		t.Fatalf("token create stderr %q names no ID", errOut)
	}
	return f[1], secret
}

func TestTokenCommands(t *testing.T) {
	ctx := context.Background()
	dir := newUserDir(t)
	id, secret := createToken(t, dir, "--office", "urp", "--scope", "write", "Protocollo")
	withStore(t, dir, func(st *store) {
		tok, err := st.Tokens.AuthenticateToken(ctx, secret)
		if err != nil || tok.ID != id || tok.Name != "Protocollo" || tok.Scope != modulario.ScopeWrite || !tok.CanSeeOffice("urp") {
			t.Fatalf("the printed secret does not authenticate: %+v %v", tok, err)
		}
	})
	code, out, _ := runStdin(t, dir, "", "token", "list")
	if code != 0 || !strings.HasPrefix(out, id+"\tProtocollo\twrite\turp\t") || !strings.Contains(out, "\tactive\n") ||
		strings.Contains(out, secret[4:]) {
		t.Fatalf("token list: %d %q", code, out)
	}
	pagesID, pagesSecret := createToken(t, dir, "--office", "urp", "--scope", "read", "--pages", "Sito")
	withStore(t, dir, func(st *store) {
		if tok, err := st.Tokens.AuthenticateToken(ctx, pagesSecret); err != nil || !tok.Pages {
			t.Errorf("--pages token: %+v %v", tok, err)
		}
		if tok, _ := st.Tokens.AuthenticateToken(ctx, secret); tok == nil || tok.Pages {
			t.Errorf("a token without --pages may manage pages: %+v", tok)
		}
	})
	if _, out, _ := runStdin(t, dir, "", "token", "list"); !strings.Contains(out, pagesID+"\tSito\tread+pages\turp\t") {
		t.Errorf("token list does not show the pages permission: %q", out)
	}
	for _, bad := range [][]string{
		{"--office", "nessuno", "--scope", "read", "X"},
		{"--office", "urp", "--scope", "admin", "X"},
		{"--scope", "read", "X"},
		{"--office", "urp", "--scope", "read", " "},
	} {
		if code, _, errOut := runStdin(t, dir, "", append([]string{"token", "create"}, bad...)...); code != exitError || errOut == "" {
			t.Errorf("token create %v: %d %q, want an error", bad, code, errOut)
		}
	}
	if code, out, errOut := runStdin(t, dir, "", "token", "revoke", id); code != 0 || !strings.Contains(out, "revoked") {
		t.Fatalf("token revoke: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runStdin(t, dir, "", "token", "revoke", "nope"); code != exitError || !strings.Contains(errOut, "not found") {
		t.Errorf("revoke of an unknown token: %d %q", code, errOut)
	}
	code, out, _ = runStdin(t, dir, "", "token", "list")
	if code != 0 || !strings.Contains(out, "\trevoked ") {
		t.Errorf("token list after revoke: %q", out)
	}
	withStore(t, dir, func(st *store) {
		if _, err := st.Tokens.AuthenticateToken(ctx, secret); modulario.ErrorCode(err) != modulario.EUNAUTHORIZED {
			t.Errorf("revoked secret: %v", err)
		}
		checkTokenAudit(t, st, id, secret)
	})
}

// checkTokenAudit checks create and revoke were audited as the CLI,
// without the secret or its hash.
func checkTokenAudit(t *testing.T, st *store, id, secret string) {
	t.Helper()
	list, err := st.Audit.ListAudit(context.Background(), modulario.AuditFilter{Actor: cliActor, Target: "token:" + id})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range list {
		actions = append(actions, e.Action)
		if strings.Contains(e.Detail, secret[4:]) {
			t.Errorf("audit detail leaks the secret: %q", e.Detail)
		}
	}
	if got := strings.Join(actions, ","); got != "token.revoke,token.create" {
		t.Errorf("audit actions = %s", got)
	}
}

// TestTokenCommandsThroughSocket runs token create and list while a
// server-side admin socket holds the open store, as under serve.
func TestTokenCommandsThroughSocket(t *testing.T) {
	dir := newUserDir(t)
	st, err := openStore(filepath.Join(dir, "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveAdminSocket(ctx, dir, st, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	defer func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("admin socket: %v", err)
		}
	}()
	waitForSocket(t, dir)
	id, secret := createToken(t, dir, "--office", "urp", "--scope", "read", "Gestionale")
	tok, err := st.Tokens.AuthenticateToken(context.Background(), secret)
	if err != nil || tok.ID != id || tok.Scope != modulario.ScopeRead {
		t.Fatalf("secret made through the socket: %+v %v", tok, err)
	}
	if code, out, _ := runStdin(t, dir, "", "token", "list"); code != 0 || !strings.Contains(out, id+"\tGestionale\tread\turp\t") {
		t.Fatalf("token list through the socket: %d %q", code, out)
	}
}

// waitForSocket waits until the admin socket file of dir exists.
func waitForSocket(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, adminSocketName)
	for i := 0; i < 500; i++ {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("admin socket %s never appeared", path)
}
