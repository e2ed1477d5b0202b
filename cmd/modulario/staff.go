package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder"
	"github.com/modulario/modulario/themes"
)

// previewKeyName is the file, in the data directory, of the key that signs
// staff preview links; previewKeySize its length in bytes.
const (
	previewKeyName = "preview.key"
	previewKeySize = 32
)

// adminPrefix is where the staff side is mounted.
const adminPrefix = "/admin"

// loadPreviewKey reads the preview key of dataDir, creating it (0600, 32
// random bytes) on first start, so preview links survive restarts.
func loadPreviewKey(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, previewKeyName)
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createPreviewKey(path)
	} else if err != nil {
		return nil, fmt.Errorf("preview key: %w", err)
	}
	if len(key) != previewKeySize {
		return nil, fmt.Errorf("preview key %s: %d bytes, want %d (delete it to make a new one)", path, len(key), previewKeySize)
	}
	return key, nil
}

func createPreviewKey(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("preview key: %w", err)
	}
	key := make([]byte, previewKeySize)
	_, _ = rand.Read(key) // crypto/rand.Read never fails
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return loadPreviewKey(filepath.Dir(path)) // another process made it first
	} else if err != nil {
		return nil, fmt.Errorf("preview key: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, fmt.Errorf("preview key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("preview key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("preview key: %w", err)
	}
	return key, nil
}

// newStaffSite builds the staff side (package builder) on st.
func newStaffSite(cfg Config, st *store, assets *themes.Assets, previewKey []byte, workflow modulario.WorkflowService,
	appointments modulario.AppointmentService, logger *slog.Logger) (http.Handler, error) {
	return builder.New(builder.Config{
		Submissions:       st.Submissions,
		Workflow:          workflow,
		Attachments:       st.Attachments,
		Outbox:            st.Outbox,
		Ratings:           st.Ratings,
		Tokens:            st.Tokens,
		Forms:             st.Forms,
		Offices:           st.Offices,
		Users:             st.Users,
		Sessions:          st.Sessions,
		Audit:             st.Audit,
		Pages:             st.Pages,
		Media:             st.Media,
		Settings:          st.Settings,
		Calendars:         st.Calendars,
		Bookings:          st.Bookings,
		Appointments:      appointments,
		Assets:            assets,
		BaseURL:           cfg.BaseURL,
		SiteName:          cfg.SiteName,
		EmbedOrigins:      cfg.EmbedOrigins,
		PreviewKey:        previewKey,
		MaxBodyBytes:      int64(cfg.MaxBody),
		TrustProxyHeaders: cfg.TrustProxy,
		Now:               time.Now,
		Logger:            logger,
	})
}

// apiPrefix is where both sides serve their JSON API.
const apiPrefix = "/api/"

// citizenAPIRoutes are the /api paths the citizen side (package renderer)
// serves without a token, as echo patterns; every other /api path is the
// staff API's (Bearer tokens, package builder), which answers unknown ones
// with a 404 problem document. TestCitizenAPIRoutes keeps the list equal
// to the renderer's routes.
var citizenAPIRoutes = []string{"/api/v1/forms/:slug/submissions"}

// splitSites sends /admin and everything under /admin/, and the staff API,
// to staff, and every other request to citizen.
func splitSites(staff, citizen http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; p == adminPrefix || strings.HasPrefix(p, adminPrefix+"/") || isStaffAPI(p) {
			staff.ServeHTTP(w, r)
			return
		}
		citizen.ServeHTTP(w, r)
	})
}

// isStaffAPI reports whether p is a path of the staff API: under /api/
// and not one of citizenAPIRoutes, whatever the method (the citizen side
// answers a wrong method on its own paths).
func isStaffAPI(p string) bool {
	if !strings.HasPrefix(p, apiPrefix) {
		return false
	}
	for _, route := range citizenAPIRoutes {
		if matchRoute(route, p) {
			return false
		}
	}
	return true
}

// matchRoute reports whether path p matches the echo pattern route, where
// a ":name" segment matches any one non-empty segment.
func matchRoute(route, p string) bool {
	want, got := strings.Split(route, "/"), strings.Split(p, "/")
	if len(want) != len(got) {
		return false
	}
	for i, w := range want {
		if strings.HasPrefix(w, ":") && got[i] != "" {
			continue
		}
		if w != got[i] {
			return false
		}
	}
	return true
}

// sessionPurger is the part of SessionService the purge loop needs.
type sessionPurger interface {
	PurgeExpiredSessions(ctx context.Context, now time.Time) (int, error)
}

// purgeSessions deletes expired staff sessions at start and then every
// interval, until ctx ends.
func purgeSessions(ctx context.Context, sessions sessionPurger, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := sessions.PurgeExpiredSessions(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("purging expired sessions", "err", err)
		case n > 0:
			logger.Info("purged expired sessions", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
