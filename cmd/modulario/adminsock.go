package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The admin socket lets management commands (office, webhook, outbox, user) work
// while the server holds the bbolt file lock: the CLI sends its arguments
// over a unix socket in the data directory, readable only by the server's
// user, and the server runs the command on its open store.

const adminSocketName = "modulario.sock"

// adminRequest is what the CLI sends: the full argument list.
type adminRequest struct {
	Args []string `json:"args"`
	// Files are the files of a form or page command's PATH arguments,
	// read by the CLI (the server reads no path it is given).
	Files map[string][]byte `json:"files,omitempty"`
}

// adminResponse is what the server answers.
type adminResponse struct {
	Code   int    `json:"code"`
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
	// Files are the files a form or page export produced, for the CLI to
	// write (the server writes no path it is given).
	Files map[string][]byte `json:"files,omitempty"`
}

// adminCommands are the command groups the socket accepts.
var adminCommands = map[string]func(context.Context, []string, env) int{
	"office":   runOffice,
	"webhook":  runWebhook,
	"outbox":   runOutbox,
	"user":     runUser,
	"calendar": runCalendarRead,
}

// adminTimeouts are the time limits of command groups that may run longer
// than a minute over the socket (a backup of a large store).
var adminTimeouts = map[string]time.Duration{}

// adminTimeout is how long one command of group may take over the socket.
func adminTimeout(group string) time.Duration {
	if d, ok := adminTimeouts[group]; ok {
		return d
	}
	return time.Minute
}

// serveAdminSocket accepts management commands until ctx ends. The socket
// file is 0600 from the moment its final name exists (the data directory
// is 0750) and removed on return; a connection from another user than the
// server's is refused where the system reports the peer (SO_PEERCRED).
func serveAdminSocket(ctx context.Context, dataDir string, st *store, log *slog.Logger) error {
	path := filepath.Join(dataDir, adminSocketName)
	_ = os.Remove(path) // a stale socket from a killed server
	ln, err := listenPrivateUnix(path)
	if err != nil {
		return fmt.Errorf("admin socket %s: %w", path, err)
	}
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	defer os.Remove(path)
	uid := os.Getuid()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if peer, err := peerUID(conn); !errors.Is(err, errors.ErrUnsupported) && (err != nil || peer != uid) {
			log.Warn("admin socket: connection from another user refused", "uid", peer, "err", err)
			_ = conn.SetDeadline(time.Now().Add(time.Second))
			_ = json.NewEncoder(conn).Encode(adminResponse{Code: exitError,
				Stderr: fmt.Sprintf("the server accepts management commands only from its own user (uid %d)\n", uid)})
			conn.Close()
			continue
		}
		go handleAdminConn(ctx, conn, st, log)
	}
}

// listenPrivateUnix listens on a unix socket at path that nobody but the
// owner can connect to at any moment: the socket is bound inside a new
// 0700 directory next to path (so the umask never exposes it), made 0600,
// then renamed into place.
func listenPrivateUnix(path string) (net.Listener, error) {
	dir, err := os.MkdirTemp(filepath.Dir(path), ".sock")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", tmp)
	if err != nil {
		return nil, err
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false) // path is removed by the caller
	if err = os.Chmod(tmp, 0o600); err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

func handleAdminConn(ctx context.Context, conn net.Conn, st *store, log *slog.Logger) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	var req adminRequest
	if err := json.NewDecoder(conn).Decode(&req); err != nil || len(req.Args) == 0 {
		return
	}
	_ = conn.SetDeadline(time.Now().Add(adminTimeout(req.Args[0])))
	var resp adminResponse
	cmd, ok := adminCommands[req.Args[0]]
	if !ok {
		resp = adminResponse{Code: exitUsage, Stderr: fmt.Sprintf("%q cannot run through the server\n", req.Args[0])}
	} else {
		var out, errOut bytes.Buffer
		files := &socketFiles{in: req.Files, out: map[string][]byte{}}
		resp.Code = cmd(ctx, req.Args[1:], env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }, shared: st, files: files})
		resp.Stdout, resp.Stderr, resp.Files = out.String(), errOut.String(), files.out
	}
	log.Info("admin command", "command", strings.Join(req.Args[:min(2, len(req.Args))], " "), "exit", resp.Code)
	_ = json.NewEncoder(conn).Encode(resp)
}

// forwardToServer runs a management command through the running server's
// admin socket. ok is false when no server answers on it (none running, or
// a stale socket left by a killed one): the caller opens the file itself.
// synopsis names the command ("office add SLUG").
func forwardToServer(dataDir string, args []string, synopsis string, e env) (code int, ok bool) {
	group, sub, _ := strings.Cut(synopsis, " ")
	sub, _, _ = strings.Cut(sub, " ")
	path := filepath.Join(dataDir, adminSocketName)
	conn, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return 0, false
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(adminTimeout(group)))
	full := []string{group}
	if sub != strings.ToUpper(sub) { // a subcommand, not an argument ("backup FILE")
		full = append(full, sub)
	}
	full = append(full, stripDataDir(args)...)
	var resp adminResponse
	req := adminRequest{Args: full}
	if e.files != nil {
		req.Files = e.files.in
	}
	if err = json.NewEncoder(conn).Encode(req); err == nil {
		err = json.NewDecoder(conn).Decode(&resp)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: the running server's admin socket %s failed: %v\n", path, err)
		return exitError, true
	}
	if e.files != nil {
		e.files.out, e.files.answered = resp.Files, true
	}
	fmt.Fprint(e.stdout, resp.Stdout)
	fmt.Fprint(e.stderr, resp.Stderr)
	return resp.Code, true
}

// stripDataDir drops --data-dir from forwarded arguments: the server uses
// its own store.
func stripDataDir(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--data-dir" || a == "-data-dir":
			i++
		case strings.HasPrefix(a, "--data-dir=") || strings.HasPrefix(a, "-data-dir="):
		default:
			out = append(out, a)
		}
	}
	return out
}
