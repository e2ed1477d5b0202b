package builder

import (
	"crypto/subtle"
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// csrfField is the form field, csrfHeader the header, that carry the
// session's anti-forgery token on every state-changing request.
const (
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
)

// safeMethod reports whether a method changes nothing.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// requireCSRF refuses state-changing requests that come from another site
// or lack the session's token, with 403 and an Italian page. Nothing runs
// before the check, so a refused request changes nothing.
func (s *Server) requireCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if safeMethod(c.Request().Method) {
			return next(c)
		}
		if crossSite(c) {
			return s.csrfError(c)
		}
		sess := sessionOf(c)
		got, err := postedToken(c.Request())
		if err != nil {
			return err
		}
		if sess == nil || sess.CSRF == "" || !tokensEqual(got, sess.CSRF) {
			return s.csrfError(c)
		}
		return next(c)
	}
}

// csrfError is the 403 answer to a forged or stale form.
func (s *Server) csrfError(c echo.Context) error {
	return modulario.Errorf(modulario.EFORBIDDEN, "%s", s.t(c, "err.csrf"))
}

// crossSite reports whether the browser says the request was started by
// another site (Sec-Fetch-Site), or, without that header, whether Origin
// names another host. Requests without either (old browsers, curl) pass
// on to the token check.
func crossSite(c echo.Context) bool {
	r := c.Request()
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	if origin == "null" {
		return true
	}
	u, err := url.Parse(origin)
	return err != nil || u.Host != r.Host
}

// postedToken reads the token from the header or the posted body, never
// from the query string (it would leak into logs and Referer headers). A
// body over the size limit is that error (413), not a bad token.
func postedToken(r *http.Request) (string, error) {
	if t := r.Header.Get(csrfHeader); t != "" {
		return t, nil
	}
	var err error
	if strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		err = r.ParseMultipartForm(32 << 20)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || errors.Is(err, multipart.ErrMessageTooLarge) {
		return "", err
	}
	return r.PostFormValue(csrfField), nil
}

// tokensEqual compares two tokens in constant time.
func tokensEqual(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
