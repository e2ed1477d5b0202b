package renderer

import (
	"html/template"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/markdown"
)

// landingView is the data of a landing page.
type landingView struct {
	Page *modulario.Page
	Body template.HTML
}

// landingPage shows a published landing page, its {{< modulo "slug" >}}
// short codes expanded to service cards.
func (s *Server) landingPage(c echo.Context) error {
	lang := langOf(c)
	notFound := modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(lang, "err.not_found"))
	if s.cfg.Pages == nil {
		return notFound
	}
	pg, err := s.cfg.Pages.FindPage(c.Request().Context(), c.Param("slug"))
	if modulario.ErrorCode(err) == modulario.ENOTFOUND || (err == nil && !pg.Published) {
		return notFound
	} else if err != nil {
		return err
	}
	v := &landingView{Page: pg, Body: markdown.ToHTMLWithShortcodes(pg.Body, s.formCards(c))}
	p := s.newPage(c, pg.Title, v)
	p.Breadcrumb = append(p.Breadcrumb, crumb{Label: p.T("nav.services"), URL: p.U("/servizi")}, crumb{Label: pg.Title})
	return s.render(c, http.StatusOK, "landing", p)
}

// formCards expands short codes to cards of live services; unknown,
// unpublished or archived ones show a "servizio non disponibile" note.
func (s *Server) formCards(c echo.Context) markdown.Expander {
	return markdown.FormCardExpander(langOf(c), link(c, ""), markdown.LiveForms(c.Request().Context(), s.cfg.Forms))
}
