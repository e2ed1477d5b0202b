package main

import (
	"bytes"
	"context"
	"encoding/json"
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
}

// adminResponse is what the server answers.
type adminResponse struct {
	Code   int    `json:"code"`
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
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
// file is made 0600 (the data directory is 0750) and removed on return.
func serveAdminSocket(ctx context.Context, dataDir string, st *store, log *slog.Logger) error {
	path := filepath.Join(dataDir, adminSocketName)
	_ = os.Remove(path) // a stale socket from a killed server
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("admin socket %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("admin socket %s: %w", path, err)
	}
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	defer os.Remove(path)
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		go handleAdminConn(ctx, conn, st, log)
	}
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
		resp.Code = cmd(ctx, req.Args[1:], env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }, shared: st})
		resp.Stdout, resp.Stderr = out.String(), errOut.String()
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
	if err := json.NewEncoder(conn).Encode(adminRequest{Args: full}); err == nil {
		err = json.NewDecoder(conn).Decode(&resp)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: the running server's admin socket %s failed: %v\n", path, err)
		return exitError, true
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
