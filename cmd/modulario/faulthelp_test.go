package main

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// tmpfsScript mounts a tmpfs with options $2 on $1 in a private mount
// namespace, then runs the rest of the arguments.
const tmpfsScript = `dir=$1 opts=$2; shift 2; mount -t tmpfs -o "$opts" tmpfs "$dir" && exec "$@"`

// onTmpfs returns a command that runs args (the binary first) with dataDir
// as a private tmpfs mounted with opts, in a user and mount namespace of its
// own (unshare -rm), so the test needs no root. It skips the test where
// unshare or unprivileged user namespaces are unavailable.
func onTmpfs(t *testing.T, dataDir, opts string, args ...string) *exec.Cmd {
	t.Helper()
	probe := exec.Command("unshare", "-rm", "sh", "-c", tmpfsScript, "sh", dataDir, "size=1m", "true")
	if out, err := probe.CombinedOutput(); err != nil {
		t.Skipf("cannot mount a private tmpfs here (unshare -rm: %v %s): disk-full tests need user namespaces", err, out)
	}
	return exec.Command("unshare", append([]string{"-rm", "sh", "-c", tmpfsScript, "sh", dataDir, opts}, args...)...)
}

// startCmd starts an already built serve command with the test settings
// and waits for /healthz.
func startCmd(t *testing.T, cmd *exec.Cmd, dataDir, addr string, extraEnv ...string) *process {
	t.Helper()
	p := &process{cmd: cmd, exited: make(chan struct{})}
	cmd.Env = append(os.Environ(), "MODULARIO_ADDR="+addr, "MODULARIO_DATA_DIR="+dataDir, "MODULARIO_DEMO=1",
		"MODULARIO_BASE_URL=http://"+addr, "MODULARIO_LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.Stdout, cmd.Stderr = p, p
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("server output:\n%s", p.logs())
		}
	})
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-p.exited:
			t.Fatalf("server exited early:\n%s", p.logs())
		default:
		}
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
	}
	t.Fatalf("server not healthy within 30s:\n%s", p.logs())
	return nil
}

// fillDisk writes a filler file into dir (seen through the server's mount
// namespace) until the file system is full, and returns its path.
func fillDisk(t *testing.T, p *process, dir string) string {
	t.Helper()
	path := filepath.Join("/proc", strconv.Itoa(p.cmd.Process.Pid), "root", dir, "filler")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatalf("cannot reach the server's tmpfs: %v", err)
	}
	defer f.Close()
	for _, chunk := range []int{1 << 20, 4 << 10} { // big chunks, then the last pages
		buf := make([]byte, chunk)
		for {
			if _, err := f.Write(buf); errors.Is(err, syscall.ENOSPC) {
				break
			} else if err != nil {
				t.Fatalf("filling the disk: %v", err)
			}
		}
	}
	return path
}

// readyz returns the status and body of GET /readyz.
func readyz(addr string) (int, string) {
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	var b [256]byte
	n, _ := resp.Body.Read(b[:])
	return resp.StatusCode, string(b[:n])
}

// waitReadyz polls /readyz until it answers want (its cache lasts a second).
func waitReadyz(t *testing.T, addr string, want int) {
	t.Helper()
	var code int
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if code, body = readyz(addr); code == want {
			return
		}
	}
	t.Fatalf("/readyz = %d %q, want %d (is it mounted? see health.go)", code, body, want)
}
