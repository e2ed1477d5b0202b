package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/modulario/modulario/storage"
	"github.com/modulario/modulario/web"
)

// syncBuffer is a log destination the server and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveInProcess runs the real server (demo content, a fresh data
// directory, JSON debug logs into the returned buffer) until the test
// ends, and returns its address once /healthz answers.
func serveInProcess(t *testing.T, mutate func(*Config)) (string, *syncBuffer) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Addr, cfg.DataDir, cfg.Demo, cfg.DemoPassword = freeAddr(t), t.TempDir(), true, "password-demo-metrics"
	cfg.LogLevel, cfg.LogFormat = "debug", "json"
	if mutate != nil {
		mutate(&cfg)
	}
	if err := cfg.Resolve(); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, newLogger(logs, cfg), io.Discard) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("server stopped: %v\n%s", err, logs)
		default:
		}
		if resp, err := http.Get("http://" + cfg.Addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cfg.Addr, logs
			}
		}
	}
	t.Fatalf("server not healthy within 30s:\n%s", logs)
	return "", nil
}

// scrape fetches url with an optional Bearer token and returns status and body.
func scrape(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// metricValue returns the value of the sample of name whose labels include
// every pair of labels ("k", "v", ...), and false when there is none.
func metricValue(body, name string, labels ...string) (float64, bool) {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `(\{[^}]*\})? (\S+)$`)
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		ok := true
		for i := 0; i+1 < len(labels); i += 2 {
			ok = ok && strings.Contains(m[1], labels[i]+`="`+labels[i+1]+`"`)
		}
		if ok {
			v, err := strconv.ParseFloat(m[2], 64)
			return v, err == nil
		}
	}
	return 0, false
}

const testMetricsToken = "metrics-token-for-tests-0123456789"

func TestMetricsRoutesAndFigures(t *testing.T) {
	addr, _ := serveInProcess(t, func(c *Config) { c.MetricsToken = testMetricsToken })
	metricsURL := "http://" + addr + "/metrics"

	_, before := scrape(t, metricsURL, testMetricsToken)
	r := submitAssistenza(t, addr)
	token := r.TrackingURL[strings.LastIndex(r.TrackingURL, "/")+1:]
	get(t, "http://"+addr+"/pratiche/"+token, http.StatusOK)
	get(t, "http://"+addr+"/non-esiste/"+token, http.StatusNotFound)
	req, _ := http.NewRequest("PROPFIND", "http://"+addr+"/pratiche/"+token, nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}

	status, after := scrape(t, metricsURL, testMetricsToken)
	if status != http.StatusOK {
		t.Fatalf("scrape with the token: %d", status)
	}
	if strings.Contains(after, token) {
		t.Fatal("the tracking token appears in the metrics")
	}
	for _, c := range []struct {
		labels []string
		want   float64
	}{
		{[]string{"site", "citizen", "route", "/pratiche/:token", "method", "GET", "status", "200"}, 1},
		{[]string{"site", "citizen", "route", "/api/v1/forms/:slug/submissions", "method", "POST", "status", "201"}, 1},
		{[]string{"site", "citizen", "route", "unmatched", "method", "GET", "status", "404"}, 1},
		{[]string{"site", "ops", "route", "/healthz", "method", "GET", "status", "200"}, 1},
		// Any method a client invents counts as one label value.
		{[]string{"site", "citizen", "route", "/pratiche/:token", "method", "other", "status", "405"}, 1},
	} {
		if v, _ := metricValue(after, "modulario_http_requests_total", c.labels...); v < c.want {
			t.Errorf("modulario_http_requests_total%v = %v, want at least %v", c.labels, v, c.want)
		}
	}
	if v, ok := metricValue(after, "modulario_http_request_duration_seconds_count", "route", "/pratiche/:token"); !ok || v < 1 {
		t.Errorf("no latency observation for /pratiche/:token")
	}
	if v, _ := metricValue(after, "modulario_submissions_total", "form", "richiesta-assistenza", "channel", "api"); v != 1 {
		t.Errorf("modulario_submissions_total = %v, want 1", v)
	}
	// The rules queue two e-mails (citizen, office); nothing is configured
	// to send them, so they stay pending. The counts are cached for ten
	// seconds, and the first scrape, before the submission, counted none.
	if v, ok := metricValue(before, "modulario_outbox_messages", "channel", "email", "status", "pending"); ok && v != 0 {
		t.Errorf("pending e-mails before the submission = %v", v)
	}
	for _, name := range []string{"modulario_bbolt_size_bytes", "modulario_bbolt_read_tx_total", "go_goroutines",
		"process_resident_memory_bytes", "modulario_outbox_oldest_pending_seconds"} {
		if _, ok := metricValue(after, name); !ok {
			t.Errorf("%s missing", name)
		}
	}
	if v, _ := metricValue(after, "modulario_bbolt_size_bytes"); v <= 0 {
		t.Errorf("bbolt size = %v", v)
	}
	if _, ok := metricValue(after, "modulario_build_info", "version", version); !ok {
		t.Error("modulario_build_info missing")
	}
}

// TestMetricsOutboxCounts checks the outbox and submission figures of a
// running server after two submissions.
func TestMetricsOutboxCounts(t *testing.T) {
	addr, _ := serveInProcess(t, func(c *Config) { c.MetricsToken = testMetricsToken })
	submitAssistenza(t, addr)
	submitAssistenza(t, addr)
	_, body := scrape(t, "http://"+addr+"/metrics", testMetricsToken)
	// Each submission queues an e-mail to the citizen and one to the office.
	if v, _ := metricValue(body, "modulario_outbox_messages", "channel", "email", "status", "pending"); v != 4 {
		t.Errorf("pending e-mails = %v, want 4\n%s", v, grepLines(body, "modulario_outbox"))
	}
	if v, _ := metricValue(body, "modulario_submissions_total", "form", "richiesta-assistenza", "channel", "api"); v != 2 {
		t.Errorf("submissions = %v, want 2", v)
	}
}

func TestMetricsExposure(t *testing.T) {
	t.Run("off by default", func(t *testing.T) {
		addr, _ := serveInProcess(t, nil)
		if status, _ := scrape(t, "http://"+addr+"/metrics", ""); status != http.StatusNotFound {
			t.Errorf("/metrics without configuration: %d, want 404", status)
		}
		if status, _ := scrape(t, "http://"+addr+"/metrics", testMetricsToken); status != http.StatusNotFound {
			t.Errorf("/metrics with a token nobody configured: %d, want 404", status)
		}
	})
	t.Run("token", func(t *testing.T) {
		addr, _ := serveInProcess(t, func(c *Config) { c.MetricsToken = testMetricsToken })
		for _, token := range []string{"", "wrong-token-wrong-token-wrong", testMetricsToken + "x"} {
			if status, body := scrape(t, "http://"+addr+"/metrics", token); status != http.StatusUnauthorized || strings.Contains(body, "modulario_") {
				t.Errorf("token %q: %d, want 401 without figures", token, status)
			}
		}
		if status, body := scrape(t, "http://"+addr+"/metrics", testMetricsToken); status != http.StatusOK || !strings.Contains(body, "modulario_build_info") {
			t.Errorf("right token: %d", status)
		}
	})
	t.Run("separate address", func(t *testing.T) {
		maddr := freeAddr(t)
		addr, _ := serveInProcess(t, func(c *Config) { c.MetricsAddr = maddr })
		if status, _ := scrape(t, "http://"+addr+"/metrics", ""); status != http.StatusNotFound {
			t.Errorf("/metrics on the main address: %d, want 404", status)
		}
		if status, body := scrape(t, "http://"+maddr+"/metrics", ""); status != http.StatusOK || !strings.Contains(body, "modulario_http_requests_total") {
			t.Errorf("/metrics on the metrics address: %d", status)
		}
		for _, path := range []string{"/", "/healthz", "/servizi"} {
			if status, _ := scrape(t, "http://"+maddr+path, ""); status != http.StatusNotFound {
				t.Errorf("%s on the metrics address: %d, want 404", path, status)
			}
		}
	})
	t.Run("separate address with token", func(t *testing.T) {
		maddr := freeAddr(t)
		_, _ = serveInProcess(t, func(c *Config) { c.MetricsAddr, c.MetricsToken = maddr, testMetricsToken })
		if status, _ := scrape(t, "http://"+maddr+"/metrics", ""); status != http.StatusUnauthorized {
			t.Errorf("no token on the metrics address: %d, want 401", status)
		}
		if status, _ := scrape(t, "http://"+maddr+"/metrics", testMetricsToken); status != http.StatusOK {
			t.Errorf("token on the metrics address: %d, want 200", status)
		}
	})
}

func TestMetricsConfigInvalid(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(*Config)
		want string
	}{
		{"short token", func(c *Config) { c.MetricsToken = "short" }, "--metrics-token"},
		{"token with a space", func(c *Config) { c.MetricsToken = "abcdefgh ijklmnopq" }, "printable ASCII"},
		{"bad address", func(c *Config) { c.MetricsAddr = "9090" }, "--metrics-addr"},
		{"same address", func(c *Config) { c.MetricsAddr = c.Addr }, "must differ"},
	} {
		cfg := DefaultConfig()
		c.set(&cfg)
		err := cfg.Resolve()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
		if err != nil && cfg.MetricsToken != "" && strings.Contains(err.Error(), cfg.MetricsToken) {
			t.Errorf("%s: the error shows the token", c.name)
		}
	}
}

// TestStoreCollectorCache checks the outbox figures against a real store:
// the counts are reused for ten seconds, the overdue time is read on every
// scrape.
func TestStoreCollectorCache(t *testing.T) {
	e := newReadyEnv(t)
	now := time.Now()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(newStoreCollector(storage.NewOutboxService(e.db), e.db, func() time.Time { return now }))
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	scrapeAt := func(at time.Time) string {
		now = at
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
		}
		return rec.Body.String()
	}
	start := now
	e.queueAt(t, start.Add(-time.Hour))
	check := func(body string, pending, overdue float64) {
		t.Helper()
		if v, _ := metricValue(body, "modulario_outbox_messages", "channel", "email", "status", "pending"); v != pending {
			t.Errorf("pending = %v, want %v", v, pending)
		}
		if v, _ := metricValue(body, "modulario_outbox_oldest_pending_seconds"); v != overdue {
			t.Errorf("oldest pending = %vs, want %vs", v, overdue)
		}
	}
	check(scrapeAt(start), 1, 3600)
	e.queueAt(t, start.Add(-time.Minute))
	check(scrapeAt(start.Add(5*time.Second)), 1, 3605) // counts cached
	check(scrapeAt(start.Add(11*time.Second)), 2, 3611)
	body := scrapeAt(start.Add(11 * time.Second))
	if v, _ := metricValue(body, "modulario_outbox_failed_attempts", "channel", "email"); v != 0 {
		t.Errorf("failures = %v, want 0", v)
	}
	if v, ok := metricValue(body, "modulario_outbox_messages", "channel", "webhook", "status", "dead"); !ok || v != 0 {
		t.Errorf("a channel without messages: %v, %v; want a 0 sample", v, ok)
	}
	if v, _ := metricValue(body, "modulario_bbolt_size_bytes"); v <= 0 {
		t.Errorf("size = %v", v)
	}
}

// grepLines returns the lines of s that contain sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// BenchmarkMetricsRecord measures what the HTTP metrics add to a request
// (web.BenchmarkObserve measures the rest of the observation).
func BenchmarkMetricsRecord(b *testing.B) {
	m := newMetrics(nil, nil)
	o := web.Observed{Info: &web.RequestInfo{ID: "0123456789abcdef", Site: siteCitizen, Route: "/pratiche/:token"},
		Method: http.MethodGet, Status: http.StatusOK, Bytes: 5000, Elapsed: 3 * time.Millisecond}
	b.ReportAllocs()
	for b.Loop() {
		m.record(o)
	}
}
