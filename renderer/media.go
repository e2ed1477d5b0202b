package renderer

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// mediaTypes are the image types served from /media/: uploads are
// re-encoded by the builder, so anything else is refused rather than sniffed.
var mediaTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
}

// media serves an uploaded image (page images, the logo). An image never
// changes under its random ID, so it is cached for a year.
func (s *Server) media(c echo.Context) error {
	notFound := modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(langOf(c), "err.not_found"))
	if s.cfg.Media == nil {
		return notFound
	}
	m, err := s.cfg.Media.FindMedia(c.Request().Context(), c.Param("id"))
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return notFound
	} else if err != nil {
		return err
	}
	if !mediaTypes[m.ContentType] {
		return notFound
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Length", strconv.Itoa(len(m.Data)))
	return c.Blob(http.StatusOK, m.ContentType, m.Data)
}
