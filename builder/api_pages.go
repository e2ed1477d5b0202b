package builder

import (
	"bytes"
	"cmp"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/markdown"
)

// Landing pages in the staff API. Pages belong to no office: a token needs
// the Pages permission (403 without it) and sees every page, published or
// not. Pages are read and written as JSON or, with text/markdown, as the
// front-matter file of `modulario page export`.

// mimeMarkdown is the media type of a page file.
const mimeMarkdown = "text/markdown"

// maxAPIPage caps a page body: the editor's body limit, room for JSON
// escaping and the other fields.
const maxAPIPage = 2*modulario.PageMaxBody + 16<<10

// apiPage is the stable JSON shape of a page. Body is left out of lists.
type apiPage struct {
	Slug        string       `json:"slug"`
	Title       string       `json:"title"`
	Description string       `json:"description"`
	Category    string       `json:"category"`
	MenuOrder   int          `json:"menu_order"`
	Published   bool         `json:"published"`
	Body        *string      `json:"body,omitempty"`
	UpdatedBy   *string      `json:"updated_by"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Links       apiPageLinks `json:"links"`
}

// apiPageLinks are the API address of a page and, once published, its
// public address.
type apiPageLinks struct {
	Self   string  `json:"self"`
	Public *string `json:"public"`
}

// apiPageList is the answer of GET /api/v1/pages.
type apiPageList struct {
	Items      []*apiPage `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

// apiPageInput is the JSON body of PUT /api/v1/pages/{slug}. Slug may be
// left out; when given it must be the URL's.
type apiPageInput struct {
	Slug        *string `json:"slug"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Category    string  `json:"category"`
	MenuOrder   int     `json:"menu_order"`
	Published   bool    `json:"published"`
	Body        string  `json:"body"`
}

// apiPagePointers maps the page editor's input ids (validatePage) to the
// JSON pointers of the API body.
var apiPagePointers = map[string]string{
	"page-title": "/title", "page-slug": "/slug", "page-description": "/description",
	"page-order": "/menu_order", "page-body": "/body",
}

// apiPageRoutes registers /api/v1/pages.
func (s *Server) apiPageRoutes() {
	auth := func(h echo.HandlerFunc) echo.HandlerFunc { return s.apiAuthLimit(maxAPIPage, s.apiNeedPages(h)) }
	get := []string{http.MethodGet, http.MethodHead}
	s.echo.Match(get, apiPagesPath, auth(s.apiListPages))
	s.echo.Match(get, apiPagesPath+"/:slug", auth(s.apiGetPage))
	s.echo.PUT(apiPagesPath+"/:slug", auth(s.apiPutPage))
	s.echo.DELETE(apiPagesPath+"/:slug", auth(s.apiDeletePage))
}

// apiNeedPages refuses a token without the Pages permission (403).
func (s *Server) apiNeedPages(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !tokenOf(c).Pages {
			return s.apiErr(c, http.StatusForbidden, "api.pages_forbidden")
		}
		return next(c)
	}
}

// toAPIPage converts a stored page; withBody includes the Markdown.
func (s *Server) toAPIPage(p *modulario.Page, withBody bool) *apiPage {
	out := &apiPage{Slug: p.Slug, Title: p.Title, Description: p.Description, Category: p.Category,
		MenuOrder: p.MenuOrder, Published: p.Published, UpdatedBy: apiOptional(p.UpdatedBy),
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Links: apiPageLinks{Self: apiPagesPath + "/" + p.Slug}}
	if withBody {
		body := p.Body
		out.Body = &body
	}
	if p.Published {
		out.Links.Public = apiOptional(s.cfg.BaseURL + "/pagine/" + p.Slug)
	}
	return out
}

// apiPageKey orders the page list as the catalogue does (menu order,
// title, slug) and is what a cursor of the list holds.
type apiPageKey struct {
	Order int    `json:"o"`
	Title string `json:"t"`
	Slug  string `json:"s"`
}

func pageKey(p *modulario.Page) apiPageKey { return apiPageKey{p.MenuOrder, p.Title, p.Slug} }

func cmpPageKey(a, b apiPageKey) int {
	return cmp.Or(cmp.Compare(a.Order, b.Order), strings.Compare(a.Title, b.Title), strings.Compare(a.Slug, b.Slug))
}

// apiListPages answers GET /api/v1/pages: one page of every landing page,
// without bodies.
func (s *Server) apiListPages(c echo.Context) error {
	q, err := s.apiListQuery(c)
	if err != nil {
		return err
	}
	pages, err := s.cfg.Pages.ListPages(c.Request().Context(), modulario.PageFilter{})
	if err != nil {
		return err
	}
	page, next, ok := paginate(pages, pageKey, cmpPageKey, q.Cursor, q.Limit)
	if !ok {
		return s.badParams(c, "cursor")
	}
	out := &apiPageList{Items: make([]*apiPage, len(page)), NextCursor: next}
	for i, p := range page {
		out.Items[i] = s.toAPIPage(p, false)
	}
	return c.JSON(http.StatusOK, out)
}

// apiFindPage loads the page named by :slug (404 problem when missing).
func (s *Server) apiFindPage(c echo.Context) (*modulario.Page, error) {
	p, err := s.cfg.Pages.FindPage(c.Request().Context(), c.Param("slug"))
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil, s.apiErr(c, http.StatusNotFound, "api.page_not_found")
	}
	return p, err
}

// apiGetPage answers GET /api/v1/pages/{slug}: JSON, or the page file
// when the client asks for text/markdown.
func (s *Server) apiGetPage(c echo.Context) error {
	p, err := s.apiFindPage(c)
	if err != nil {
		return err
	}
	if wantsMarkdown(c.Request().Header.Get(echo.HeaderAccept)) {
		return c.Blob(http.StatusOK, mimeMarkdown+"; charset=utf-8", markdown.MarshalPage(p))
	}
	return c.JSON(http.StatusOK, s.toAPIPage(p, true))
}

// wantsMarkdown reports whether an Accept header prefers text/markdown to
// JSON: the first of the two it names (without q=0) wins; JSON otherwise.
func wantsMarkdown(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || params["q"] == "0" {
			continue
		}
		switch mt {
		case mimeMarkdown:
			return true
		case echo.MIMEApplicationJSON:
			return false
		}
	}
	return false
}

// apiPutPage answers PUT /api/v1/pages/{slug}: creates (201) or replaces
// (200) the page with the same checks as the page editor; errors name
// their JSON pointer (422).
func (s *Server) apiPutPage(c echo.Context) error {
	if err := s.badParams(c, s.unknownParams(c)...); err != nil {
		return err
	}
	p, err := s.readAPIPage(c)
	if err != nil {
		return err
	}
	slug := c.Param("slug")
	if p.Slug != "" && p.Slug != slug {
		return s.apiInvalid(c, "/slug", s.t(c, "api.page_slug", slug))
	}
	p.Slug, p.UpdatedBy = slug, apiActor(tokenOf(c))
	_, err = s.cfg.Pages.FindPage(c.Request().Context(), slug)
	isNew := modulario.ErrorCode(err) == modulario.ENOTFOUND
	if err != nil && !isNew {
		return err
	}
	if err := s.apiCheckPage(c, p, isNew); err != nil {
		return err
	}
	if err := s.cfg.Pages.SavePage(c.Request().Context(), p); modulario.ErrorCode(err) == modulario.EINVALID {
		return s.apiInvalid(c, "/slug", s.t(c, "pages.err.slug"))
	} else if err != nil {
		return err
	}
	s.audit(c, "page.save", "page:"+p.Slug, p.Title)
	status := http.StatusOK
	if isNew {
		status = http.StatusCreated
		c.Response().Header().Set(echo.HeaderLocation, apiPagesPath+"/"+p.Slug)
	}
	return c.JSON(status, s.toAPIPage(p, true))
}

// readAPIPage reads the body of a PUT: strict JSON (400 when malformed or
// with unknown fields) or a front-matter Markdown file (422 naming the
// bad line).
func (s *Server) readAPIPage(c echo.Context) (*modulario.Page, error) {
	body, ct, err := s.readAPIBody(c, echo.MIMEApplicationJSON, mimeMarkdown)
	if err != nil {
		return nil, err
	}
	if ct == mimeMarkdown {
		return markdown.UnmarshalPage(body)
	}
	var in apiPageInput
	if err := s.decodeStrict(c, bytes.NewReader(body), &in); err != nil {
		return nil, err
	}
	p := &modulario.Page{Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description),
		Category: strings.TrimSpace(in.Category), MenuOrder: in.MenuOrder, Published: in.Published,
		Body: strings.ReplaceAll(in.Body, "\r\n", "\n")}
	if in.Slug != nil {
		p.Slug = strings.TrimSpace(*in.Slug)
	}
	return p, nil
}

// apiCheckPage runs the page editor's checks and answers 422 with their
// pointers.
func (s *Server) apiCheckPage(c echo.Context, p *modulario.Page, isNew bool) error {
	errs, err := s.validatePage(c, p, isNew)
	if err != nil || len(errs) == 0 {
		return err
	}
	out := make([]apiFieldError, len(errs))
	for i, e := range errs {
		out[i] = apiFieldError{Pointer: apiPagePointers[e.ID], Message: e.Message}
	}
	return &apiError{Status: http.StatusUnprocessableEntity, Detail: s.t(c, "api.bad_body"), Errors: out}
}

// apiDeletePage answers DELETE /api/v1/pages/{slug} with 204.
func (s *Server) apiDeletePage(c echo.Context) error {
	p, err := s.apiFindPage(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Pages.DeletePage(c.Request().Context(), p.Slug); modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return s.apiErr(c, http.StatusNotFound, "api.page_not_found")
	} else if err != nil {
		return err
	}
	s.audit(c, "page.delete", "page:"+p.Slug, p.Title)
	return c.NoContent(http.StatusNoContent)
}
