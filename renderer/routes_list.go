package renderer

import "github.com/labstack/echo/v4"

// Routes lists the citizen side's routes as echo registered them; the
// OpenAPI and routing tests of cmd/modulario read those under /api.
func (s *Server) Routes() []*echo.Route { return s.echo.Routes() }
