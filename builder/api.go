package builder

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/web"
)

// The staff JSON API under /api/v1 (submissions and offices): back-office
// systems authenticate with an API token sent as "Authorization: Bearer
// <secret>", never with a session, and see only the requests of the
// token's offices. Every error is an RFC 9457 problem document.

// apiPrefix is the path prefix of the API (the staff part of it).
const apiPrefix = "/api/"

// isAPIPath reports whether p is served by the API rather than /admin.
func isAPIPath(p string) bool { return strings.HasPrefix(p, apiPrefix) }

// problemType is the content type of every API error.
const problemType = "application/problem+json"

// apiProblem is an RFC 9457 problem document.
type apiProblem struct {
	Type   string          `json:"type"`
	Title  string          `json:"title"`
	Status int             `json:"status"`
	Detail string          `json:"detail,omitempty"`
	Errors []apiFieldError `json:"errors,omitempty"`
}

// apiFieldError is one invalid part of a request: a JSON pointer into the
// body, or the name of a query parameter.
type apiFieldError struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Message   string `json:"message"`
}

// apiError is an error whose problem document a handler composed itself.
type apiError struct {
	Status int
	Detail string
	Errors []apiFieldError
}

func (e *apiError) Error() string { return "api error " + strconv.Itoa(e.Status) + ": " + e.Detail }

// apiErr returns an apiError with the catalogue message key.
func (s *Server) apiErr(c echo.Context, status int, key string, args ...any) *apiError {
	return &apiError{Status: status, Detail: s.t(c, key, args...)}
}

// apiError answers err as a problem document. Only unexpected errors are
// logged, with the route pattern (never the URL, the body or the token).
func (s *Server) apiError(err error, c echo.Context) {
	p := s.apiClassify(c, err)
	if p.Status >= 500 && p.Status != http.StatusServiceUnavailable {
		s.cfg.Logger.ErrorContext(c.Request().Context(), "api request failed", "method", c.Request().Method, "route", c.Path(), "err", err)
	}
	if c.Request().Method == http.MethodHead {
		c.Response().Header().Set(echo.HeaderContentType, problemType)
		_ = c.NoContent(p.Status)
		return
	}
	_ = writeProblem(c, p)
}

// apiClassify maps err to its problem document.
func (s *Server) apiClassify(c echo.Context, err error) *apiProblem {
	var ae *apiError
	var he *echo.HTTPError
	var tooBig *http.MaxBytesError
	p := &apiProblem{Type: "about:blank"}
	switch {
	case errors.As(err, &ae):
		p.Status, p.Detail, p.Errors = ae.Status, ae.Detail, ae.Errors
	case errors.As(err, &tooBig):
		p.Status, p.Detail = http.StatusRequestEntityTooLarge, s.t(c, "api.too_large")
	case errors.As(err, &he):
		p.Status = he.Code
		switch he.Code {
		case http.StatusNotFound:
			p.Detail = s.t(c, "api.route_not_found")
		case http.StatusMethodNotAllowed:
			p.Detail = s.t(c, "api.method_not_allowed")
		case http.StatusRequestEntityTooLarge:
			p.Detail = s.t(c, "api.too_large")
		}
	default:
		status, ok := web.Status(modulario.ErrorCode(err))
		if !ok {
			status = http.StatusInternalServerError
		}
		p.Status = status
		p.Detail = modulario.ErrorMessage(err)
		for ptr, m := range modulario.ErrorFields(err) {
			p.Errors = append(p.Errors, apiFieldError{Pointer: ptr, Message: m})
		}
		sort.Slice(p.Errors, func(i, j int) bool { return p.Errors[i].Pointer < p.Errors[j].Pointer })
	}
	switch {
	case p.Status == http.StatusServiceUnavailable:
		p.Detail, p.Errors = s.t(c, "api.unavailable"), nil
	case p.Status >= 500:
		p.Detail, p.Errors = s.t(c, "api.internal"), nil
	case p.Status == http.StatusRequestEntityTooLarge:
		p.Detail = s.t(c, "api.too_large")
	}
	p.Title = s.apiTitle(c, p.Status)
	return p
}

// apiTitle is the short title of a status: "Non trovato".
func (s *Server) apiTitle(c echo.Context, status int) string {
	if m, ok := msg[langOf(c)]["api.title."+strconv.Itoa(status)]; ok {
		return m
	}
	return s.t(c, "api.title.any")
}

// writeProblem answers with p as application/problem+json.
func writeProblem(c echo.Context, p *apiProblem) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return c.Blob(p.Status, problemType, b)
}

// maxAPIText is the longest note or message to the citizen, in bytes.
const maxAPIText = 10000

// decodeAPIBody reads a JSON object into v: application/json only, no
// unknown fields, nothing after the object.
func (s *Server) decodeAPIBody(c echo.Context, v any) error {
	if _, err := s.apiContentType(c, echo.MIMEApplicationJSON); err != nil {
		return err
	}
	return s.decodeStrict(c, c.Request().Body, v)
}

// decodeStrict reads one JSON value from r into v: no unknown fields,
// nothing after it (400 otherwise; a body over its limit stays that
// error).
func (s *Server) decodeStrict(c echo.Context, r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return s.apiErr(c, http.StatusBadRequest, "api.bad_json")
	}
	if dec.More() {
		return s.apiErr(c, http.StatusBadRequest, "api.bad_json")
	}
	return nil
}

// apiContentType returns the media type of the body if it is one of types
// (415 otherwise).
func (s *Server) apiContentType(c echo.Context, types ...string) (string, error) {
	ct, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil || !slices.Contains(types, ct) {
		return "", s.apiErr(c, http.StatusUnsupportedMediaType, "api.need_type", strings.Join(types, ", "))
	}
	return ct, nil
}

// readAPIBody reads a whole body of one of types, returning it with its
// media type; a body over the route's cap is 413.
func (s *Server) readAPIBody(c echo.Context, types ...string) ([]byte, string, error) {
	ct, err := s.apiContentType(c, types...)
	if err != nil {
		return nil, "", err
	}
	body, err := io.ReadAll(c.Request().Body)
	return body, ct, err
}
