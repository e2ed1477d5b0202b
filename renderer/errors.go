package renderer

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
	"github.com/modulario/modulario/web"
)

// problem is an RFC 9457 problem document.
type problem struct {
	Type   string               `json:"type"`
	Title  string               `json:"title"`
	Status int                  `json:"status"`
	Detail string               `json:"detail,omitempty"`
	Errors []schemas.FieldError `json:"errors,omitempty"`
}

// errorView is the data of the error page.
type errorView struct {
	Status  int
	Message string
}

// handleError is echo's only error handler: it maps every error to a
// status and answers with an Italian (or English) page, or a problem
// document under /api/. Only unexpected errors are logged.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.Canceled) {
		// The client went away: nobody reads the answer, nothing failed.
		s.cfg.Logger.DebugContext(c.Request().Context(), "request canceled", "method", c.Request().Method, "route", c.Path())
		return
	}
	lang := langOf(c)
	status, message := s.classify(err, lang)
	if status >= 500 {
		// The route pattern, not the URL: URLs carry draft and tracking tokens.
		s.cfg.Logger.ErrorContext(c.Request().Context(), "request failed", "method", c.Request().Method,
			"route", c.Path(), "err", err)
	}
	if status >= 500 && status != http.StatusServiceUnavailable { // 503 says "try again later" itself
		message = msg.T(lang, "err.internal")
	}
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		p := &problem{Type: "about:blank", Title: statusTitle(lang, status), Status: status, Detail: message}
		for ptr, m := range modulario.ErrorFields(err) {
			p.Errors = append(p.Errors, schemas.FieldError{Pointer: ptr, Message: m})
		}
		sort.Slice(p.Errors, func(i, j int) bool { return p.Errors[i].Pointer < p.Errors[j].Pointer })
		_ = writeProblem(c, p)
		return
	}
	p := s.newPage(c, statusTitle(lang, status), &errorView{Status: status, Message: message})
	if rerr := s.render(c, status, "error", p); rerr != nil {
		s.cfg.Logger.ErrorContext(c.Request().Context(), "error page failed", "err", rerr)
		_ = c.String(status, message)
	}
}

// classify returns the status and the reader-safe message of err.
func (s *Server) classify(err error, lang string) (int, string) {
	var he *echo.HTTPError
	var tooBig *http.MaxBytesError
	var bad *badRequestError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, statusMessage(lang, http.StatusServiceUnavailable)
	case errors.As(err, &bad):
		return http.StatusBadRequest, bad.Message
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, msg.T(lang, "err.too_large")
	case errors.As(err, &he):
		return he.Code, statusMessage(lang, he.Code)
	}
	code := modulario.ErrorCode(err)
	status, ok := web.Status(code)
	if !ok {
		return http.StatusInternalServerError, ""
	}
	m := modulario.ErrorMessage(err)
	if m == "" {
		m = statusMessage(lang, status)
	}
	return status, m
}

// statusTitle is the page title for a status: "Pagina non trovata".
func statusTitle(lang string, status int) string {
	key := "status_title." + strconv.Itoa(status)
	if t := msg.T(lang, key); t != key {
		return t
	}
	return msg.T(lang, "status_title.default")
}

// statusMessage is a sentence explaining a status.
func statusMessage(lang string, status int) string {
	key := "status_message." + strconv.Itoa(status)
	if t := msg.T(lang, key); t != key {
		return t
	}
	return msg.T(lang, "err.bad_request")
}

// writeProblem answers with an application/problem+json document.
func writeProblem(c echo.Context, p *problem) error {
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	return jsonEncode(c.Response(), p)
}
