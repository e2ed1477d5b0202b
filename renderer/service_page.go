package renderer

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// serviceView is the data of the service page.
type serviceView struct {
	Def      *schemas.Definition
	StartURL string
	// Office is the office that handles the service; nil hides it.
	Office *modulario.Office
}

// servicePage describes a published service and links to its privacy notice.
func (s *Server) servicePage(c echo.Context) error {
	form, compiled, err := s.publishedForm(c, c.Param("slug"))
	if err != nil {
		return err
	}
	def := compiled.Def
	start := "/servizi/" + form.Slug + "/privacy" + prefillQuery(s.prefillFromQuery(c, compiled))
	office, err := s.office(c.Request().Context(), def.Office)
	if err != nil {
		return err
	}
	p := s.newPage(c, def.Title, &serviceView{Def: def, StartURL: link(c, start), Office: office})
	p.Breadcrumb = append(p.Breadcrumb,
		crumb{Label: p.T("nav.services"), URL: p.U("/servizi")}, crumb{Label: def.Title, Author: true})
	return s.render(c, http.StatusOK, "service", p)
}

// office returns the office of slug for the citizen: nil when there is no
// office service, no slug, or no such office (the page then leaves the
// section out rather than show an identifier).
func (s *Server) office(ctx context.Context, slug string) (*modulario.Office, error) {
	if s.cfg.Offices == nil || slug == "" {
		return nil, nil
	}
	o, err := s.cfg.Offices.FindOffice(ctx, slug)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil, nil
	}
	return o, err
}
