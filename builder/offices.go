package builder

import (
	"errors"
	"net/http"
	"net/mail"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

const officesPath = "/admin/uffici"

// officeRoutes registers the office screens (admin only).
func (s *Server) officeRoutes() {
	admin := modulario.RoleAdmin
	s.route(http.MethodGet, officesPath, s.officeList, admin)
	s.route(http.MethodGet, officesPath+"/nuovo", s.officeNew, admin)
	s.route(http.MethodPost, officesPath, s.officeCreate, admin)
	s.route(http.MethodGet, officesPath+"/:slug", s.officeEdit, admin)
	s.route(http.MethodPost, officesPath+"/:slug", s.officeUpdate, admin)
	s.route(http.MethodGet, officesPath+"/:slug/elimina", s.officeDeleteConfirm, admin)
	s.route(http.MethodPost, officesPath+"/:slug/elimina", s.officeDelete, admin)
}

// officeForm is an office form as posted or loaded.
type officeForm struct {
	IsNew  bool
	Slug   string
	Name   string
	Emails string // one address per line
	PEC    string
	Fields map[string]string
}

// officeList lists every office.
func (s *Server) officeList(c echo.Context) error {
	list, err := s.cfg.Offices.ListOffices(c.Request().Context())
	if err != nil {
		return err
	}
	v := s.view(c, s.t(c, "offices.title"), "offices", list)
	v.Crumbs = append(v.Crumbs, Crumb{Label: v.Title})
	return s.render(c, http.StatusOK, "offices", v)
}

// findOfficeParam loads the office named by :slug.
func (s *Server) findOfficeParam(c echo.Context) (*modulario.Office, error) {
	o, err := s.cfg.Offices.FindOffice(c.Request().Context(), c.Param("slug"))
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil, modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "offices.not_found"))
	}
	return o, err
}

func (s *Server) officeNew(c echo.Context) error {
	return s.renderOfficeForm(c, http.StatusOK, &officeForm{IsNew: true}, nil)
}

func (s *Server) officeEdit(c echo.Context) error {
	o, err := s.findOfficeParam(c)
	if err != nil {
		return err
	}
	f := &officeForm{Slug: o.Slug, Name: o.Name, Emails: strings.Join(o.Emails, "\n"), PEC: o.PEC}
	return s.renderOfficeForm(c, http.StatusOK, f, nil)
}

// officeCreate stores a new office; its slug must be free.
func (s *Server) officeCreate(c echo.Context) error {
	f := readOfficeForm(c)
	f.IsNew = true
	errs := s.validateOffice(c, f)
	if len(errs) == 0 {
		_, err := s.cfg.Offices.FindOffice(c.Request().Context(), f.Slug)
		switch modulario.ErrorCode(err) {
		case "":
			errs = append(errs, FieldError{ID: "slug", Message: s.t(c, "offices.slug_taken")})
		case modulario.ENOTFOUND:
		default:
			return err
		}
	}
	return s.saveOffice(c, f, errs)
}

// officeUpdate saves an existing office (its slug does not change).
func (s *Server) officeUpdate(c echo.Context) error {
	o, err := s.findOfficeParam(c)
	if err != nil {
		return err
	}
	f := readOfficeForm(c)
	f.Slug = o.Slug
	return s.saveOffice(c, f, s.validateOffice(c, f))
}

func (s *Server) saveOffice(c echo.Context, f *officeForm, errs []FieldError) error {
	if len(errs) > 0 {
		return s.renderOfficeForm(c, http.StatusUnprocessableEntity, f, errs)
	}
	o := &modulario.Office{Slug: f.Slug, Name: f.Name, Emails: splitLines(f.Emails), PEC: f.PEC}
	if err := s.cfg.Offices.SaveOffice(c.Request().Context(), o); err != nil {
		return err
	}
	s.audit(c, "office.save", "office:"+o.Slug, "saved office "+o.Name)
	return s.redirect(c, officesPath, "ok.office_saved")
}

func readOfficeForm(c echo.Context) *officeForm {
	return &officeForm{Slug: strings.TrimSpace(c.FormValue("slug")), Name: strings.TrimSpace(c.FormValue("name")),
		Emails: strings.TrimSpace(c.FormValue("emails")), PEC: strings.TrimSpace(c.FormValue("pec"))}
}

// validateOffice returns the form's errors in Italian.
func (s *Server) validateOffice(c echo.Context, f *officeForm) []FieldError {
	var errs []FieldError
	add := func(id, key string, args ...any) {
		errs = append(errs, FieldError{ID: id, Message: s.t(c, key, args...)})
	}
	if f.IsNew && (!modulario.ValidSlug(f.Slug) || len(f.Slug) > 60) {
		add("slug", "offices.slug_invalid")
	}
	if f.Name == "" || utf8.RuneCountInString(f.Name) > 120 {
		add("name", "offices.name_required")
	}
	for _, e := range splitLines(f.Emails) {
		if !validEmail(e) {
			add("emails", "offices.email_invalid", e)
			break
		}
	}
	if f.PEC != "" && !validEmail(f.PEC) {
		add("pec", "offices.pec_invalid")
	}
	return errs
}

// validEmail reports whether s is a bare e-mail address.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= 254
}

// splitLines splits a textarea on new lines and commas, dropping blanks.
func splitLines(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' }) {
		if p := strings.ToLower(strings.TrimSpace(part)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) renderOfficeForm(c echo.Context, status int, f *officeForm, errs []FieldError) error {
	f.Fields = map[string]string{}
	for _, e := range errs {
		f.Fields[e.ID] = e.Message
	}
	title := s.t(c, "offices.edit_title")
	if f.IsNew {
		title = s.t(c, "offices.new_title")
	}
	v := s.view(c, title, "offices", f)
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "offices.title"), URL: officesPath}, Crumb{Label: title})
	v.Errors = errs
	return s.render(c, status, "office_form", v)
}

// officeDeleteConfirm asks before deleting an office.
func (s *Server) officeDeleteConfirm(c echo.Context) error {
	o, err := s.findOfficeParam(c)
	if err != nil {
		return err
	}
	return s.renderOfficeDelete(c, http.StatusOK, o, nil)
}

func (s *Server) renderOfficeDelete(c echo.Context, status int, o *modulario.Office, errs []FieldError) error {
	v := s.view(c, s.t(c, "offices.delete_title"), "offices", o)
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "offices.title"), URL: officesPath}, Crumb{Label: v.Title})
	v.Errors = errs
	return s.render(c, status, "office_delete", v)
}

// officeDelete removes an office. One that a form (its office or a rule's
// route) or a user still uses is refused, naming them; requests already
// routed to it keep it.
func (s *Server) officeDelete(c echo.Context) error {
	o, err := s.findOfficeParam(c)
	if err != nil {
		return err
	}
	err = s.cfg.Offices.DeleteOffice(c.Request().Context(), o.Slug)
	if modulario.ErrorCode(err) == modulario.ECONFLICT {
		return s.renderOfficeDelete(c, http.StatusConflict, o, s.officeUses(c, err))
	}
	if err != nil {
		return err
	}
	s.audit(c, "office.delete", "office:"+o.Slug, "deleted office "+o.Name)
	return s.redirect(c, officesPath, "ok.office_deleted")
}

// officeUses says in the reader's language which forms and users keep an
// office in use, from the Fields of DeleteOffice's ECONFLICT.
func (s *Server) officeUses(c echo.Context, err error) []FieldError {
	var forms, users []string
	var e *modulario.Error
	if errors.As(err, &e) {
		for key := range e.Fields {
			if slug, ok := strings.CutPrefix(key, "/forms/"); ok {
				forms = append(forms, "«"+slug+"»")
			} else if email, ok := strings.CutPrefix(key, "/users/"); ok {
				users = append(users, email)
			}
		}
	}
	sort.Strings(forms)
	sort.Strings(users)
	out := []FieldError{{Message: s.t(c, "offices.in_use")}}
	if len(forms) > 0 {
		out = append(out, FieldError{Message: s.t(c, "offices.in_use_forms", strings.Join(forms, ", "))})
	}
	if len(users) > 0 {
		out = append(out, FieldError{Message: s.t(c, "offices.in_use_users", strings.Join(users, ", "))})
	}
	return out
}
