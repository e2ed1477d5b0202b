package renderer

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// serviceCategory is one group of the services list.
type serviceCategory struct {
	Name  string
	Forms []*modulario.Form
}

// serviceList shows the published services grouped by category.
func (s *Server) serviceList(c echo.Context) error {
	forms, err := s.cfg.Forms.ListForms(c.Request().Context(), modulario.FormFilter{PublishedOnly: true})
	if err != nil {
		return err
	}
	lang := langOf(c)
	var cats []*serviceCategory
	for _, f := range forms {
		if f.Published == 0 || f.Archived {
			continue
		}
		name := f.Category
		if name == "" {
			name = msg.T(lang, "services.other")
		}
		if len(cats) == 0 || cats[len(cats)-1].Name != name {
			cats = append(cats, &serviceCategory{Name: name})
		}
		last := cats[len(cats)-1]
		last.Forms = append(last.Forms, f)
	}
	p := s.newPage(c, msg.T(lang, "services.title"), cats)
	return s.render(c, http.StatusOK, "services", p)
}
