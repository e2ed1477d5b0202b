package builder

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPIDoc is the OpenAPI 3.1 description of /api/v1, written by hand
// and checked against the real routes of both sides by a test in
// cmd/modulario (every route documented, every documented route served).
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the OpenAPI document (for tests and tools).
func OpenAPI() []byte { return append([]byte(nil), openAPIDoc...) }

// apiOpenAPI answers GET /api/v1/openapi.json without authentication: the
// description of the API is public, its data is not.
func (s *Server) apiOpenAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openAPIDoc)
}
