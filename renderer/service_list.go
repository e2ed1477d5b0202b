package renderer

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// maxQuery bounds the search text; longer queries are cut.
const maxQuery = 100

// catalogueEntry is one card of the catalogue: a service or a page.
type catalogueEntry struct {
	Title   string
	Summary string
	URL     string
	IsPage  bool
}

// serviceCategory is one group of the catalogue.
type serviceCategory struct {
	ID      string
	Name    string
	Entries []catalogueEntry
}

// catalogueView is the data of the catalogue (home and /servizi).
type catalogueView struct {
	Query  string
	Action string
	// Lang is kept as a hidden field when the reader chose a language.
	Lang       string
	Count      int
	Categories []*serviceCategory
}

// serviceList shows the published services and pages grouped by category,
// filtered by ?q= over titles, summaries and page descriptions.
func (s *Server) serviceList(c echo.Context) error {
	ctx := c.Request().Context()
	forms, err := s.cfg.Forms.ListForms(ctx, modulario.FormFilter{PublishedOnly: true})
	if err != nil {
		return err
	}
	var pages []*modulario.Page
	if s.cfg.Pages != nil {
		if pages, err = s.cfg.Pages.ListPages(ctx, modulario.PageFilter{PublishedOnly: true}); err != nil {
			return err
		}
	}
	lang := langOf(c)
	q := strings.TrimSpace(c.QueryParam("q"))
	if len([]rune(q)) > maxQuery {
		q = string([]rune(q)[:maxQuery])
	}
	v := &catalogueView{Query: q, Action: "/servizi"}
	if explicit, _ := c.Get(ctxExplicitLang).(bool); explicit {
		v.Lang = lang
	}
	add := func(category string, e catalogueEntry) {
		if !matches(q, e.Title, e.Summary) {
			return
		}
		if category == "" {
			category = msg.T(lang, "services.other")
		}
		v.Count++
		for _, cat := range v.Categories {
			if cat.Name == category {
				cat.Entries = append(cat.Entries, e)
				return
			}
		}
		v.Categories = append(v.Categories, &serviceCategory{Name: category, Entries: []catalogueEntry{e}})
	}
	for _, f := range forms {
		if f.Published > 0 && !f.Archived {
			add(f.Category, catalogueEntry{Title: f.Title, Summary: f.Summary, URL: link(c, "/servizi/"+f.Slug)})
		}
	}
	for _, pg := range pages {
		if pg.Published {
			add(pg.Category, catalogueEntry{Title: pg.Title, Summary: pg.Description,
				URL: link(c, "/pagine/"+pg.Slug), IsPage: true})
		}
	}
	sortCategories(v.Categories, msg.T(lang, "services.other"))
	p := s.newPage(c, msg.T(lang, "services.title"), v)
	if q != "" {
		p.Title = msg.T(lang, "catalogue.results", q, v.Count)
	}
	return s.render(c, http.StatusOK, "services", p)
}

// sortCategories orders groups by name, "Altri servizi" last, and numbers
// their anchors.
func sortCategories(cats []*serviceCategory, other string) {
	sort.SliceStable(cats, func(i, j int) bool {
		if (cats[i].Name == other) != (cats[j].Name == other) {
			return cats[j].Name == other
		}
		return strings.ToLower(cats[i].Name) < strings.ToLower(cats[j].Name)
	})
	for i, cat := range cats {
		cat.ID = "categoria-" + strconv.Itoa(i+1)
	}
}

// matches reports whether every word of q appears in one of the texts,
// ignoring case.
func matches(q string, texts ...string) bool {
	if q == "" {
		return true
	}
	hay := strings.ToLower(strings.Join(texts, " \x00 "))
	for _, w := range strings.Fields(strings.ToLower(q)) {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}
