package builder

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/themes"
)

const settingsPath = "/admin/impostazioni"

// defaultPrimary is Bootstrap Italia's own primary colour.
const defaultPrimary = "#0066cc"

// emptyLinkRows is how many blank footer-link rows the form offers, and
// how many "aggiungi righe" adds, so it works without JavaScript.
const emptyLinkRows = 2

// maxFooterLinks bounds the footer links editor.
const maxFooterLinks = 30

// maxSettingsText caps each Markdown text of the settings (contacts,
// privacy policy, legal notes), in characters.
const maxSettingsText = 100000

var colorRE = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// settingsRoutes registers the comune settings screen (admin only).
func (s *Server) settingsRoutes() {
	s.route(http.MethodGet, settingsPath, s.settingsPage, modulario.RoleAdmin)
	s.route(http.MethodPost, settingsPath, s.settingsSubmit, modulario.RoleAdmin)
}

// settingsView is the data of the settings form.
type settingsView struct {
	S      *modulario.Settings
	Picker string // value of the colour picker (never empty)
	Links  []modulario.FooterLink
	Fields map[string]string
}

func (s *Server) settingsPage(c echo.Context) error {
	st, err := s.cfg.Settings.Settings(c.Request().Context())
	if err != nil {
		return err
	}
	if st.SiteName == "" {
		// Never saved: start from the name the site shows today.
		st.SiteName = s.cfg.SiteName
	}
	return s.renderSettings(c, http.StatusOK, st, 0, nil)
}

// renderSettings shows the form with the links and extra blank rows.
func (s *Server) renderSettings(c echo.Context, status int, st *modulario.Settings, extra int, errs []FieldError) error {
	sv := &settingsView{S: st, Picker: st.PrimaryColor, Fields: map[string]string{}}
	if sv.Picker == "" {
		sv.Picker = defaultPrimary
	}
	sv.Links = append(sv.Links, st.FooterLinks...)
	for i := 0; i < emptyLinkRows+extra && len(sv.Links) < maxFooterLinks; i++ {
		sv.Links = append(sv.Links, modulario.FooterLink{})
	}
	for _, e := range errs {
		sv.Fields[e.ID] = e.Message
	}
	v := s.view(c, s.t(c, "settings.title"), "settings", sv)
	v.Crumbs = append(v.Crumbs, Crumb{Label: v.Title})
	v.Errors = errs
	return s.render(c, status, "settings", v)
}

// settingsSubmit saves the settings, or adds blank link rows when the
// "aggiungi righe" button was used.
func (s *Server) settingsSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	old, err := s.cfg.Settings.Settings(ctx)
	if err != nil {
		return err
	}
	st := s.readSettings(c, old)
	if c.FormValue("more") != "" {
		return s.renderSettings(c, http.StatusOK, st, emptyLinkRows, nil)
	}
	if errs := s.validateSettings(c, st); len(errs) > 0 {
		return s.renderSettings(c, http.StatusUnprocessableEntity, st, 0, errs)
	}
	st.UpdatedAt, st.UpdatedBy = s.cfg.Now(), userOf(c).ID
	if err := s.cfg.Settings.SaveSettings(ctx, st); err != nil {
		return err
	}
	s.audit(c, "settings.save", "settings", "saved the comune settings")
	return s.redirect(c, settingsPath, "ok.settings_saved")
}

// readSettings reads the posted form over the stored settings (the logo
// is chosen on its own page and kept).
func (s *Server) readSettings(c echo.Context, old *modulario.Settings) *modulario.Settings {
	st := *old
	st.SiteName = strings.TrimSpace(c.FormValue("site_name"))
	st.Region = strings.TrimSpace(c.FormValue("region"))
	st.Contacts = c.FormValue("contacts")
	st.AccessibilityURL = strings.TrimSpace(c.FormValue("accessibility_url"))
	st.PrivacyPolicy = c.FormValue("privacy_policy")
	st.LegalNotes = c.FormValue("legal_notes")
	st.PatronDay = strings.TrimSpace(c.FormValue("patron_day"))
	st.PatronName = strings.TrimSpace(c.FormValue("patron_name"))
	st.PrimaryColor = pickColor(old.PrimaryColor,
		strings.ToLower(strings.TrimSpace(c.FormValue("primary_color"))),
		strings.ToLower(strings.TrimSpace(c.FormValue("primary_color_picker"))))
	st.FooterLinks = nil
	for i := 0; i < maxFooterLinks; i++ {
		n := strconv.Itoa(i)
		label, link := strings.TrimSpace(c.FormValue("link_label_"+n)), strings.TrimSpace(c.FormValue("link_url_"+n))
		if label == "" && link == "" {
			continue
		}
		st.FooterLinks = append(st.FooterLinks, modulario.FooterLink{Label: label, URL: link})
	}
	return &st
}

// pickColor chooses between the text field and the colour picker: the
// one the user changed wins; an emptied text field means the default.
func pickColor(stored, text, picker string) string {
	if text != stored {
		return text
	}
	if picker == "" || (stored == "" && picker == defaultPrimary) {
		return stored
	}
	return picker
}

// validateSettings returns the form's errors in Italian.
func (s *Server) validateSettings(c echo.Context, st *modulario.Settings) []FieldError {
	var errs []FieldError
	add := func(id, m string) { errs = append(errs, FieldError{ID: id, Message: m}) }
	if st.SiteName == "" || utf8.RuneCountInString(st.SiteName) > 200 {
		add("site_name", s.t(c, "settings.name_required"))
	}
	if utf8.RuneCountInString(st.Region) > 200 {
		add("region", s.t(c, "settings.region_long"))
	}
	if st.PrimaryColor != "" {
		if !colorRE.MatchString(st.PrimaryColor) {
			add("primary_color", s.t(c, "settings.color_invalid"))
		} else if err := themes.CheckPrimary(st.PrimaryColor); err != nil {
			add("primary_color", capitalize(err.Error())+".")
		}
	}
	for _, f := range []struct{ id, text string }{{"contacts", st.Contacts}, {"privacy_policy", st.PrivacyPolicy}, {"legal_notes", st.LegalNotes}} {
		if utf8.RuneCountInString(f.text) > maxSettingsText {
			add(f.id, s.t(c, "settings.text_long", maxSettingsText))
		}
	}
	if st.PatronDay != "" && !validPatronDay(st.PatronDay) || st.PatronDay == "" && st.PatronName != "" {
		add("patron_day", s.t(c, "settings.patron_day_invalid"))
	}
	if utf8.RuneCountInString(st.PatronName) > 200 {
		add("patron_name", s.t(c, "settings.patron_name_long"))
	}
	if st.AccessibilityURL != "" && !httpURL(st.AccessibilityURL) {
		add("accessibility_url", s.t(c, "settings.url_invalid"))
	}
	for i, l := range st.FooterLinks {
		if l.Label == "" || utf8.RuneCountInString(l.Label) > 200 {
			add(fmt.Sprintf("link_label_%d", i), s.t(c, "settings.link_label", i+1))
		}
		if len(l.URL) > 2000 || !httpURL(l.URL) && !(strings.HasPrefix(l.URL, "/") && !strings.HasPrefix(l.URL, "//")) {
			add(fmt.Sprintf("link_url_%d", i), s.t(c, "settings.link_url", i+1))
		}
	}
	return errs
}

// validPatronDay reports whether s is "MM-DD" of a day that exists (29
// February included).
func validPatronDay(s string) bool {
	if !modulario.ValidMonthDay(s) {
		return false
	}
	_, ok := modulario.ParseDay("2024-" + s)
	return ok
}

// httpURL reports whether s is an absolute http(s) URL with a host.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}
