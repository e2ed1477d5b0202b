package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Short limits for the slow-client tests, set through serve's own settings.
const (
	slowHeaderTimeout = time.Second
	slowReadTimeout   = 2 * time.Second
	slowIdleTimeout   = time.Second
	slowConns         = 200
)

// TestSlowClients runs the real server with short timeouts and checks that
// slow or oversized clients are cut off and cannot starve a normal one.
func TestSlowClients(t *testing.T) {
	skipWithoutBinary(t)
	bin, addr := buildBinary(t), freeAddr(t)
	startServer(t, bin, t.TempDir(), addr,
		"MODULARIO_READ_HEADER_TIMEOUT="+slowHeaderTimeout.String(),
		"MODULARIO_READ_TIMEOUT="+slowReadTimeout.String(),
		"MODULARIO_IDLE_TIMEOUT="+slowIdleTimeout.String(),
		"MODULARIO_LOG_LEVEL=error")

	t.Run("slowloris headers are cut by the header timeout", func(t *testing.T) {
		conn := dial(t, addr)
		io.WriteString(conn, "GET /servizi HTTP/1.1\r\nHost: "+addr+"\r\n")
		took := dripUntilClosed(t, conn, "X-Slow: "+strings.Repeat("a", 60), 250*time.Millisecond)
		if took > slowHeaderTimeout+2*time.Second {
			t.Errorf("slow headers kept the connection %s, header timeout %s", took, slowHeaderTimeout)
		}
	})
	t.Run("a slow body is cut by the read timeout", func(t *testing.T) {
		conn := dial(t, addr)
		io.WriteString(conn, "POST /api/v1/forms/richiesta-assistenza/submissions HTTP/1.1\r\nHost: "+addr+
			"\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
		took := dripUntilClosed(t, conn, strings.Repeat(" ", 60), 250*time.Millisecond)
		if took > slowReadTimeout+2*time.Second {
			t.Errorf("a slow body kept the connection %s, read timeout %s", took, slowReadTimeout)
		}
	})
	t.Run("idle keep-alive connections are closed", func(t *testing.T) {
		conn := dial(t, addr)
		io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: "+addr+"\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("first request: %v", err)
		}
		resp.Body.Close()
		start := time.Now()
		_ = conn.SetReadDeadline(time.Now().Add(slowIdleTimeout + 3*time.Second))
		if _, err := conn.Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("idle connection: read %v, want EOF from the server", err)
		} else if took := time.Since(start); took > slowIdleTimeout+2*time.Second {
			t.Errorf("idle connection closed after %s, idle timeout %s", took, slowIdleTimeout)
		}
	})
	t.Run("oversized headers get 431", func(t *testing.T) {
		conn := dial(t, addr)
		io.WriteString(conn, "GET /servizi HTTP/1.1\r\nHost: "+addr+"\r\nX-Big: "+strings.Repeat("a", 2*maxHeaderBytes)+"\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("no answer to oversized headers: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("oversized headers: status %d, want 431", resp.StatusCode)
		}
	})
	t.Run("many slow clients do not starve a normal one", func(t *testing.T) {
		testManySlowClients(t, addr)
	})
}

// testManySlowClients holds slowConns half-sent requests open while a
// normal client fetches a page.
func testManySlowClients(t *testing.T, addr string) {
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range slowConns {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("slow connection: %v", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			io.WriteString(conn, "GET / HTTP/1.1\r\nHost: "+addr+"\r\n")
			for {
				select {
				case <-stop:
					return
				case <-time.After(200 * time.Millisecond):
					if _, err := io.WriteString(conn, "X"); err != nil {
						return // cut by the server
					}
				}
			}
		}()
	}
	defer func() { close(stop); wg.Wait() }()
	time.Sleep(300 * time.Millisecond) // let them all be accepted
	client := &http.Client{Timeout: 5 * time.Second}
	for range 5 {
		start := time.Now()
		resp, err := client.Get("http://" + addr + "/servizi/richiesta-assistenza")
		if err != nil {
			t.Fatalf("normal client with %d slow ones: %v", slowConns, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if took := time.Since(start); resp.StatusCode != http.StatusOK || took > 500*time.Millisecond {
			t.Errorf("normal client with %d slow ones: status %d in %s", slowConns, resp.StatusCode, took)
		}
	}
}

// dial opens a raw connection closed when the test ends.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// dripUntilClosed writes drip one byte every interval until the server
// closes the connection (a write or read fails), and returns how long that
// took. It fails the test if the server never does within 10 seconds, or
// answers with a 5xx.
func dripUntilClosed(t *testing.T, conn net.Conn, drip string, interval time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	closed := make(chan string, 1)
	go func() { // the server may answer (408, 400) before closing
		b, _ := io.ReadAll(conn)
		closed <- string(b)
	}()
	for i := 0; time.Since(start) < 10*time.Second; i++ {
		select {
		case answer := <-closed:
			if strings.HasPrefix(answer, "HTTP/1.1 5") {
				t.Errorf("server answered a slow client with %q", strings.SplitN(answer, "\r\n", 2)[0])
			}
			return time.Since(start)
		case <-time.After(interval):
		}
		if _, err := conn.Write([]byte{drip[i%len(drip)]}); err != nil {
			return time.Since(start)
		}
	}
	t.Fatal("the server kept a slow connection open for 10s")
	return 0
}
