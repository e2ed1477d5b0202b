package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAdminSocketPrivate: the socket appears under its name already 0600,
// the private directory it was bound in is gone, and a connection from
// the server's own user (this process) is accepted.
func TestAdminSocketPrivate(t *testing.T) {
	dir := t.TempDir()
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
	fi, err := os.Lstat(filepath.Join(dir, adminSocketName))
	if err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket: %v %v", fi.Mode(), err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".sock") {
			t.Errorf("private bind directory left: %s", e.Name())
		}
	}
	var out, errOut bytes.Buffer
	code, ok := forwardToServer(dir, nil, "user list", env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }})
	if !ok || code != exitOK || strings.Contains(errOut.String(), "own user") {
		t.Fatalf("same-uid client: ok=%v code=%d %q %q", ok, code, out.String(), errOut.String())
	}
}

// TestPeerUID: SO_PEERCRED reports this process's uid for its own
// connection (or is unsupported on this system).
func TestPeerUID(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s")
	ln, err := listenPrivateUnix(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := net.Dial("unix", path)
		if err == nil {
			defer c.Close()
			_, _ = c.Read(make([]byte, 1))
		}
	}()
	conn, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	uid, err := peerUID(conn)
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skip("no SO_PEERCRED here")
	}
	if err != nil || uid != os.Getuid() {
		t.Fatalf("peerUID = %d, %v; want %d", uid, err, os.Getuid())
	}
}
