package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadOnlyDataDirAtStartup: a data directory on a read-only file
// system stops serve at once with an error naming the directory and a
// non-zero exit code, never a panic.
func TestReadOnlyDataDirAtStartup(t *testing.T) {
	skipWithoutBinary(t)
	bin, dataDir := buildBinary(t), t.TempDir()
	cmd := onTmpfs(t, dataDir, "ro,size=1m", bin, "serve")
	cmd.Env = append(os.Environ(), "MODULARIO_ADDR="+freeAddr(t), "MODULARIO_DATA_DIR="+dataDir)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := runBounded(ctx, cmd)
	if ctx.Err() != nil {
		t.Fatalf("serve kept running on a read-only data directory:\n%s", out)
	}
	if code := cmd.ProcessState.ExitCode(); err == nil || code != exitError {
		t.Errorf("exit code %d, want %d", code, exitError)
	}
	for _, want := range []string{dataDir, "read-only file system"} {
		if !strings.Contains(out, want) {
			t.Errorf("error lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
		t.Errorf("serve panicked:\n%s", out)
	}
}

// TestUnwritableDataDirAtStartup is the same refusal for a directory the
// user may not write (not testable as root, which ignores permissions).
func TestUnwritableDataDirAtStartup(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions; TestReadOnlyDataDirAtStartup covers the refusal")
	}
	parent := t.TempDir()
	if err := os.Chmod(parent, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(parent, 0o700) })
	dataDir := filepath.Join(parent, "data")
	var stderr bytes.Buffer
	e := env{stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	code := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir}, e)
	if code != exitError || !strings.Contains(stderr.String(), dataDir) || !strings.Contains(stderr.String(), "permission denied") {
		t.Errorf("unwritable data dir: code %d, stderr %q", code, stderr.String())
	}
}

// runBounded runs cmd to completion (or ctx's end) and returns its combined output.
func runBounded(ctx context.Context, cmd interface {
	CombinedOutput() ([]byte, error)
}) (string, error) {
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
		return string(out), err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// TestDiskFullMidRun fills the server's (private, tmpfs) disk while it
// runs: submissions get a clear 503, /readyz turns 503, nothing
// acknowledged is lost, and everything recovers once space returns.
func TestDiskFullMidRun(t *testing.T) {
	skipWithoutBinary(t)
	bin, dataDir, addr := buildBinary(t), t.TempDir(), freeAddr(t)
	p := startCmd(t, onTmpfs(t, dataDir, "size=32m", bin, "serve"), dataDir, addr)
	waitReadyz(t, addr, http.StatusOK)
	client := &http.Client{Timeout: 10 * time.Second}
	var acks []ack
	submit := func(tag string, i int) (submitResult, error) {
		a, res, err := postAssistenzaRaw(client, addr, fmt.Sprintf("%s%d@example.it", tag, i))
		if err == nil {
			acks = append(acks, a)
		}
		return res, err
	}
	for i := range 20 {
		if _, err := submit("prima", i); err != nil {
			t.Fatalf("before the disk fills: %v", err)
		}
	}

	filler := fillDisk(t, p, dataDir)
	refusal := submitUntilRefused(t, submit)
	if refusal.status != http.StatusServiceUnavailable || !strings.HasPrefix(refusal.contentType, "application/problem+json") ||
		!strings.Contains(refusal.body, "momentaneamente non disponibile") {
		t.Errorf("disk full: status %d (%s), body %s; want 503 problem+json in Italian", refusal.status, refusal.contentType, refusal.body)
	}
	waitReadyz(t, addr, http.StatusServiceUnavailable)
	checkWebRefusal(t, client, addr)

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	waitReadyz(t, addr, http.StatusOK)
	for i := range 20 {
		if _, err := submit("dopo", i); err != nil {
			t.Fatalf("after space returned: %v", err)
		}
	}
	for _, a := range acks {
		if body := get(t, a.url, http.StatusOK); !strings.Contains(body, a.number) {
			t.Errorf("tracking page of acknowledged %s lacks its number", a.number)
		}
	}
	if strings.Contains(p.logs(), "panic") {
		t.Errorf("the server panicked:\n%s", p.logs())
	}
	t.Logf("disk full mid-run: %d acknowledged (all found after recovery), refused with %d", len(acks), refusal.status)
}

// submitUntilRefused submits until the server refuses (the disk is full
// but bbolt first reuses its free pages) and returns the refusal; it
// fails on a 500 or when nothing is refused within a bound.
func submitUntilRefused(t *testing.T, submit func(string, int) (submitResult, error)) submitResult {
	t.Helper()
	deadline := time.Now().Add(40 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		res, err := submit("piena", i)
		if err == nil {
			continue
		}
		if res.status == 0 {
			t.Fatalf("no answer while the disk is full: %v", err)
		}
		return res
	}
	t.Fatal("the server still accepts submissions 40s after the disk filled")
	return submitResult{}
}

// checkWebRefusal starts the web flow of a form while the disk is full:
// creating the draft fails with an Italian 503 page, never a 500.
func checkWebRefusal(t *testing.T, client *http.Client, addr string) {
	t.Helper()
	noFollow := *client
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.PostForm("http://"+addr+"/servizi/richiesta-assistenza/privacy", url.Values{"consenso": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	switch {
	case resp.StatusCode == http.StatusSeeOther:
		t.Log("the draft still fitted in bbolt's free pages; no web refusal to check")
	case resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "Servizio momentaneamente non disponibile"):
		t.Errorf("web flow on a full disk: status %d, want 503 with an Italian page", resp.StatusCode)
	}
}
