package builder

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// Paths of the staff API.
const (
	apiSubmissionsPath = "/api/v1/submissions"
	apiOfficesPath     = "/api/v1/offices"
	apiFormsPath       = "/api/v1/forms"
	apiPagesPath       = "/api/v1/pages"
	apiOpenAPIPath     = "/api/v1/openapi.json"
)

// maxAPIBody caps API request bodies (JSON of a status change or a note);
// form definitions and pages have their own, larger caps.
const maxAPIBody = 64 << 10

// ctxToken is the echo.Context key of the authenticated API token.
const ctxToken = "builder.api_token"

// apiRealm is the realm of the WWW-Authenticate challenge.
const apiRealm = `Bearer realm="modulario"`

// apiRoutes registers the staff API under /api/v1. Its routes do not use
// s.route: no session and no CSRF token, but a Bearer API token checked by
// apiAuth. The OpenAPI document is public. Without Tokens only the
// document is served; each area needs its service (without Workflow the
// requests are read-only).
func (s *Server) apiRoutes() {
	s.echo.Match([]string{http.MethodGet, http.MethodHead}, apiOpenAPIPath, s.apiOpenAPI)
	if s.cfg.Tokens == nil {
		return
	}
	get := func(path string, h echo.HandlerFunc) {
		s.echo.Match([]string{http.MethodGet, http.MethodHead}, path, s.apiAuth(h))
	}
	get(apiOfficesPath, s.apiOffices)
	if s.cfg.Submissions != nil {
		s.apiSubmissionRoutes(get)
	}
	if s.cfg.Forms != nil {
		s.apiFormRoutes(get)
	}
	if s.cfg.Pages != nil {
		s.apiPageRoutes()
	}
}

// apiSubmissionRoutes registers /api/v1/submissions.
func (s *Server) apiSubmissionRoutes(get func(string, echo.HandlerFunc)) {
	get(apiSubmissionsPath, s.apiListSubmissions)
	get(apiSubmissionsPath+"/:id", s.apiGetSubmission)
	if s.cfg.Attachments != nil {
		get(apiSubmissionsPath+"/:id/attachments/:att", s.apiAttachment)
	}
	if s.cfg.Workflow != nil {
		s.echo.POST(apiSubmissionsPath+"/:id/status", s.apiAuth(s.apiChangeStatus))
		s.echo.POST(apiSubmissionsPath+"/:id/notes", s.apiAuth(s.apiAddNote))
	}
}

// Routes lists the routes of the staff side as echo registered them; the
// OpenAPI test of cmd/modulario compares those under /api/v1 with the
// document.
func (s *Server) Routes() []*echo.Route { return s.echo.Routes() }

// tokenOf returns the API token of the request (set by apiAuth).
func tokenOf(c echo.Context) *modulario.APIToken {
	t, _ := c.Get(ctxToken).(*modulario.APIToken)
	return t
}

// apiActor is how timeline events and the audit log name a token.
func apiActor(t *modulario.APIToken) string { return "api:" + t.Name }

// apiAuth is the middleware of every API route: it caps the body, asks for
// a Bearer token (401 with a WWW-Authenticate challenge), refuses a
// read-only token on anything but GET and HEAD (403), forgets any staff
// session and makes the token the actor of what follows.
func (s *Server) apiAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return s.apiAuthLimit(maxAPIBody, next)
}

// apiAuthLimit is apiAuth with a body cap of limit bytes.
func (s *Server) apiAuthLimit(limit int64, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Cache-Control", "no-store")
		r := c.Request()
		if r.ContentLength > limit {
			return s.apiErr(c, http.StatusRequestEntityTooLarge, "api.too_large")
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		secret, ok := bearerSecret(r.Header.Get(echo.HeaderAuthorization))
		if !ok {
			h.Set(echo.HeaderWWWAuthenticate, apiRealm)
			return s.apiErr(c, http.StatusUnauthorized, "api.unauthorized")
		}
		tok, err := s.cfg.Tokens.AuthenticateToken(r.Context(), secret)
		if modulario.ErrorCode(err) == modulario.EUNAUTHORIZED {
			h.Set(echo.HeaderWWWAuthenticate, apiRealm+`, error="invalid_token"`)
			return s.apiErr(c, http.StatusUnauthorized, "api.bad_token")
		} else if err != nil {
			return err
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && tok.Scope != modulario.ScopeWrite {
			h.Set(echo.HeaderWWWAuthenticate, apiRealm+`, error="insufficient_scope", scope="write"`)
			return s.apiErr(c, http.StatusForbidden, "api.insufficient_scope")
		}
		// A staff cookie sent along grants nothing here.
		c.Set(ctxUser, (*modulario.User)(nil))
		c.Set(ctxSession, (*modulario.Session)(nil))
		c.Set(ctxToken, tok)
		c.SetRequest(r.WithContext(modulario.NewContextWithActor(r.Context(), apiActor(tok))))
		return next(c)
	}
}

// bearerSecret extracts the credentials of "Authorization: Bearer <secret>"
// (the scheme is case-insensitive).
func bearerSecret(header string) (string, bool) {
	scheme, secret, ok := strings.Cut(strings.TrimSpace(header), " ")
	secret = strings.TrimSpace(secret)
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return "", false
	}
	return secret, true
}
