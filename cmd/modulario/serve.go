package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/modulario/modulario/notify"
	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/themes"
)

// purgeInterval is how often expired drafts are deleted.
const purgeInterval = time.Hour

// maxHeaderBytes caps request headers; no legitimate page needs more.
const maxHeaderBytes = 64 << 10

// runServe starts the citizen site and blocks until ctx is cancelled
// (SIGINT/SIGTERM), then shuts down gracefully.
func runServe(ctx context.Context, args []string, e env) int {
	cfg := DefaultConfig()
	fs := newFlagSet("serve", "serve [flags]", e)
	registerServeFlags(fs, &cfg)
	if err := parseFlags(fs, args, e.getenv, flagNames(fs)); err != nil {
		return parseExit(err, e)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "modulario: serve takes no arguments, got %q\n", fs.Args())
		return exitUsage
	}
	if err := cfg.Resolve(); err != nil {
		fmt.Fprintf(e.stderr, "modulario: invalid configuration:\n%v\n", err)
		return exitUsage
	}
	logger := newLogger(e.stderr, cfg)
	if err := serve(ctx, cfg, logger, e.stdout); err != nil {
		fmt.Fprintf(e.stderr, "modulario: %v\n", err)
		return exitError
	}
	return exitOK
}

// serve wires storage, assets and the renderer, then serves HTTP until ctx ends.
func serve(ctx context.Context, cfg Config, logger *slog.Logger, stdout io.Writer) error {
	assets, err := themes.LoadAssets()
	if errors.Is(err, themes.ErrAssetsMissing) {
		return errors.New("assets missing: run make assets")
	} else if err != nil {
		return fmt.Errorf("cannot load assets: %w", err)
	}
	st, err := openStore(cfg.DBPath())
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			logger.Error("closing database", "err", err)
			return
		}
		// The last line of a clean stop: operators and the SIGTERM test
		// look for it.
		logger.Info("database closed")
	}()
	if cfg.Demo {
		if err := seedDemo(ctx, st, logger); err != nil {
			return fmt.Errorf("seeding demo content: %w", err)
		}
		if err := seedDemoStaff(ctx, st, cfg.BaseURL, cfg.DemoPassword, stdout, logger); err != nil {
			return fmt.Errorf("seeding demo staff: %w", err)
		}
	}
	m := newMetrics(st.outbox, st.db)
	st.Submissions = m.countSubmissions(st.Submissions)
	previewKey, err := loadPreviewKey(cfg.DataDir)
	if err != nil {
		return err
	}
	channels, err := buildChannels(cfg)
	if err != nil {
		return fmt.Errorf("notification channels: %w", err)
	}
	rules := notify.NewEngine(st.Forms).WithCalendars(st.Calendars).WithUsers(st.Users, logger)
	workflow := &notify.Workflow{Submissions: st.Submissions, Rules: rules, Logger: logger}
	appointments := &notify.Appointments{Bookings: st.Bookings, Calendars: st.Calendars, Forms: st.Forms,
		Submissions: st.Submissions, Engine: rules, Logger: logger}
	handler, err := renderer.New(renderer.Config{
		Forms:        st.Forms,
		Drafts:       st.Drafts,
		Submissions:  st.Submissions,
		Attachments:  st.Attachments,
		Ratings:      st.Ratings,
		Rules:        rules,
		Workflow:     workflow,
		Pages:        st.Pages,
		Settings:     st.Settings,
		Offices:      st.Offices,
		Outbox:       st.Outbox,
		Media:        st.Media,
		Calendars:    st.Calendars,
		Bookings:     st.Bookings,
		Appointments: appointments,
		PreviewKey:   previewKey,
		Assets:       assets,
		BaseURL:      cfg.BaseURL,
		SiteName:     cfg.SiteName,
		DraftTTL:     cfg.DraftTTL,
		DraftsPerIP:  rendererLimit(cfg.DraftsPerIP),
		MaxBodyBytes: int64(cfg.MaxBody),
		TrustProxy:   cfg.TrustProxy,
		EmbedOrigins: cfg.EmbedOrigins,
		Now:          time.Now,
		Logger:       logger,
	})
	if err != nil {
		return fmt.Errorf("building the citizen site: %w", err)
	}
	staff, err := newStaffSite(cfg, st, assets, previewKey, workflow, appointments, logger)
	if err != nil {
		return fmt.Errorf("building the staff site: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", cfg.Addr, err)
	}
	ready := drainOn(ctx.Done(), readyHandler(st.outbox, cfg.DataDir, logger))
	srv := newHTTPServer(cfg, mainHandler(cfg, m, ready, staff, handler, logger), logger)
	stopMetrics, err := startMetricsServer(ctx, cfg, m, logger)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopMetrics()
	// Background work stops before the database closes (defers run last
	// in, first out).
	defer startBackground(ctx, cfg, st, channels, logger)()

	logger.Info("listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "data_dir", cfg.DataDir)
	fmt.Fprintf(stdout, "Modulario is serving %s (listening on %s)\n", cfg.BaseURL, ln.Addr())
	return serveUntilDone(ctx, srv, ln, cfg.ShutdownTimeout, logger)
}

// newHTTPServer applies the configured timeouts and limits to handler.
func newHTTPServer(cfg Config, handler http.Handler, logger *slog.Logger) *http.Server {
	errorLog := slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	errorLog.SetOutput(addrRedactor{errorLog.Writer()})
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          errorLog,
	}
}

// serveUntilDone serves on ln until ctx ends, then lets requests in flight
// finish within timeout.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, timeout time.Duration, logger *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("shutdown did not finish in time; closing connections", "err", err)
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// draftPurger is the part of DraftService the purge loop needs.
type draftPurger interface {
	PurgeExpiredDrafts(ctx context.Context, now time.Time) (int, error)
}

// purgeDrafts deletes expired drafts at start and then every interval.
func purgeDrafts(ctx context.Context, drafts draftPurger, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := drafts.PurgeExpiredDrafts(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("purging expired drafts", "err", err)
		case n > 0:
			logger.Info("purged expired drafts", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// holdPurgeInterval is how often expired slot holds are deleted. An
// expired hold already frees its place (capacity counts only unexpired
// holds): the purge only keeps the ledger small.
const holdPurgeInterval = time.Minute

// holdPurger is the part of BookingService the hold purge loop needs.
type holdPurger interface {
	PurgeExpiredHolds(ctx context.Context, now time.Time) (int, error)
}

// purgeHolds deletes expired slot holds at start and then every interval.
func purgeHolds(ctx context.Context, bookings holdPurger, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := bookings.PurgeExpiredHolds(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("purging expired slot holds", "err", err)
		case n > 0:
			logger.Debug("purged expired slot holds", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// startBackground runs the draft, session and slot hold purges, the
// outbox dispatcher (sending through channels) and the admin socket until
// the returned stop function is called (or ctx ends); stop waits for them
// up to the shutdown timeout, so in-flight sends finish before the
// database closes. Each job logs with its name as the "job" attribute.
func startBackground(ctx context.Context, cfg Config, st *store, channels map[string]notify.Channel, logger *slog.Logger) (stop func()) {
	bg, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	run := func(name string, fn func(context.Context, *slog.Logger) error) {
		log := jobLogger(logger, name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(bg, log); err != nil {
				log.Error("background job stopped", "err", err)
			}
		}()
	}
	run("draft purge", func(ctx context.Context, log *slog.Logger) error {
		purgeDrafts(ctx, st.Drafts, purgeInterval, log)
		return nil
	})
	run("session purge", func(ctx context.Context, log *slog.Logger) error {
		purgeSessions(ctx, st.Sessions, purgeInterval, log)
		return nil
	})
	run("hold purge", func(ctx context.Context, log *slog.Logger) error {
		purgeHolds(ctx, st.Bookings, holdPurgeInterval, log)
		return nil
	})
	run("outbox dispatcher", func(ctx context.Context, log *slog.Logger) error {
		return newDispatcher(cfg, st, channels, log).Run(ctx)
	})
	run("retention", func(ctx context.Context, log *slog.Logger) error {
		return retentionLoop(st, log)(ctx)
	})
	run("admin socket", func(ctx context.Context, log *slog.Logger) error {
		return serveAdminSocket(ctx, cfg.DataDir, st, log)
	})
	return func() { cancel(); waitBackground(&wg, cfg.ShutdownTimeout, logger) }
}
