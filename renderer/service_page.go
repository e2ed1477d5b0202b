package renderer

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario/schemas"
)

// serviceView is the data of the service page.
type serviceView struct {
	Def      *schemas.Definition
	StartURL string
}

// servicePage describes a published service and links to its privacy notice.
func (s *Server) servicePage(c echo.Context) error {
	form, compiled, err := s.publishedForm(c, c.Param("slug"))
	if err != nil {
		return err
	}
	def := compiled.Def
	start := "/servizi/" + form.Slug + "/privacy" + prefillQuery(s.prefillFromQuery(c, compiled))
	p := s.newPage(c, def.Title, &serviceView{Def: def, StartURL: link(c, start)})
	p.Breadcrumb = append(p.Breadcrumb,
		crumb{Label: p.T("nav.services"), URL: p.U("/")}, crumb{Label: def.Title})
	return s.render(c, http.StatusOK, "service", p)
}
