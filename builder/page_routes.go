package builder

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// pagesPath is the list of landing pages.
const pagesPath = "/admin/pagine"

// pageRoutes registers the landing pages', images' and logo routes.
func (s *Server) pageRoutes() {
	if s.cfg.Pages != nil {
		ed := modulario.RoleEditor
		s.route(http.MethodGet, pagesPath, s.pageList, ed)
		s.route(http.MethodGet, pagesPath+"/nuova", s.pageNew, ed)
		s.route(http.MethodPost, pagesPath, s.pageCreate, ed)
		s.route(http.MethodGet, pagesPath+"/:slug", s.pageEdit, ed)
		s.route(http.MethodPost, pagesPath+"/:slug", s.pageUpdate, ed)
		s.route(http.MethodGet, pagesPath+"/:slug/elimina", s.pageDeleteConfirm, ed)
		s.route(http.MethodPost, pagesPath+"/:slug/elimina", s.pageDelete, ed)
	}
	if s.cfg.Media != nil {
		s.mediaRoutes()
	}
}

// pageListView is the data of the pages list.
type pageListView struct {
	Pages []*modulario.Page
}

// pageList lists every landing page, published or not.
func (s *Server) pageList(c echo.Context) error {
	pages, err := s.cfg.Pages.ListPages(c.Request().Context(), modulario.PageFilter{})
	if err != nil {
		return err
	}
	v := s.view(c, s.t(c, "pages.title"), "pages", &pageListView{Pages: pages})
	v.Crumbs = append(v.Crumbs, Crumb{Label: v.Title})
	return s.render(c, http.StatusOK, "page_list", v)
}

// findPage loads the page of the URL; unknown slugs are ENOTFOUND with an
// Italian message.
func (s *Server) findPage(c echo.Context) (*modulario.Page, error) {
	p, err := s.cfg.Pages.FindPage(c.Request().Context(), c.Param("slug"))
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil, modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "pages.not_found"))
	}
	return p, err
}

// pageDeleteConfirm asks before deleting a page.
func (s *Server) pageDeleteConfirm(c echo.Context) error {
	p, err := s.findPage(c)
	if err != nil {
		return err
	}
	v := s.view(c, s.t(c, "pages.delete_title", p.Title), "pages", p)
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "pages.title"), URL: pagesPath},
		Crumb{Label: p.Title, URL: pagesPath + "/" + p.Slug}, Crumb{Label: s.t(c, "pages.delete")})
	return s.render(c, http.StatusOK, "page_delete", v)
}

// pageDelete removes a page.
func (s *Server) pageDelete(c echo.Context) error {
	p, err := s.findPage(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Pages.DeletePage(c.Request().Context(), p.Slug); err != nil {
		return err
	}
	s.audit(c, "page.delete", "page:"+p.Slug, p.Title)
	return s.redirect(c, pagesPath, "pages.deleted")
}
