package builder

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/markdown"
)

// pageFormView is the data of the page editor.
type pageFormView struct {
	Page   *modulario.Page
	IsNew  bool
	Action string
	Fields map[string]string
	// Forms are offered by "Inserisci un modulo".
	Forms []*modulario.Form
	// Preview is the rendered body when "Anteprima" was pressed.
	Preview template.HTML
	// Shown is true when Preview was asked for (even if the body is empty).
	Shown bool
}

// pageNew shows an empty page editor.
func (s *Server) pageNew(c echo.Context) error {
	return s.renderPageForm(c, http.StatusOK, &modulario.Page{}, true, nil, nil)
}

// pageEdit shows the editor of an existing page.
func (s *Server) pageEdit(c echo.Context) error {
	p, err := s.findPage(c)
	if err != nil {
		return err
	}
	return s.renderPageForm(c, http.StatusOK, p, false, nil, nil)
}

// pageCreate handles the new-page form: save, preview or insert a form.
func (s *Server) pageCreate(c echo.Context) error { return s.pagePost(c, true) }

// pageUpdate handles the edit form of an existing page.
func (s *Server) pageUpdate(c echo.Context) error {
	if _, err := s.findPage(c); err != nil {
		return err
	}
	return s.pagePost(c, false)
}

// pagePost reads the editor and acts on its button: "anteprima" renders the
// body as citizens will see it, "inserisci" appends the chosen form's short
// code, anything else validates and saves. Without JavaScript all three work
// as plain form posts.
func (s *Server) pagePost(c echo.Context, isNew bool) error {
	p := readPageForm(c)
	if !isNew {
		p.Slug = c.Param("slug")
	}
	switch c.FormValue("_action") {
	case "anteprima":
		preview := s.pagePreviewHTML(c, p.Body)
		return s.renderPageForm(c, http.StatusOK, p, isNew, nil, &preview)
	case "inserisci":
		if slug := c.FormValue("modulo"); modulario.ValidSlug(slug) {
			p.Body = strings.TrimRight(p.Body, "\n")
			if p.Body != "" {
				p.Body += "\n\n"
			}
			p.Body += markdown.Shortcode(slug) + "\n"
		}
		return s.renderPageForm(c, http.StatusOK, p, isNew, nil, nil)
	}
	errs, err := s.validatePage(c, p, isNew)
	if err != nil {
		return err
	}
	if len(errs) == 0 {
		err = s.cfg.Pages.SavePage(c.Request().Context(), p)
		if modulario.ErrorCode(err) == modulario.EINVALID {
			errs = append(errs, FieldError{ID: "page-slug", Message: s.t(c, "pages.err.slug")})
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderPageForm(c, http.StatusUnprocessableEntity, p, isNew, errs, nil)
	}
	s.audit(c, "page.save", "page:"+p.Slug, p.Title)
	return s.redirect(c, pagesPath+"/"+p.Slug, "pages.saved")
}

// readPageForm reads the posted page fields.
func readPageForm(c echo.Context) *modulario.Page {
	order, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("menu_order")))
	body := strings.ReplaceAll(c.FormValue("body"), "\r\n", "\n")
	return &modulario.Page{
		Title:       strings.TrimSpace(c.FormValue("title")),
		Slug:        strings.TrimSpace(strings.ToLower(c.FormValue("slug"))),
		Description: strings.TrimSpace(c.FormValue("description")),
		Category:    strings.TrimSpace(c.FormValue("category")),
		MenuOrder:   order,
		Published:   c.FormValue("published") == "1",
		Body:        body,
		UpdatedBy:   userOf(c).ID,
	}
}

// validatePage returns the page form's errors; a new page without a slug
// gets one made from its title.
func (s *Server) validatePage(c echo.Context, p *modulario.Page, isNew bool) ([]FieldError, error) {
	var errs []FieldError
	add := func(id, key string) { errs = append(errs, FieldError{ID: id, Message: s.t(c, key)}) }
	if !modulario.ValidPageTitle(p.Title) {
		add("page-title", "pages.err.title")
	}
	if isNew && p.Slug == "" {
		p.Slug = slugify(p.Title)
	}
	if !modulario.ValidPageSlug(p.Slug) {
		add("page-slug", "pages.err.slug")
	} else if isNew {
		_, err := s.cfg.Pages.FindPage(c.Request().Context(), p.Slug)
		if err == nil {
			add("page-slug", "pages.err.slug_taken")
		} else if modulario.ErrorCode(err) != modulario.ENOTFOUND {
			return nil, err
		}
	}
	if !modulario.ValidPageDescription(p.Description) {
		add("page-description", "pages.err.description")
	}
	if _, err := strconv.Atoi(strings.TrimSpace(c.FormValue("menu_order"))); err != nil && strings.TrimSpace(c.FormValue("menu_order")) != "" {
		add("page-order", "pages.err.order")
	}
	if !modulario.ValidPageBody(p.Body) {
		add("page-body", "pages.err.body")
	}
	return errs, nil
}

// pagePreviewHTML renders a page body exactly as the citizen side does:
// the same Markdown and the same service cards, in Italian (the citizens'
// default language) whatever the staff member's own language.
func (s *Server) pagePreviewHTML(c echo.Context, body string) template.HTML {
	return markdown.ToHTMLWithShortcodes(body,
		markdown.FormCardExpander("it", "", markdown.LiveForms(c.Request().Context(), s.cfg.Forms)))
}

// renderPageForm renders the page editor, with errors or a preview.
func (s *Server) renderPageForm(c echo.Context, status int, p *modulario.Page, isNew bool, errs []FieldError, preview *template.HTML) error {
	fv := &pageFormView{Page: p, IsNew: isNew, Action: pagesPath, Fields: map[string]string{}}
	if !isNew {
		fv.Action = pagesPath + "/" + p.Slug
	}
	if preview != nil {
		fv.Preview, fv.Shown = *preview, true
	}
	for _, e := range errs {
		fv.Fields[e.ID] = e.Message
	}
	if s.cfg.Forms != nil {
		forms, err := s.cfg.Forms.ListForms(c.Request().Context(), modulario.FormFilter{})
		if err != nil {
			return err
		}
		for _, f := range forms {
			if !f.Archived {
				fv.Forms = append(fv.Forms, f)
			}
		}
	}
	title := s.t(c, "pages.new_title")
	if !isNew {
		title = s.t(c, "pages.edit_title", p.Title)
	}
	v := s.view(c, title, "pages", fv)
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "pages.title"), URL: pagesPath}, Crumb{Label: title})
	v.Errors = errs
	return s.render(c, status, "page_form", v)
}
