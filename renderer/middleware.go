package renderer

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/i18n"
)

// contentSecurityPolicy allows only same-origin resources: no inline script
// or style anywhere on the citizen side.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// securityHeaders sets the headers every response carries. Pages are never
// cached because many carry a draft or tracking token in their URL; static
// assets set their own immutable caching.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		csp := contentSecurityPolicy
		if frameable(c) {
			// Only the pages of the embedded flow may be framed, and
			// only by the comune's own sites.
			csp = s.embedCSP
		}
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		// Tokens are in URLs: never leak them to other sites.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if !isStatic(c.Request().URL.Path) {
			h.Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

func isStatic(path string) bool { return len(path) >= 8 && path[:8] == "/static/" }

// negotiateLang picks the reader's language once per request and remembers
// whether it was chosen explicitly, so links and forms keep ?lang=.
func (s *Server) negotiateLang(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		explicit := c.QueryParam("lang")
		lang := i18n.Negotiate(explicit, c.Request().Header.Get("Accept-Language"))
		c.Set(ctxLang, lang)
		c.Set(ctxExplicitLang, i18n.Supported(explicit))
		r := c.Request()
		c.SetRequest(r.WithContext(modulario.NewContextWithLang(r.Context(), lang)))
		return next(c)
	}
}

const (
	ctxLang         = "lang"
	ctxExplicitLang = "explicit_lang"
)

// langOf returns the negotiated language of the request.
func langOf(c echo.Context) string {
	if l, ok := c.Get(ctxLang).(string); ok {
		return l
	}
	return i18n.Default
}

// link returns an internal link of the flow: path with ?lang= appended
// when the reader chose a language explicitly, and embed=1 in embed mode,
// so both survive navigation without cookies.
func link(c echo.Context, path string) string {
	path = topLink(c, path)
	if isEmbed(c) {
		path += querySep(path) + embedParam + "=1"
	}
	return path
}

// topLink is link without embed mode, for pages that open outside the
// embedded flow.
func topLink(c echo.Context, path string) string {
	if explicit, _ := c.Get(ctxExplicitLang).(bool); !explicit {
		return path
	}
	return path + querySep(path) + "lang=" + url.QueryEscape(langOf(c))
}

// querySep is the separator before one more query parameter of path.
func querySep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

// redirect answers 303 See Other to path, keeping the language.
func redirect(c echo.Context, path string) error {
	return c.Redirect(http.StatusSeeOther, link(c, path))
}

// tooLargeMessage is the citizen's message for a body over MaxBodyBytes.
func (s *Server) tooLargeMessage(c echo.Context) string { return msg.T(langOf(c), "err.too_large") }
