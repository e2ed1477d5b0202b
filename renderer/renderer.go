// Package renderer serves the citizen side over HTTP: the list of services,
// service pages, privacy consent, form steps, review, receipt, tracking and
// the headless JSON submission API.
package renderer

// CONTRACT FILE: cmd/modulario codes against Config, New and Server.

import (
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/themes"
	"github.com/modulario/modulario/web"
)

// Config carries the services and settings the citizen side needs.
type Config struct {
	Forms       modulario.FormService
	Drafts      modulario.DraftService
	Submissions modulario.SubmissionService
	Attachments modulario.AttachmentService
	// Ratings stores the rating asked at the end of every flow; when nil
	// the rating is not offered.
	Ratings modulario.RatingService
	// Rules routes new submissions and queues their notifications; when nil
	// submissions keep the form's office and notify nobody.
	Rules modulario.RuleEngine
	// Workflow applies the citizen's actions on the tracking page (answer
	// a request for integration, withdraw); when nil they are not offered.
	Workflow modulario.WorkflowService
	// Pages are the landing pages of the catalogue (/pagine/{slug}); nil
	// serves none.
	Pages modulario.PageService
	// Settings are the comune's details (name, logo, colour, footer); nil
	// keeps SiteName and the default texts.
	Settings modulario.SettingsService
	// Offices name the office of each service on its page (and its PEC);
	// nil leaves the office out.
	Offices modulario.OfficeService
	// Outbox tells the receipt whether an e-mail to the citizen was queued
	// with the request, so that it says a copy is on its way (C.SE.1.2)
	// only when one is; nil never says it. Storage's outbox service.
	Outbox OutboxLister
	// Media serves uploaded images (/media/{id}), the logo among them.
	Media modulario.MediaService
	// Calendars and Bookings serve the appointment fields (slot picker,
	// holds, receipt and ICS); when Bookings is nil an appointment field
	// says that online booking is not available.
	Calendars modulario.CalendarService
	Bookings  modulario.BookingService
	// Appointments lets the citizen move or cancel an appointment from the
	// tracking page (with its notifications); nil offers neither.
	Appointments modulario.AppointmentService
	// PreviewKey verifies staff preview links (/anteprima/{token}); empty
	// disables previews.
	PreviewKey []byte
	Assets     *themes.Assets
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
	// TrustProxy takes the client address (lookup rate limit) from
	// X-Forwarded-For; only behind the comune's own reverse proxy.
	TrustProxy bool
	// EmbedOrigins are the comune's sites allowed to show the forms in an
	// iframe ("https://www.comune.example"): the frame-ancestors of pages
	// in embed mode. Empty keeps frame-ancestors 'none' everywhere.
	EmbedOrigins []string
	// HoldsPerIP limits the slot holds one client address may take on the
	// form steps in 10 minutes: 0 means 10, negative means no limit. The
	// JSON API is not limited (back offices post from one address).
	HoldsPerIP int
	// DraftsPerIP limits the drafts one client address may start (privacy
	// consent) in 10 minutes: 0 means 30, negative means no limit. Staff
	// entries and previews are not limited.
	DraftsPerIP int
	Now         func() time.Time
	Logger      *slog.Logger
}

// Server is the citizen-side HTTP handler.
type Server struct {
	cfg   Config
	echo  *echo.Echo
	pages map[string]*template.Template
	loc   *time.Location
	// compiled caches *schemas.Form by "slug@version".
	compiled sync.Map
	// settings caches the comune's settings for a few seconds.
	settings settingsCache
	// lookups limits the attempts of the lost-link lookup.
	lookups *lookupLimiter
	// holds limits the slot holds per client address; nil: no limit.
	holds *holdLimiter
	// drafts limits the drafts started per client address; nil: no limit.
	drafts *holdLimiter
	// embedCSP is the Content-Security-Policy of pages in embed mode.
	embedCSP string
}

// New validates cfg, parses templates and builds the routes.
func New(cfg Config) (*Server, error) {
	if cfg.Forms == nil || cfg.Drafts == nil || cfg.Submissions == nil || cfg.Attachments == nil {
		return nil, errors.New("renderer: Forms, Drafts, Submissions and Attachments are required")
	}
	if cfg.DraftTTL <= 0 {
		cfg.DraftTTL = 30 * 24 * time.Hour
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 25 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SiteName == "" {
		cfg.SiteName = "Comune"
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.HoldsPerIP == 0 {
		cfg.HoldsPerIP = defaultHoldsPerIP
	}
	if cfg.DraftsPerIP == 0 {
		cfg.DraftsPerIP = defaultDraftsPerIP
	}
	var err error
	s := &Server{cfg: cfg, loc: time.Local, lookups: newLookupLimiter(), holds: newHoldLimiter(cfg.HoldsPerIP),
		drafts: newHoldLimiter(cfg.DraftsPerIP)}
	if loc, err := time.LoadLocation("Europe/Rome"); err == nil {
		s.loc = loc
	}
	if s.embedCSP, err = embedPolicy(cfg.EmbedOrigins); err != nil {
		return nil, err
	}
	pages, err := s.parseTemplates()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	s.echo = s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// routes builds the echo router with every citizen-side route.
func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	// Never trust client-supplied forwarding headers unless told to: the
	// lookup and hold rate limits are keyed on the IP.
	e.IPExtractor = echo.ExtractIPDirect()
	if s.cfg.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	e.Use(web.RecordRoute) // route pattern for the access log and metrics (see web.Observe)
	// The language comes before the body limit, so a 413 speaks the
	// reader's language; a step post over the limit shows the step again.
	e.Use(web.RemoveMultipart, embedMode, s.securityHeaders, s.negotiateLang, s.keepStepOnTooLarge,
		web.LimitBody(s.cfg.MaxBodyBytes, s.tooLargeMessage))

	// Every page answers HEAD too (monitoring, link checkers); net/http
	// drops the body of HEAD responses.
	get := func(path string, h echo.HandlerFunc) { e.Match([]string{http.MethodGet, http.MethodHead}, path, h) }
	get("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	if s.cfg.Assets != nil {
		get("/static/*", echo.WrapHandler(s.cfg.Assets))
	}
	get("/", s.serviceList)
	get("/servizi", s.serviceList)
	get("/pagine/:slug", s.landingPage)
	get("/media/:id", s.media)
	get("/anteprima/:token", s.previewStart)
	get("/privacy", s.legalPage("privacy"))
	get("/accessibilita", s.legalPage("accessibility"))
	get("/note-legali", s.legalPage("legal"))

	get("/embed.js", s.embedScript)
	get(embedPrefix+":slug", s.embedStart)
	get("/servizi/:slug", s.servicePage)
	get("/servizi/:slug/privacy", s.privacyPage)
	e.POST("/servizi/:slug/privacy", s.privacySubmit)
	get("/servizi/:slug/:token/privacy", s.draftPrivacyPage)
	get("/servizi/:slug/:token/passo/:n", s.stepPage)
	e.POST("/servizi/:slug/:token/passo/:n", s.stepSubmit)
	get("/servizi/:slug/:token/riepilogo", s.reviewPage)
	e.POST("/servizi/:slug/:token/invia", s.submit)

	get("/pratiche/cerca", s.lookupPage)
	e.POST("/pratiche/cerca", s.lookupSubmit)
	get("/pratiche/:token", s.trackingPage)
	e.POST("/pratiche/:token/integrazione", s.integrationSubmit)
	get("/pratiche/:token/annulla", s.withdrawPage)
	e.POST("/pratiche/:token/annulla", s.withdrawSubmit)
	get("/servizi/:slug/sportello/:token", s.entryStart)
	get("/pratiche/:token/ricevuta", s.receiptPage)
	e.POST("/pratiche/:token/valutazione", s.rating)
	get("/allegati/:token/:id", s.attachment)
	get("/pratiche/:token/appuntamenti/:id", s.appointmentICS)
	get("/pratiche/:token/appuntamenti/:id/sposta", s.movePage)
	e.POST("/pratiche/:token/appuntamenti/:id/sposta", s.moveSubmit)
	get("/pratiche/:token/appuntamenti/:id/annulla", s.cancelAppointmentPage)
	e.POST("/pratiche/:token/appuntamenti/:id/annulla", s.cancelAppointmentSubmit)

	e.POST("/api/v1/forms/:slug/submissions", s.apiSubmit)
	return e
}

// location is the time zone dates are shown in: Italian local time.
func (s *Server) location() *time.Location { return s.loc }
