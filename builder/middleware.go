package builder

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/i18n"
)

// contentSecurityPolicy allows only same-origin resources, no inline script
// or style; the form preview is a same-origin iframe, and no other site may
// frame the staff pages.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// securityHeaders sets the headers every staff response carries. Staff
// pages show personal data: never cached.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		return next(c)
	}
}

// langCookie remembers an explicit language choice on the staff side.
const langCookie = "modulario_staff_lang"

// negotiateLang picks the language: ?lang= (remembered in a cookie), then
// the cookie, then Italian. Staff pages are Italian unless asked otherwise.
func (s *Server) negotiateLang(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		lang := i18n.Default
		if q := c.QueryParam("lang"); i18n.Supported(q) {
			lang = q
			c.SetCookie(&http.Cookie{Name: langCookie, Value: q, Path: "/admin", HttpOnly: true,
				Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
		} else if ck, err := c.Cookie(langCookie); err == nil && i18n.Supported(ck.Value) {
			lang = ck.Value
		}
		c.Set(ctxLang, lang)
		r := c.Request()
		c.SetRequest(r.WithContext(modulario.NewContextWithLang(r.Context(), lang)))
		return next(c)
	}
}

// requireUser refuses requests without a session: pages are redirected to
// the login page, JSON callers get 401. A user who must change password is
// sent to the password page first.
func (s *Server) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := userOf(c)
		if u == nil {
			if wantsJSON(c) {
				return modulario.Errorf(modulario.EUNAUTHORIZED, "%s", s.t(c, "err.unauthorized"))
			}
			return s.toLogin(c)
		}
		p := c.Path()
		if u.MustChangePassword && p != passwordPath && p != logoutPath {
			return c.Redirect(http.StatusSeeOther, passwordPath)
		}
		return next(c)
	}
}

// toLogin redirects to the login page, remembering where a GET was going.
func (s *Server) toLogin(c echo.Context) error {
	target := loginPath
	r := c.Request()
	if r.Method == http.MethodGet && safeNext(r.URL.RequestURI()) != "" {
		target += "?next=" + urlQueryEscape(r.URL.RequestURI())
	}
	return c.Redirect(http.StatusSeeOther, target)
}

// wantsJSON reports whether the client asked for JSON rather than a page.
func wantsJSON(c echo.Context) bool {
	return strings.Contains(c.Request().Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON)
}

// requireRoles refuses users whose role is not among roles (admin passes).
func (s *Server) requireRoles(roles []modulario.Role, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !hasRole(userOf(c), roles...) {
			return modulario.Errorf(modulario.EFORBIDDEN, "%s", s.t(c, "err.forbidden"))
		}
		return next(c)
	}
}

// tooLargeMessage is the staff message for a body over MaxBodyBytes.
func (s *Server) tooLargeMessage(c echo.Context) string { return s.t(c, "err.too_large") }
