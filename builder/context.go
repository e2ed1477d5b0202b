package builder

import (
	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/i18n"
)

// Keys of the values the middleware stores in echo.Context.
const (
	ctxUser    = "builder.user"
	ctxSession = "builder.session"
	ctxLang    = "builder.lang"
)

// userOf returns the signed-in user, nil on public routes.
func userOf(c echo.Context) *modulario.User {
	u, _ := c.Get(ctxUser).(*modulario.User)
	return u
}

// sessionOf returns the current staff session, nil when signed out.
func sessionOf(c echo.Context) *modulario.Session {
	s, _ := c.Get(ctxSession).(*modulario.Session)
	return s
}

// langOf returns the staff member's language: "it" (default) or "en".
func langOf(c echo.Context) string {
	if l, ok := c.Get(ctxLang).(string); ok {
		return l
	}
	return i18n.Default
}
