package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario/web"
)

// observed builds the echo site of the tests behind Observe, logging JSON
// into the returned buffer and recording every request.
func observed(t *testing.T, trust bool) (http.Handler, *bytes.Buffer, *[]web.Observed) {
	t.Helper()
	var logs bytes.Buffer
	var seen []web.Observed
	logger := slog.New(web.NewLogHandler(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	e := echo.New()
	e.Use(web.RecordRoute)
	e.GET("/pratiche/:token", func(c echo.Context) error {
		logger.InfoContext(c.Request().Context(), "inside the handler")
		if c.Param("token") == "missing" {
			return c.String(http.StatusNotFound, "no")
		}
		return c.String(http.StatusOK, "hello")
	})
	e.GET("/vuota", func(c echo.Context) error { return nil })
	h := web.Observe(web.Site("citizen", e), web.ObserveConfig{
		Logger: logger, TrustRequestID: trust,
		Record: func(o web.Observed) { seen = append(seen, o) },
	})
	return h, &logs, &seen
}

// logLines decodes every JSON line of logs.
func logLines(t *testing.T, logs *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

func TestObserveRouteStatusAndRequestID(t *testing.T) {
	h, logs, seen := observed(t, false)
	cases := []struct {
		path, route string
		status      int
		bytes       int64
	}{
		{"/pratiche/tok-secret-1", "/pratiche/:token", 200, 5},
		{"/pratiche/missing", "/pratiche/:token", 404, 2},
		{"/vuota", "/vuota", 200, 0},
		{"/non/esiste/tok-secret-2", web.UnmatchedRoute, 404, -1},
	}
	for i, c := range cases {
		logs.Reset()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path+"?email=a@b.it", nil))
		id := rec.Header().Get(web.RequestIDHeader)
		if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) {
			t.Fatalf("%s: request id %q, want 16 hex digits", c.path, id)
		}
		o := (*seen)[i]
		if o.Info.Route != c.route || o.Status != c.status || o.Info.Site != "citizen" || o.Info.ID != id ||
			(c.bytes >= 0 && o.Bytes != c.bytes) {
			t.Errorf("%s: recorded %+v %+v, want route %s status %d bytes %d", c.path, o, *o.Info, c.route, c.status, c.bytes)
		}
		lines := logLines(t, logs)
		access := lines[len(lines)-1]
		if access["msg"] != "request" || access["route"] != c.route || access["status"] != float64(c.status) {
			t.Errorf("%s: access log %v", c.path, access)
		}
		for _, l := range lines {
			if l["request_id"] != id {
				t.Errorf("%s: line %v lacks request_id %s", c.path, l, id)
			}
		}
		for _, secret := range []string{"tok-secret", "a@b.it", "email", "/pratiche/missing"} {
			if strings.Contains(logs.String(), secret) {
				t.Errorf("%s: the log holds %q: %s", c.path, secret, logs)
			}
		}
	}
}

func TestObserveIncomingRequestID(t *testing.T) {
	for _, c := range []struct {
		trust    bool
		incoming string
		kept     bool
	}{
		{true, "proxy-1.abc_DEF", true},
		{false, "proxy-1.abc_DEF", false},
		{true, `bad" id`, false},
		{true, strings.Repeat("a", 65), false},
		{true, strings.Repeat("a", 64), true},
	} {
		h, _, _ := observed(t, c.trust)
		req := httptest.NewRequest(http.MethodGet, "/vuota", nil)
		req.Header.Set(web.RequestIDHeader, c.incoming)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Header().Get(web.RequestIDHeader); (got == c.incoming) != c.kept || got == "" {
			t.Errorf("trust=%v incoming %q: response id %q, kept want %v", c.trust, c.incoming, got, c.kept)
		}
	}
}

// TestObserveHijackAndPanic checks the status recorded for a taken-over
// connection and for a handler that panics, over a real server.
func TestObserveHijackAndPanic(t *testing.T) {
	got := make(chan web.Observed, 2)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	h := web.Observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			var m map[string]int
			m["boom"]++
		}
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		rw.WriteString("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
		rw.Flush()
		conn.Close()
	}), web.ObserveConfig{Logger: logger, Record: func(o web.Observed) { got <- o }})
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	srv.Start()
	defer srv.Close()
	for path, want := range map[string]int{"/hijack": 0, "/panic": 500} {
		resp, err := http.Get(srv.URL + path)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if o := <-got; o.Status != want {
			t.Errorf("%s: recorded status %d, want %d", path, o.Status, want)
		}
	}
	// The panic is logged once, by Observe, with the request id and the
	// stack; net/http's own line (with the client's address) is not.
	lines := logLines(t, &logs)
	var panics int
	for _, l := range lines {
		if l["msg"] == "panic serving a request" {
			panics++
			if l["request_id"] == nil || !strings.Contains(l["stack"].(string), "observe_test.go") ||
				!strings.Contains(l["panic"].(string), "nil map") {
				t.Errorf("panic line %v", l)
			}
		}
	}
	if panics != 1 || strings.Contains(logs.String(), "127.0.0.1") {
		t.Errorf("want one panic line and no client address:\n%s", logs.String())
	}
}

func TestLogHandlerWithAttrs(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(web.NewLogHandler(slog.NewJSONHandler(&logs, nil))).With("job", "x")
	ctx := web.WithInfo(t.Context(), &web.RequestInfo{ID: "abc"})
	logger.InfoContext(ctx, "one")
	logger.Info("two")
	lines := logLines(t, &logs)
	if lines[0]["request_id"] != "abc" || lines[0]["job"] != "x" {
		t.Errorf("line with a request context: %v", lines[0])
	}
	if _, ok := lines[1]["request_id"]; ok {
		t.Errorf("line without a request context got an id: %v", lines[1])
	}
}

// BenchmarkObserve measures what Observe and RecordRoute add to a request
// (run with -benchmem); the baseline is the bare echo router, and
// observed-nolog leaves out the JSON encoding of the access-log line.
func BenchmarkObserve(b *testing.B) {
	newEcho := func(observe, log bool) http.Handler {
		e := echo.New()
		if observe {
			e.Use(web.RecordRoute)
		}
		e.GET("/pratiche/:token", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
		if !observe {
			return e
		}
		logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
		if !log {
			logger = slog.New(slog.DiscardHandler)
		}
		return web.Observe(web.Site("citizen", e), web.ObserveConfig{Logger: logger, Record: func(web.Observed) {}})
	}
	for _, c := range []struct {
		name         string
		observe, log bool
	}{{"bare", false, false}, {"observed-nolog", true, false}, {"observed", true, true}} {
		b.Run(c.name, func(b *testing.B) {
			h := newEcho(c.observe, c.log)
			req := httptest.NewRequest(http.MethodGet, "/pratiche/abcdef", nil)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, req)
			}
		})
	}
}

// discardWriter is a ResponseWriter that keeps nothing, so the benchmark
// measures the handlers rather than a recorder.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}
