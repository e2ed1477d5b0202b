package renderer

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// legalView is the data of the privacy, accessibility and legal pages.
type legalView struct {
	Body string // Markdown
}

// legalPage serves one of the legal pages (privacy, accessibility, legal
// notes): the comune's own text from the settings when there is one, else
// the default text of the catalogue.
func (s *Server) legalPage(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		lang := langOf(c)
		st := s.siteSettings(c.Request().Context())
		body := ""
		switch kind {
		case "privacy":
			body = st.PrivacyPolicy
		case "legal":
			body = st.LegalNotes
		}
		p := s.newPage(c, msg.T(lang, "legal."+kind+".title"), nil)
		if body == "" {
			body = msg.T(lang, "legal."+kind+".body", p.SiteName)
		}
		p.Data = &legalView{Body: body}
		p.Breadcrumb = append(p.Breadcrumb, crumb{Label: p.Title})
		return s.render(c, http.StatusOK, "legal", p)
	}
}
