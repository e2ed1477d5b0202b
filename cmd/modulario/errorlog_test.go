package main

import (
	"bytes"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestHTTPErrorLogRedactsClientAddr: net/http's own error lines keep
// their text but not the client's IP:port.
func TestHTTPErrorLogRedactsClientAddr(t *testing.T) {
	buf := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(buf, nil))
	srv := newHTTPServer(DefaultConfig(), http.NotFoundHandler(), logger)
	srv.ErrorLog.Printf("http: TLS handshake error from 203.0.113.7:55555: EOF")
	srv.ErrorLog.Printf("http2: server: error reading preface from client [2001:db8::7]:55555: bogus")
	out := buf.String()
	if strings.Contains(out, "203.0.113.7") || strings.Contains(out, "2001:db8") || strings.Contains(out, "55555") ||
		!strings.Contains(out, "TLS handshake error from [redacted]: EOF") || !strings.Contains(out, "level=WARN") {
		t.Fatalf("error log:\n%s", out)
	}

	// A real TLS handshake failure from a client.
	buf = &syncBuffer{}
	logger = slog.New(slog.NewTextHandler(buf, nil))
	ts := httptest.NewUnstartedServer(http.NotFoundHandler())
	ts.Config = newHTTPServer(DefaultConfig(), http.NotFoundHandler(), logger)
	ts.StartTLS()
	defer ts.Close()
	c, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	local := c.LocalAddr().String()
	_, _ = c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	_, _ = c.Read(make([]byte, 512))
	c.Close()
	for i := 0; i < 200 && !strings.Contains(buf.String(), "handshake"); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	out = buf.String()
	if !strings.Contains(out, "handshake") || strings.Contains(out, local) || !strings.Contains(out, "[redacted]") {
		t.Fatalf("client %s, error log:\n%s", local, out)
	}
}

func TestAddrRedactor(t *testing.T) {
	for in, want := range map[string]string{
		"from 1.2.3.4:5555: EOF":            "from [redacted]: EOF",
		"client [::1]:40000 sent":           "client [redacted] sent",
		"client [fe80::1%eth0]:40000 sent":  "client [redacted] sent",
		"http: Accept error: too many open": "http: Accept error: too many open",
		"took 1.5s at 12:30:00":             "took 1.5s at 12:30:00",
	} {
		var b bytes.Buffer
		if n, err := (addrRedactor{&b}).Write([]byte(in)); err != nil || n != len(in) || b.String() != want {
			t.Errorf("%q -> %q (%d, %v), want %q", in, b.String(), n, err, want)
		}
	}
}
