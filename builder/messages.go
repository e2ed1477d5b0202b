package builder

import (
	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario/i18n"
	"github.com/modulario/modulario/themes"
)

// msg holds every string of the staff side, in Italian and English. Each
// area adds its own strings with addMessages from its own file.
var msg = i18n.Catalog{"it": {}, "en": {}}

// addMessages merges c into the staff catalogue; it returns true so an
// area can call it from a package-level declaration:
//
//	var _ = addMessages(i18n.Catalog{"it": {...}, "en": {...}})
func addMessages(c i18n.Catalog) bool {
	for lang, msgs := range c {
		if msg[lang] == nil {
			msg[lang] = map[string]string{}
		}
		for k, v := range msgs {
			msg[lang][k] = v
		}
	}
	return true
}

// t translates key into the request's language.
func (s *Server) t(c echo.Context, key string, args ...any) string {
	return msg.T(langOf(c), key, args...)
}

// themesTemplates is the embedded template tree (admin pages live under admin/).
var themesTemplates = themes.Templates
