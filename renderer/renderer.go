// Package renderer serves the citizen side over HTTP: the list of services,
// service pages, privacy consent, form steps, review, receipt, tracking and
// the headless JSON submission API.
package renderer

// CONTRACT FILE: cmd/modulario codes against Config, New and Server.

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/themes"
)

// Config carries the services and settings the citizen side needs.
type Config struct {
	Forms       modulario.FormService
	Drafts      modulario.DraftService
	Submissions modulario.SubmissionService
	Attachments modulario.AttachmentService
	Assets      *themes.Assets
	// BaseURL is the public URL ("https://moduli.comune.example"), used for
	// absolute links such as the tracking link.
	BaseURL string
	// SiteName is the comune's name shown in the header ("Comune di Esempio").
	SiteName string
	// DraftTTL is how long an untouched draft is kept (default 30 days).
	DraftTTL time.Duration
	// MaxBodyBytes caps request bodies (default 25 MB); uploads are also
	// capped per field by the definition.
	MaxBodyBytes int64
	Now          func() time.Time
	Logger       *slog.Logger
}

// Server is the citizen-side HTTP handler.
type Server struct { /* implementation-defined */
}

// New validates cfg, parses templates and builds the routes.
func New(cfg Config) (*Server, error) { panic("TODO") }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { panic("TODO") }
