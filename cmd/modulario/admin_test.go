package main

import (
	"os/exec"
	"strings"
	"testing"
)

// runCLI runs the built binary with args and the data dir in its env.
func runCLI(t *testing.T, bin, dataDir string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(cmd.Environ(), "MODULARIO_DATA_DIR="+dataDir)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// TestManagementCommands: office, webhook and outbox commands work on a
// stopped store directly and, while serve holds the lock, through its
// admin socket.
func TestManagementCommands(t *testing.T) {
	skipWithoutBinary(t)
	bin, dataDir := buildBinary(t), t.TempDir()
	out, code := runCLI(t, bin, dataDir, "office", "add", "--name", "Polizia locale", "--email", "PM@Comune.example", "polizia-locale")
	if code != 0 || !strings.Contains(out, "office polizia-locale saved") {
		t.Fatalf("office add on a stopped store: %d %s", code, out)
	}
	if out, code = runCLI(t, bin, dataDir, "office", "add", "--name", "", "senza-nome"); code == 0 {
		t.Errorf("office without a name accepted: %s", out)
	}

	addr := freeAddr(t)
	startServer(t, bin, dataDir, addr)
	out, code = runCLI(t, bin, dataDir, "office", "list")
	if code != 0 || !strings.Contains(out, "polizia-locale\tPolizia locale\tpm@comune.example") {
		t.Fatalf("office list through the socket: %d %q", code, out)
	}
	out, code = runCLI(t, bin, dataDir, "calendar", "list")
	if code != 0 || !strings.Contains(out, "anagrafe-sede-centrale\tanagrafe\tplace\t") {
		t.Fatalf("calendar list through the socket: %d %q", code, out)
	}
	out, code = runCLI(t, bin, dataDir, "webhook", "add", "protocollo", "https://protocollo.comune.example/hook")
	if code != 0 || !strings.Contains(out, "whsec_") {
		t.Fatalf("webhook add through the socket: %d %q", code, out)
	}
	if out, _ = runCLI(t, bin, dataDir, "webhook", "list"); strings.Contains(out, "whsec_") || !strings.Contains(out, "protocollo") {
		t.Errorf("webhook list shows a secret or misses the endpoint: %q", out)
	}

	// A submission queues the demo's two emails; no SMTP is configured, so
	// they wait in the outbox with an error that names the missing setting.
	submitAssistenza(t, addr)
	out, code = runCLI(t, bin, dataDir, "outbox", "list", "--channel", "email")
	if code != 0 || strings.Count(out, "\temail\t") != 2 {
		t.Fatalf("outbox list: %d %q", code, out)
	}
	id := strings.SplitN(out, "\t", 2)[0]
	if out, code = runCLI(t, bin, dataDir, "outbox", "show", id); code != 0 || !strings.Contains(out, "channel:    email") {
		t.Errorf("outbox show: %d %q", code, out)
	}
	if out, code = runCLI(t, bin, dataDir, "outbox", "retry", id); code != 0 || !strings.Contains(out, "due now") {
		t.Errorf("outbox retry: %d %q", code, out)
	}
	if out, code = runCLI(t, bin, dataDir, "outbox", "retry", "no-such-id"); code == 0 {
		t.Errorf("retry of an unknown message succeeded: %q", out)
	}
}
