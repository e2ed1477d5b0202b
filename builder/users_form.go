package builder

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// userForm is an account form as posted (or as loaded for editing).
type userForm struct {
	ID       string
	Email    string
	Name     string
	Role     string
	Offices  []string
	Disabled bool
}

// Has reports whether the form lists office slug (for checkboxes).
func (f *userForm) Has(slug string) bool {
	for _, o := range f.Offices {
		if o == slug {
			return true
		}
	}
	return false
}

// userFormView is the data of the account form.
type userFormView struct {
	Form    *userForm
	Offices []*modulario.Office
	Roles   []string
	IsSelf  bool
	Fields  map[string]string
}

func formOfUser(u *modulario.User) *userForm {
	return &userForm{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role),
		Offices: append([]string(nil), u.Offices...), Disabled: u.Disabled}
}

func readUserForm(c echo.Context) *userForm {
	f := &userForm{Email: strings.ToLower(strings.TrimSpace(c.FormValue("email"))),
		Name: strings.TrimSpace(c.FormValue("name")), Role: c.FormValue("role"),
		Disabled: c.FormValue("disabled") == "1"}
	if params, err := c.FormParams(); err == nil {
		f.Offices = params["offices"]
	}
	return f
}

// validateUserForm returns the form's errors in Italian; old is the
// stored account when editing (nil when creating).
func (s *Server) validateUserForm(c echo.Context, f *userForm, old *modulario.User) ([]FieldError, error) {
	var errs []FieldError
	add := func(id, key string) { errs = append(errs, FieldError{ID: id, Message: s.t(c, key)}) }
	if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email || len(f.Email) > 254 {
		add("email", "users.email_invalid")
	}
	if f.Name == "" || utf8.RuneCountInString(f.Name) > 100 {
		add("name", "users.name_required")
	}
	if !modulario.Role(f.Role).Valid() {
		add("role-admin", "users.role_invalid")
	}
	names, err := s.officeNames(c)
	if err != nil {
		return nil, err
	}
	for _, o := range f.Offices {
		if _, ok := names[o]; !ok {
			add("offices", "users.office_unknown")
			break
		}
	}
	if old != nil && old.ID == userOf(c).ID {
		if f.Role != string(modulario.RoleAdmin) {
			add("role-admin", "users.demote_self")
		}
		if f.Disabled {
			add("disabled", "users.disable_self")
		}
	}
	return errs, nil
}

// renderUserForm renders the create or edit form.
func (s *Server) renderUserForm(c echo.Context, status int, f *userForm, errs []FieldError) error {
	offices, err := s.cfg.Offices.ListOffices(c.Request().Context())
	if err != nil {
		return err
	}
	fv := &userFormView{Form: f, Offices: offices, IsSelf: f.ID != "" && f.ID == userOf(c).ID,
		Roles:  []string{string(modulario.RoleAdmin), string(modulario.RoleEditor), string(modulario.RoleOperator)},
		Fields: map[string]string{}}
	for _, e := range errs {
		fv.Fields[e.ID] = e.Message
	}
	title := s.t(c, "users.new_title")
	if f.ID != "" {
		title = s.t(c, "users.edit_title")
	}
	v := s.view(c, title, "users", fv)
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "users.title"), URL: usersPath}, Crumb{Label: title})
	v.Errors = errs
	return s.render(c, status, "user_form", v)
}
