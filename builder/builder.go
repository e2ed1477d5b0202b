// Package builder serves the staff side over HTTP under /admin: sign-in,
// accounts, offices, settings, audit log, and (in their own files) the form
// editor and landing pages.
package builder

// CONTRACT FILE: the form-editor and pages engineers and cmd/modulario code
// against Config, New, Server, route, view, render, audit and redirect.

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

// Config carries the services and settings the staff side needs.
type Config struct {
	Forms    modulario.FormService
	Offices  modulario.OfficeService
	Users    modulario.UserService
	Sessions modulario.SessionService
	Audit    modulario.AuditService
	Pages    modulario.PageService
	Media    modulario.MediaService
	Settings modulario.SettingsService
	// The back-office (inbox, request detail, exports, dashboard, API):
	// optional in tests of other areas; its routes answer 404 without
	// Submissions.
	Submissions modulario.SubmissionService
	Workflow    modulario.WorkflowService
	Attachments modulario.AttachmentService
	Outbox      modulario.OutboxService
	Ratings     modulario.RatingService
	Tokens      modulario.TokenService
	// Appointment booking (calendars.go, agenda*.go): without Calendars
	// and Bookings the calendar and agenda screens are not registered and
	// their nav entries are hidden. Appointments (notify.Appointments)
	// sends the citizen notifications of staff cancellations and moves;
	// without it they are stored through Bookings with no notification.
	Calendars    modulario.CalendarService
	Bookings     modulario.BookingService
	Appointments modulario.AppointmentService
	Assets       *themes.Assets
	// BaseURL is the public URL; an "https://" URL makes cookies Secure.
	BaseURL string
	// SiteName is the comune's name, used until Settings carry one.
	SiteName string
	// EmbedOrigins are the comune's sites allowed to embed the forms; the
	// editor's embed panel says so when there are none.
	EmbedOrigins []string
	// PreviewKey signs preview links (modulario.SignPreview); the renderer
	// verifies them with the same key.
	PreviewKey []byte
	// SessionIdle is the idle expiry of a staff session (default 2h).
	SessionIdle time.Duration
	// SessionMax is the absolute lifetime of a staff session (default 12h).
	SessionMax time.Duration
	// MaxBodyBytes caps request bodies (default 25 MB).
	MaxBodyBytes int64
	// TrustProxyHeaders takes the client IP (audit, login rate limit) from
	// X-Forwarded-For; set it only behind a reverse proxy that sets it.
	TrustProxyHeaders bool
	Now               func() time.Time
	Logger            *slog.Logger
}

// Server is the staff-side HTTP handler.
type Server struct {
	cfg     Config
	echo    *echo.Echo
	pages   map[string]*template.Template
	loc     *time.Location
	secure  bool
	limiter *loginLimiter
	// table lists every staff route with the roles it allows; the role
	// matrix test walks it.
	table []routeEntry
	// editMu makes "check the draft is still the one read, then save"
	// atomic between the form editor's requests (one process serves all).
	editMu sync.Mutex
	// dash caches the dashboard's numbers for a minute (dashboard_cache.go).
	dash     *dashCache
	dashOnce sync.Once
	// forms caches compiled form versions (inbox_common.go).
	forms formCache
}

// routeEntry is one staff route as registered by route.
type routeEntry struct {
	Method string
	Path   string
	Roles  []modulario.Role
}

// New validates cfg, parses the admin templates and builds the routes.
func New(cfg Config) (*Server, error) {
	if cfg.Users == nil || cfg.Sessions == nil || cfg.Audit == nil || cfg.Offices == nil || cfg.Settings == nil {
		return nil, errors.New("builder: Users, Sessions, Audit, Offices and Settings are required")
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 2 * time.Hour
	}
	if cfg.SessionMax <= 0 {
		cfg.SessionMax = 12 * time.Hour
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
	s := &Server{cfg: cfg, loc: time.Local, secure: strings.HasPrefix(cfg.BaseURL, "https://")}
	if loc, err := time.LoadLocation("Europe/Rome"); err == nil {
		s.loc = loc
	}
	s.limiter = newLoginLimiter(cfg.Now)
	pages, err := s.parseTemplates()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	s.echo = s.newEcho()
	s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// newEcho builds the router with the middleware every /admin request passes.
func (s *Server) newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	// Never trust client-supplied forwarding headers unless told to: the
	// login rate limit is keyed on the IP.
	e.IPExtractor = echo.ExtractIPDirect()
	if s.cfg.TrustProxyHeaders {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	e.Use(web.RecordRoute) // route pattern for the access log and metrics (see web.Observe)
	e.Use(web.RemoveMultipart, s.securityHeaders, web.LimitBody(s.cfg.MaxBodyBytes, s.tooLargeMessage), s.negotiateLang, s.loadSession)
	return e
}

// routes registers every route; each area does so from its own file.
func (s *Server) routes() {
	s.coreRoutes()
	s.formRoutes()
	s.pageRoutes()
	s.inboxRoutes()     // inbox*.go: inbox, request detail, actions, staff entry
	s.exportRoutes()    // export*.go: CSV, XLSX, attachments ZIP
	s.dashboardRoutes() // dashboard*.go
	s.tokenRoutes()     // token*.go: API tokens (admin screens)
	s.apiRoutes()       // api*.go: /api/v1 with Bearer tokens
	s.calendarRoutes()  // calendar*.go: calendars (opening hours, closures)
	s.agendaRoutes()    // agenda*.go: daily and weekly agenda, check-in, move, cancel
}

// route registers a staff route and records it in s.table. No roles means
// any signed-in user; admin passes every role check. GET routes also answer
// HEAD. Every route requires a session, a valid CSRF token on
// state-changing methods, and (when MustChangePassword is set) a new
// password first.
func (s *Server) route(method, path string, h echo.HandlerFunc, roles ...modulario.Role) {
	s.table = append(s.table, routeEntry{Method: method, Path: path, Roles: roles})
	handler := s.requireUser(s.requireCSRF(s.requireRoles(roles, h)))
	if method == http.MethodGet {
		s.echo.Match([]string{http.MethodGet, http.MethodHead}, path, handler)
		return
	}
	s.echo.Add(method, path, handler)
}

// public registers a route reachable without a session (login only). It
// is not recorded in s.table.
func (s *Server) public(method, path string, h echo.HandlerFunc) {
	if method == http.MethodGet {
		s.echo.Match([]string{http.MethodGet, http.MethodHead}, path, h)
		return
	}
	s.echo.Add(method, path, h)
}

// hasRole reports whether u may use something open to roles (none: anyone
// signed in). Admin passes every check.
func hasRole(u *modulario.User, roles ...modulario.Role) bool {
	if u == nil {
		return false
	}
	if len(roles) == 0 || u.Role == modulario.RoleAdmin {
		return true
	}
	for _, r := range roles {
		if u.Role == r {
			return true
		}
	}
	return false
}

// canSeeOffice reports whether u may see the work of office slug: admins
// see every office, editors and operators only their own.
func canSeeOffice(u *modulario.User, slug string) bool {
	if u == nil {
		return false
	}
	return u.Role == modulario.RoleAdmin || u.InOffice(slug)
}

// canEditForm reports whether u may edit a form of office slug: admins and
// editors without offices (the whole comune) edit every form; an editor
// who belongs to offices edits the forms of those offices and forms with
// no office yet.
func canEditForm(u *modulario.User, office string) bool {
	if u == nil {
		return false
	}
	return u.Role == modulario.RoleAdmin || len(u.Offices) == 0 || office == "" || u.InOffice(office)
}

// location is the time zone dates are shown in.
func (s *Server) location() *time.Location { return s.loc }
