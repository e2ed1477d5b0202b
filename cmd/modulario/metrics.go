package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage"
	"github.com/modulario/modulario/web"
)

// metricsPath is where the Prometheus figures are served.
const metricsPath = "/metrics"

// outboxCountsFor is how long the outbox counts are reused: counting them
// reads every message, and a scrape every few seconds must stay cheap.
const outboxCountsFor = 10 * time.Second

// requestBuckets are the latency buckets, in seconds: pages answer in
// milliseconds, uploads over a slow line take tens of seconds.
var requestBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// metrics holds the process's Prometheus registry. It is private (not the
// global default registry), so tests can build several and nothing a
// library registers on its own is exposed unnoticed.
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	submissions *prometheus.CounterVec
}

// newMetrics registers the HTTP, submission, outbox, database, build, Go
// runtime and process metrics; outbox and db are read at scrape time.
func newMetrics(outbox outboxFigures, db dbFigures) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "modulario_http_requests_total",
			Help: "HTTP requests served, by site, route pattern, method and status.",
		}, []string{"site", "route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "modulario_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by site, route pattern and method.",
			Buckets: requestBuckets,
		}, []string{"site", "route", "method"}),
		// Counted in this process when a submission is stored: a count read
		// from the database would fall when retention deletes requests,
		// which Prometheus takes for a restart. After a restart the counter
		// starts from zero, which rate() and increase() expect.
		submissions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "modulario_submissions_total",
			Help: "Requests stored since the process started, by form and channel (web, api, phone, counter, email).",
		}, []string{"form", "channel"}),
	}
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "modulario_build_info",
		Help:        "Always 1; the labels name the running build.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	})
	buildInfo.Set(1)
	m.reg.MustRegister(m.requests, m.duration, m.submissions, buildInfo,
		newStoreCollector(outbox, db, time.Now),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// record counts one served request (web.ObserveConfig.Record).
func (m *metrics) record(o web.Observed) {
	method := metricMethod(o.Method)
	m.requests.WithLabelValues(o.Info.Site, o.Info.Route, method, strconv.Itoa(o.Status)).Inc()
	m.duration.WithLabelValues(o.Info.Site, o.Info.Route, method).Observe(o.Elapsed.Seconds())
}

// metricMethod keeps the method label bounded: a client may send any token
// as a method, and each distinct one would become a new time series.
func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// handler serves the registry in the Prometheus text format (or
// OpenMetrics / protobuf when the scraper asks). A failing storage read
// drops only its own figures and is logged.
func (m *metrics) handler(logger *slog.Logger) http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:            slog.NewLogLogger(logger.Handler(), slog.LevelError),
		ErrorHandling:       promhttp.ContinueOnError,
		Registry:            m.reg,
		MaxRequestsInFlight: 2,
		Timeout:             10 * time.Second,
	})
}

// countSubmissions wraps subs so that every stored submission counts.
func (m *metrics) countSubmissions(subs modulario.SubmissionService) modulario.SubmissionService {
	return countedSubmissions{SubmissionService: subs, total: m.submissions}
}

// countedSubmissions counts the submissions CreateSubmission stores.
type countedSubmissions struct {
	modulario.SubmissionService
	total *prometheus.CounterVec
}

func (c countedSubmissions) CreateSubmission(ctx context.Context, s *modulario.Submission, draftToken string, outbox ...*modulario.OutboxMessage) error {
	err := c.SubmissionService.CreateSubmission(ctx, s, draftToken, outbox...)
	if err == nil {
		c.total.WithLabelValues(s.FormSlug, string(s.Channel)).Inc()
	}
	return err
}

// requireToken serves h only to requests with "Authorization: Bearer
// token", and 401 to the rest. The comparison takes the same time whatever
// the guess: both sides are hashed to a fixed length first.
func requireToken(token string, h http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// outboxFigures is what the metrics read from the outbox.
type outboxFigures interface {
	CountOutbox(ctx context.Context) (map[string]modulario.OutboxCounts, error)
	oldestDuer
}

// dbFigures is what the metrics read from the database file.
type dbFigures interface {
	Stats() (storage.DBStats, error)
}

// storeCollector reads the outbox and database figures at scrape time.
type storeCollector struct {
	outbox outboxFigures
	db     dbFigures
	now    func() time.Time

	mu        sync.Mutex
	countedAt time.Time
	counts    map[string]modulario.OutboxCounts

	messages, failures, oldest *prometheus.Desc
	size, free, pending        *prometheus.Desc
	freeBytes, readTx, openTx  *prometheus.Desc
	pageWrites, writeSeconds   *prometheus.Desc
}

func newStoreCollector(outbox outboxFigures, db dbFigures, now func() time.Time) *storeCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return &storeCollector{outbox: outbox, db: db, now: now,
		messages: d("modulario_outbox_messages", "Notifications in the outbox by channel and status (pending, sent, dead).", "channel", "status"),
		failures: d("modulario_outbox_failed_attempts", "Failed sending attempts recorded on the stored outbox messages, by channel (a gauge: retention deletes messages).", "channel"),
		oldest:   d("modulario_outbox_oldest_pending_seconds", "How long the most overdue pending notification is past its due time; 0 when none is overdue."),
		size:     d("modulario_bbolt_size_bytes", "Size of the database file."),
		free:     d("modulario_bbolt_free_pages", "Free pages in the database file."),
		pending:  d("modulario_bbolt_pending_pages", "Pages freed but still visible to open read transactions."),
		freeBytes: d("modulario_bbolt_free_bytes",
			"Bytes of the free pages: space a compaction would give back."),
		readTx:       d("modulario_bbolt_read_tx_total", "Read transactions started since the database was opened."),
		openTx:       d("modulario_bbolt_open_read_tx", "Read transactions open now."),
		pageWrites:   d("modulario_bbolt_page_writes_total", "Pages written to the database file since it was opened."),
		writeSeconds: d("modulario_bbolt_write_seconds_total", "Time spent writing pages to the database file since it was opened."),
	}
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.messages, c.failures, c.oldest, c.size, c.free, c.pending,
		c.freeBytes, c.readTx, c.openTx, c.pageWrites, c.writeSeconds} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), readyProbeTimeout)
	defer cancel()
	c.collectOutbox(ctx, ch)
	c.collectDB(ch)
}

// collectOutbox sends the outbox figures: counts (cached) and the overdue
// time (one key read).
func (c *storeCollector) collectOutbox(ctx context.Context, ch chan<- prometheus.Metric) {
	now := c.now()
	counts, err := c.outboxCounts(ctx, now)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.messages, err)
	}
	for channel, n := range withChannels(counts) {
		for status, v := range map[modulario.OutboxStatus]int{
			modulario.OutboxPending: n.Pending, modulario.OutboxSent: n.Sent, modulario.OutboxDead: n.Dead,
		} {
			ch <- prometheus.MustNewConstMetric(c.messages, prometheus.GaugeValue, float64(v), channel, string(status))
		}
		ch <- prometheus.MustNewConstMetric(c.failures, prometheus.GaugeValue, float64(n.FailedAttempts), channel)
	}
	due, pending, err := c.outbox.OldestDue(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.oldest, err)
		return
	}
	overdue := 0.0
	if pending && now.After(due) {
		overdue = now.Sub(due).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, overdue)
}

// outboxChannels are reported even with no message, so a dashboard shows
// 0 rather than no data and an alert on a missing series stays quiet.
var outboxChannels = []string{modulario.ChannelEmailMsg, modulario.ChannelWebhook, modulario.ChannelAppIO,
	modulario.ChannelSMS, modulario.ChannelWhatsApp}

// withChannels returns counts with a zero entry for every known channel
// it lacks; counts itself is shared by the cache and not modified.
func withChannels(counts map[string]modulario.OutboxCounts) map[string]modulario.OutboxCounts {
	all := make(map[string]modulario.OutboxCounts, len(outboxChannels)+len(counts))
	for _, ch := range outboxChannels {
		all[ch] = modulario.OutboxCounts{}
	}
	for ch, n := range counts {
		all[ch] = n
	}
	return all
}

// outboxCounts returns the per-channel counts, counting again only when
// the last count is older than outboxCountsFor.
func (c *storeCollector) outboxCounts(ctx context.Context, now time.Time) (map[string]modulario.OutboxCounts, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if age := now.Sub(c.countedAt); c.counts != nil && age >= 0 && age < outboxCountsFor {
		return c.counts, nil
	}
	counts, err := c.outbox.CountOutbox(ctx)
	if err != nil {
		return nil, err
	}
	c.counts, c.countedAt = counts, now
	return counts, nil
}

// collectDB sends the database file figures.
func (c *storeCollector) collectDB(ch chan<- prometheus.Metric) {
	s, err := c.db.Stats()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.size, err)
		return
	}
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(c.size, float64(s.FileBytes))
	gauge(c.free, float64(s.FreePages))
	gauge(c.pending, float64(s.PendingPages))
	gauge(c.freeBytes, float64(s.FreeBytes))
	counter(c.readTx, float64(s.ReadTx))
	gauge(c.openTx, float64(s.OpenReadTx))
	counter(c.pageWrites, float64(s.PageWrites))
	counter(c.writeSeconds, s.WriteTime.Seconds())
}
