package renderer

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// legalView is the data of the privacy, accessibility and legal pages.
type legalView struct {
	Body string // Markdown
}

// legalPage serves one of the default legal pages (privacy, accessibility,
// legal notes); their text is in the catalogue as Markdown.
func (s *Server) legalPage(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		lang := langOf(c)
		p := s.newPage(c, msg.T(lang, "legal."+kind+".title"),
			&legalView{Body: msg.T(lang, "legal."+kind+".body", s.cfg.SiteName)})
		p.Breadcrumb = append(p.Breadcrumb, crumb{Label: p.Title})
		return s.render(c, http.StatusOK, "legal", p)
	}
}
