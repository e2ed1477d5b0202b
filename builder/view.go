package builder

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/markdown"
	"github.com/modulario/modulario/web"
)

// View is the data every admin page template receives: what the layout
// needs plus the page's own Data.
type View struct {
	Title string
	Lang  string
	User  *modulario.User
	// CSRF is the session's anti-forgery token; {{template "csrf" .}}
	// prints it as the hidden _csrf input every POST form carries.
	CSRF string
	// Section is the active nav entry: "home", "forms", "pages", "users",
	// "offices", "settings", "audit".
	Section string
	// Crumbs is the breadcrumb, Home first.
	Crumbs []Crumb
	// Flash is a success message shown once (from ?ok=KEY).
	Flash string
	// Errors is the error summary at the top of a form.
	Errors   []FieldError
	SiteName string
	Data     any
	// Booking reports that calendars are configured: the "agenda" and
	// "calendars" nav entries are shown only then.
	Booking bool
}

// Crumb is one breadcrumb item; the last one usually has no URL.
type Crumb struct{ Label, URL string }

// FieldError is one entry of a form's error summary; ID is the id
// attribute of the input it is about.
type FieldError struct{ ID, Message string }

// Can reports whether the viewer may use a nav section, so the layout
// shows only the entries the role allows.
func (v *View) Can(section string) bool {
	if (section == "agenda" || section == "calendars") && !v.Booking {
		return false
	}
	return hasRole(v.User, sectionRoles[section]...)
}

// sectionRoles lists the roles allowed in each nav section (admin always).
var sectionRoles = map[string][]modulario.Role{
	"home":      nil,
	"inbox":     {modulario.RoleOperator},
	"dashboard": {modulario.RoleOperator},
	"tokens":    {modulario.RoleAdmin},
	"forms":     {modulario.RoleEditor},
	"pages":     {modulario.RoleEditor},
	"users":     {modulario.RoleAdmin},
	"offices":   {modulario.RoleAdmin},
	"settings":  {modulario.RoleAdmin},
	"audit":     {modulario.RoleAdmin},
	"agenda":    {modulario.RoleOperator},
	"calendars": {modulario.RoleEditor},
}

// navPaths maps a nav section to its path below /admin/.
var navPaths = map[string]string{
	"forms": "moduli", "pages": "pagine", "users": "utenti", "offices": "uffici",
	"settings": "impostazioni", "audit": "registro",
	"inbox": "richieste", "dashboard": "cruscotto", "tokens": "token",
	"agenda": "agenda", "calendars": "calendari",
}

// view starts the View of a page: language, user, CSRF token, breadcrumb
// (Home), site name and the flash message named by ?ok=.
func (s *Server) view(c echo.Context, title, section string, data any) *View {
	v := &View{Title: title, Lang: langOf(c), User: userOf(c), Section: section,
		SiteName: s.siteName(c), Data: data, Booking: s.booking()}
	if sess := sessionOf(c); sess != nil {
		v.CSRF = sess.CSRF
	}
	v.Crumbs = []Crumb{{Label: s.t(c, "nav.home"), URL: homePath}}
	if key := c.QueryParam("ok"); key != "" {
		if m, ok := msg[v.Lang][key]; ok {
			v.Flash = m
		}
	}
	return v
}

// siteName is the comune's name from Settings, else from Config.
func (s *Server) siteName(c echo.Context) string {
	if st, err := s.cfg.Settings.Settings(c.Request().Context()); err == nil && st.SiteName != "" {
		return st.SiteName
	}
	return s.cfg.SiteName
}

// render executes themes/templates/admin/<name>.html (which defines
// "content", and may define "scripts") inside the admin layout, into a
// buffer so a template error never sends half a page.
func (s *Server) render(c echo.Context, status int, name string, v *View) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("builder: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("builder: execute %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// redirect answers 303 See Other to path; okKey (a catalogue key, "" for
// none) becomes ?ok=KEY and is shown once as the Flash message.
func (s *Server) redirect(c echo.Context, path string, okKey string) error {
	if okKey != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "ok=" + url.QueryEscape(okKey)
	}
	return c.Redirect(http.StatusSeeOther, path)
}

// sharedTemplates are parsed into every admin page.
var sharedTemplates = []string{"admin/layout.html", "admin/partials.html"}

// parseTemplates parses the shared admin templates once, then clones them
// for every other admin/*.html page.
func (s *Server) parseTemplates() (map[string]*template.Template, error) {
	pages, err := web.ParsePages(themesTemplates(), "admin/*.html", sharedTemplates, s.templateFuncs())
	if err != nil {
		return nil, fmt.Errorf("builder: %w", err)
	}
	return pages, nil
}

// templateFuncs are the functions every admin template may call.
func (s *Server) templateFuncs() template.FuncMap { return s.coreFuncs() }

// coreFuncs are the template functions of the core.
func (s *Server) coreFuncs() template.FuncMap {
	return template.FuncMap{
		"t":     func(lang, key string, args ...any) string { return msg.T(lang, key, args...) },
		"asset": s.assetURL,
		"md":    markdown.ToHTML,
		"date":  s.formatDate,
		"list":  func(items ...string) []string { return items },
		"dict":  dict,
		"add1":  func(i int) int { return i + 1 },
		"navURL": func(section string) string {
			if section == "home" {
				return homePath
			}
			return homePath + "/" + navPaths[section]
		},
	}
}

// formatDate prints a time as "02/01/2006 15:04" in Italian local time;
// the zero time (or a nil pointer) prints nothing.
func (s *Server) formatDate(v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x != nil {
			t = *x
		}
	}
	if t.IsZero() {
		return ""
	}
	return t.In(s.location()).Format("02/01/2006 15:04")
}

// assetURL returns the hashed URL of a static asset.
func (s *Server) assetURL(name string) string {
	if s.cfg.Assets == nil {
		return "/static/" + name
	}
	return s.cfg.Assets.URL(name)
}

// dict builds a map from key, value pairs, so a template can pass several
// values to a partial: {{template "f.input" dict "ID" "email" "Label" "E-mail"}}.
func dict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("builder: dict needs key, value pairs")
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		k, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("builder: dict key %v is not a string", pairs[i])
		}
		m[k] = pairs[i+1]
	}
	return m, nil
}
