package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"github.com/modulario/modulario/web"
)

// Sites, as the metrics and the access log name them.
const (
	siteCitizen = "citizen"
	siteStaff   = "staff"
	siteOps     = "ops" // probes and metrics
)

// livenessPath is answered by the citizen site but belongs to operations.
const livenessPath = "/healthz"

// mainHandler is the handler of the main address: readiness, metrics (only
// with a token), the staff and the citizen sites, all observed (request
// id, access log, HTTP metrics). Without a token /metrics falls through to
// the citizen site, which answers 404.
func mainHandler(cfg Config, m *metrics, ready, staff, citizen http.Handler, logger *slog.Logger) http.Handler {
	sites := splitSites(web.Site(siteStaff, staff), web.Site(siteCitizen, citizen))
	h := withReadiness(web.Label(siteOps, "/readyz", ready), withLivenessSite(sites))
	if cfg.MetricsToken != "" {
		h = withPath(metricsPath, web.Label(siteOps, metricsPath, requireToken(cfg.MetricsToken, m.handler(logger))), h)
	}
	return observe(cfg, m, logger, h)
}

// observe wraps h with web.Observe as configured. Probes and scrapes are
// logged at debug level: every few seconds, they would drown the log.
func observe(cfg Config, m *metrics, logger *slog.Logger, h http.Handler) http.Handler {
	return web.Observe(h, web.ObserveConfig{
		Logger:         logger,
		TrustRequestID: cfg.TrustProxy,
		QuietSites:     []string{siteOps},
		Record:         m.record,
	})
}

// withLivenessSite counts /healthz as an operations request.
func withLivenessSite(next http.Handler) http.Handler {
	return withPath(livenessPath, web.Site(siteOps, next), next)
}

// withPath serves path with h and everything else with next.
func withPath(path string, h, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			h.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// startMetricsServer serves only /metrics on cfg.MetricsAddr, when set,
// until the returned stop function is called or ctx ends; stop waits for
// the listener to close.
func startMetricsServer(ctx context.Context, cfg Config, m *metrics, logger *slog.Logger) (stop func(), err error) {
	if cfg.MetricsAddr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s (--metrics-addr): %w", cfg.MetricsAddr, err)
	}
	h := m.handler(logger)
	if cfg.MetricsToken != "" {
		h = requireToken(cfg.MetricsToken, h)
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+metricsPath, web.Label(siteOps, metricsPath, h))
	srv := newHTTPServer(cfg, observe(cfg, m, logger, web.Site(siteOps, mux)), logger)
	mlog := logger.With("listener", "metrics")
	mlog.Info("serving metrics", "addr", ln.Addr().String())
	mctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := serveUntilDone(mctx, srv, ln, cfg.ShutdownTimeout, mlog); err != nil {
			mlog.Error("metrics listener stopped", "err", err)
		}
	}()
	return func() { cancel(); <-done }, nil
}
