package renderer

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// defaultDraftsPerIP is how many drafts one client address may start in
// holdWindow (10 minutes) when Config.DraftsPerIP is 0: plenty for the
// citizens behind one office or school network, few for a script.
const defaultDraftsPerIP = 30

// allowDraft answers 429, with Retry-After, when the client address has
// started too many drafts in the window. Starting a draft needs no account
// and each draft may hold files until it expires, so without a limit anyone
// could fill the disk. The address is the one echo extracts (X-Forwarded-For
// only with TrustProxy).
func (s *Server) allowDraft(c echo.Context) error {
	if s.drafts.allow(c.RealIP(), "", s.cfg.Now()) {
		return nil
	}
	c.Response().Header().Set("Retry-After", strconv.Itoa(int(holdWindow.Seconds())))
	return echo.NewHTTPError(http.StatusTooManyRequests)
}
