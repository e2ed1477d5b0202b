package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/modulario/modulario/themes"
)

// TestRestart runs the real binary: submit, SIGKILL, start again on the same
// data directory: the submission and its number are still there and the
// next number follows.
func TestRestart(t *testing.T) {
	skipWithoutBinary(t)
	bin := buildBinary(t)
	dataDir := t.TempDir()
	addr := freeAddr(t)

	first := startServer(t, bin, dataDir, addr)
	receipt1 := submitAssistenza(t, addr)
	if err := first.cmd.Process.Kill(); err != nil { // SIGKILL: no chance to clean up
		t.Fatal(err)
	}
	<-first.exited // startServer's goroutine owns cmd.Wait

	second := startServer(t, bin, dataDir, addr)
	body := get(t, receipt1.TrackingURL, http.StatusOK)
	if !strings.Contains(body, receipt1.Number) {
		t.Errorf("tracking page after restart does not show %s", receipt1.Number)
	}
	receipt2 := submitAssistenza(t, addr)
	if want := nextNumber(t, receipt1.Number); receipt2.Number != want {
		t.Errorf("number after restart = %s, want %s", receipt2.Number, want)
	}

	// A second process on the same data directory is refused clearly.
	var stderr bytes.Buffer
	e := env{stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second) // ends it if it wrongly starts
	defer cancel()
	if code := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir}, e); code != exitError ||
		!strings.Contains(stderr.String(), "in use by another modulario process") {
		t.Errorf("second process on a locked store: code %d, stderr %q", code, stderr.String())
	}

	// SIGTERM shuts down gracefully with exit code 0.
	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-second.exited:
		if code := second.cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("exit code after SIGTERM = %d, want 0\n%s", code, second.logs())
		}
	case <-time.After(20 * time.Second):
		t.Errorf("no exit within 20s of SIGTERM")
	}
}

// skipWithoutBinary skips whole-program tests under -short, and when the
// assets are not built (serve refuses to start without them).
func skipWithoutBinary(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if _, err := themes.LoadAssets(); errors.Is(err, themes.ErrAssetsMissing) {
		t.Skip("assets missing: run make assets")
	} else if err != nil {
		t.Fatal(err)
	}
}

// buildBinary compiles this command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "modulario")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// process is a running server with its combined output.
type process struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer
	exited chan struct{}
}

func (p *process) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *process) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// startServer starts `serve` with demo content and waits for /healthz;
// extraEnv adds settings (NAME=value).
func startServer(t *testing.T, bin, dataDir, addr string, extraEnv ...string) *process {
	t.Helper()
	p := &process{exited: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = append(os.Environ(),
		"MODULARIO_ADDR="+addr, "MODULARIO_DATA_DIR="+dataDir, "MODULARIO_DEMO=1",
		"MODULARIO_BASE_URL=http://"+addr, "MODULARIO_LOG_LEVEL=debug")
	p.cmd.Env = append(p.cmd.Env, extraEnv...)
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("server output:\n%s", p.logs())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			t.Fatalf("server exited early:\n%s", p.logs())
		default:
		}
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server not healthy within 30s:\n%s", p.logs())
	return nil
}

// receipt is the API's answer to a submission.
type receipt struct {
	Number      string `json:"number"`
	TrackingURL string `json:"tracking_url"`
	Status      string `json:"status"`
}

// submitAssistenza posts a valid "richiesta-assistenza" through the JSON API.
func submitAssistenza(t *testing.T, addr string) receipt {
	t.Helper()
	return submitAssistenzaAs(t, addr, "maria.rossi@example.it")
}

// submitAssistenzaAs is submitAssistenza with the citizen's email address.
func submitAssistenzaAs(t *testing.T, addr, email string) receipt {
	t.Helper()
	data := `{"nome":"Maria","cognome":"Rossi","email":"` + email + `","categoria":"anagrafe",` +
		`"servizio":"Rinnovo della carta d'identità","dettagli":"Vorrei sapere quali documenti servono per il rinnovo."}`
	resp, err := http.Post("http://"+addr+"/api/v1/forms/richiesta-assistenza/submissions", "application/json", strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("submission: status %d, body %s", resp.StatusCode, body)
	}
	var r receipt
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("submission answer %s: %v", body, err)
	}
	if !regexp.MustCompile(`^\d{4}-\d{7}$`).MatchString(r.Number) || r.TrackingURL == "" {
		t.Fatalf("unexpected receipt %+v", r)
	}
	return r
}

// get fetches url and checks the status.
func get(t *testing.T, url string, status int) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d", url, resp.StatusCode, status)
	}
	return string(body)
}

// nextNumber returns the request number that follows n in the same year.
func nextNumber(t *testing.T, n string) string {
	t.Helper()
	year, seq, _ := strings.Cut(n, "-")
	v, err := strconv.Atoi(seq)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s-%07d", year, v+1)
}
