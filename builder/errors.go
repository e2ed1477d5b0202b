package builder

import (
	"context"
	"errors"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/web"
)

// errorView is the data of the error page.
type errorView struct {
	Status  int
	Message string
}

// tooManyError answers 429 (login rate limit).
type tooManyError struct{ Message string }

func (e *tooManyError) Error() string { return "too many requests" }

// handleError is echo's only error handler: it maps every error to a
// status and answers with an Italian page in the admin layout (under
// /api/, with a problem document: see apiError). Pages that
// need a session redirect to the login page instead of a 401 page. Only
// unexpected errors are logged.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.Canceled) {
		return
	}
	if isAPIPath(c.Request().URL.Path) { // the Bearer-token API answers problem+json (api.go)
		s.apiError(err, c)
		return
	}
	status, message := s.classify(c, err)
	if status == http.StatusUnauthorized && !wantsJSON(c) {
		_ = s.toLogin(c)
		return
	}
	if status >= 500 {
		s.cfg.Logger.ErrorContext(c.Request().Context(), "admin request failed", "method", c.Request().Method, "route", c.Path(), "err", err)
		message = s.t(c, "err.internal")
	}
	if status == http.StatusTooManyRequests {
		c.Response().Header().Set("Retry-After", "900")
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	v := s.view(c, s.statusTitle(c, status), "", &errorView{Status: status, Message: message})
	if rerr := s.render(c, status, "error", v); rerr != nil {
		s.cfg.Logger.ErrorContext(c.Request().Context(), "admin error page failed", "err", rerr)
		_ = c.String(status, message)
	}
}

// classify returns the status and the reader-safe message of err.
func (s *Server) classify(c echo.Context, err error) (int, string) {
	var he *echo.HTTPError
	var tooBig *http.MaxBytesError
	var many *tooManyError
	switch {
	case errors.As(err, &many):
		return http.StatusTooManyRequests, many.Message
	case errors.Is(err, http.ErrNotMultipart), errors.Is(err, http.ErrMissingFile),
		errors.Is(err, http.ErrMissingBoundary):
		// A form posted without its file part is the client's mistake.
		return http.StatusBadRequest, s.t(c, "err.bad_request")
	case errors.Is(err, multipart.ErrMessageTooLarge), errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, s.t(c, "err.too_large")
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound:
			return he.Code, s.t(c, "err.not_found")
		case http.StatusMethodNotAllowed:
			return he.Code, s.t(c, "err.method")
		case http.StatusRequestEntityTooLarge:
			return he.Code, s.t(c, "err.too_large")
		}
		if he.Code >= 500 {
			return he.Code, ""
		}
		return he.Code, s.t(c, "err.bad_request")
	}
	status, ok := web.Status(modulario.ErrorCode(err))
	if !ok {
		return http.StatusInternalServerError, ""
	}
	m := modulario.ErrorMessage(err)
	if m == "" {
		m = s.t(c, "err.bad_request")
	}
	return status, m
}

// statusTitle is the page title for a status: "Pagina non trovata".
func (s *Server) statusTitle(c echo.Context, status int) string {
	key := "status." + strconv.Itoa(status)
	if m, ok := msg[langOf(c)][key]; ok {
		return m
	}
	return s.t(c, "status.any")
}
