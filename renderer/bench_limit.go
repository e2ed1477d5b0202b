//go:build bench

package renderer

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// ServeBytes adds a GET route that answers body from memory through the
// same echo router and middleware as every page: the physical limit that
// `make bench` compares page rendering with. It exists only in binaries
// built with -tags bench (bench/pagelimit), never in modulario itself.
func (s *Server) ServeBytes(path, contentType string, body []byte) {
	s.echo.GET(path, func(c echo.Context) error { return c.Blob(http.StatusOK, contentType, body) })
}
