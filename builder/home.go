package builder

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// homeView is the data of the dashboard.
type homeView struct {
	Name  string
	Forms int
	Pages int
	Users int
	// Counted reports which counts are shown (the viewer's role).
	ShowForms, ShowPages, ShowUsers bool
	// ShowInbox links the requests inbox (operators and admins).
	ShowInbox bool
	// ShowAgenda links the appointment agenda (booking configured).
	ShowAgenda bool
}

// home shows the dashboard: a welcome, counts and links to the areas the
// user may use.
func (s *Server) home(c echo.Context) error {
	u := userOf(c)
	ctx := c.Request().Context()
	hv := &homeView{Name: u.Name,
		ShowInbox:  s.cfg.Submissions != nil && hasRole(u, modulario.RoleOperator),
		ShowAgenda: s.booking() && hasRole(u, modulario.RoleOperator)}
	if hv.Name == "" {
		hv.Name = u.Email
	}
	if s.cfg.Forms != nil && hasRole(u, modulario.RoleEditor) {
		forms, err := s.cfg.Forms.ListForms(ctx, modulario.FormFilter{})
		if err != nil {
			return err
		}
		hv.Forms, hv.ShowForms = len(forms), true
	}
	if s.cfg.Pages != nil && hasRole(u, modulario.RoleEditor) {
		pages, err := s.cfg.Pages.ListPages(ctx, modulario.PageFilter{})
		if err != nil {
			return err
		}
		hv.Pages, hv.ShowPages = len(pages), true
	}
	if hasRole(u, modulario.RoleAdmin) {
		n, err := s.cfg.Users.CountUsers(ctx)
		if err != nil {
			return err
		}
		hv.Users, hv.ShowUsers = n, true
	}
	v := s.view(c, s.t(c, "home.title"), "home", hv)
	return s.render(c, http.StatusOK, "home", v)
}
