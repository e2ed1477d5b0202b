package builder

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/password"
)

const usersPath = "/admin/utenti"

// userRoutes registers the account screens (admin only).
func (s *Server) userRoutes() {
	admin := modulario.RoleAdmin
	s.route(http.MethodGet, usersPath, s.userList, admin)
	s.route(http.MethodGet, usersPath+"/nuovo", s.userNew, admin)
	s.route(http.MethodPost, usersPath, s.userCreate, admin)
	s.route(http.MethodGet, usersPath+"/:id", s.userEdit, admin)
	s.route(http.MethodPost, usersPath+"/:id", s.userUpdate, admin)
	s.route(http.MethodPost, usersPath+"/:id/password", s.userResetPassword, admin)
	s.route(http.MethodGet, usersPath+"/:id/elimina", s.userDeleteConfirm, admin)
	s.route(http.MethodPost, usersPath+"/:id/elimina", s.userDelete, admin)
}

// userListView is the data of the users list.
type userListView struct {
	Users   []*modulario.User
	Offices map[string]string // slug → name
}

// userList lists every account with role and offices.
func (s *Server) userList(c echo.Context) error {
	ctx := c.Request().Context()
	users, err := s.cfg.Users.ListUsers(ctx, modulario.UserFilter{})
	if err != nil {
		return err
	}
	offices, err := s.officeNames(c)
	if err != nil {
		return err
	}
	v := s.view(c, s.t(c, "users.title"), "users", &userListView{Users: users, Offices: offices})
	v.Crumbs = append(v.Crumbs, Crumb{Label: v.Title})
	return s.render(c, http.StatusOK, "users", v)
}

// officeNames maps every office's slug to its name.
func (s *Server) officeNames(c echo.Context) (map[string]string, error) {
	list, err := s.cfg.Offices.ListOffices(c.Request().Context())
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(list))
	for _, o := range list {
		m[o.Slug] = o.Name
	}
	return m, nil
}

// findUserParam loads the user named by :id.
func (s *Server) findUserParam(c echo.Context) (*modulario.User, error) {
	u, err := s.cfg.Users.FindUser(c.Request().Context(), c.Param("id"))
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil, modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "users.not_found"))
	}
	return u, err
}

// userNew shows the empty account form.
func (s *Server) userNew(c echo.Context) error {
	return s.renderUserForm(c, http.StatusOK, &userForm{Role: string(modulario.RoleEditor)}, nil)
}

// userCreate creates an account with a temporary password, shown once.
func (s *Server) userCreate(c echo.Context) error {
	f := readUserForm(c)
	errs, err := s.validateUserForm(c, f, nil)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return s.renderUserForm(c, http.StatusUnprocessableEntity, f, errs)
	}
	temp := randomToken(12)
	hash, err := password.HashPassword(temp)
	if err != nil {
		return err
	}
	u := &modulario.User{Email: f.Email, Name: f.Name, Role: modulario.Role(f.Role), Offices: f.Offices,
		PasswordHash: hash, MustChangePassword: true}
	if err := s.cfg.Users.CreateUser(c.Request().Context(), u); err != nil {
		if modulario.ErrorCode(err) == modulario.ECONFLICT {
			return s.renderUserForm(c, http.StatusUnprocessableEntity, f,
				[]FieldError{{ID: "email", Message: s.t(c, "users.email_taken")}})
		}
		return err
	}
	s.audit(c, "user.create", "user:"+u.ID, "created "+u.Email+" with role "+string(u.Role))
	return s.renderTempPassword(c, u, temp, "users.created")
}

// tempPasswordView is the one-time page with a temporary password.
type tempPasswordView struct {
	User     *modulario.User
	Password string
	Message  string
}

func (s *Server) renderTempPassword(c echo.Context, u *modulario.User, temp, key string) error {
	v := s.view(c, s.t(c, "users.temp_title"), "users",
		&tempPasswordView{User: u, Password: temp, Message: s.t(c, key, u.Email)})
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "users.title"), URL: usersPath}, Crumb{Label: v.Title})
	return s.render(c, http.StatusOK, "user_password", v)
}

// userEdit shows an account's form.
func (s *Server) userEdit(c echo.Context) error {
	u, err := s.findUserParam(c)
	if err != nil {
		return err
	}
	return s.renderUserForm(c, http.StatusOK, formOfUser(u), nil)
}

// userUpdate saves name, e-mail, role, offices and the disabled flag.
// An admin can neither demote nor disable themselves.
func (s *Server) userUpdate(c echo.Context) error {
	u, err := s.findUserParam(c)
	if err != nil {
		return err
	}
	f := readUserForm(c)
	f.ID = u.ID
	errs, err := s.validateUserForm(c, f, u)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return s.renderUserForm(c, http.StatusUnprocessableEntity, f, errs)
	}
	ctx := c.Request().Context()
	wasDisabled := u.Disabled
	u.Email, u.Name, u.Role, u.Offices, u.Disabled = f.Email, f.Name, modulario.Role(f.Role), f.Offices, f.Disabled
	if err := s.cfg.Users.UpdateUser(ctx, u); err != nil {
		if modulario.ErrorCode(err) == modulario.ECONFLICT {
			return s.renderUserForm(c, http.StatusUnprocessableEntity, f,
				[]FieldError{{ID: "email", Message: s.t(c, "users.email_taken")}})
		}
		return err
	}
	if u.Disabled && !wasDisabled {
		if _, err := s.cfg.Sessions.DeleteUserSessions(ctx, u.ID, ""); err != nil {
			return err
		}
	}
	s.audit(c, "user.update", "user:"+u.ID, "updated "+u.Email+": role "+string(u.Role))
	return s.redirect(c, usersPath, "ok.user_saved")
}

// userResetPassword gives an account a new temporary password, ends its
// sessions and shows the password once.
func (s *Server) userResetPassword(c echo.Context) error {
	u, err := s.findUserParam(c)
	if err != nil {
		return err
	}
	if u.ID == userOf(c).ID {
		return modulario.Errorf(modulario.EINVALID, "%s", s.t(c, "users.reset_self"))
	}
	temp := randomToken(12)
	hash, err := password.HashPassword(temp)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u.PasswordHash, u.MustChangePassword, u.PasswordChangedAt = hash, true, s.cfg.Now()
	if err := s.cfg.Users.UpdateUser(ctx, u); err != nil {
		return err
	}
	if _, err := s.cfg.Sessions.DeleteUserSessions(ctx, u.ID, ""); err != nil {
		return err
	}
	s.audit(c, "user.password", "user:"+u.ID, "password reset by an administrator")
	return s.renderTempPassword(c, u, temp, "users.reset_done")
}

// userDeleteConfirm asks before deleting an account (works without JS).
func (s *Server) userDeleteConfirm(c echo.Context) error {
	u, err := s.findUserParam(c)
	if err != nil {
		return err
	}
	if u.ID == userOf(c).ID {
		return modulario.Errorf(modulario.EINVALID, "%s", s.t(c, "users.delete_self"))
	}
	v := s.view(c, s.t(c, "users.delete_title"), "users", u)
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "users.title"), URL: usersPath}, Crumb{Label: v.Title})
	return s.render(c, http.StatusOK, "user_delete", v)
}

// userDelete removes an account and its sessions; never one's own.
func (s *Server) userDelete(c echo.Context) error {
	u, err := s.findUserParam(c)
	if err != nil {
		return err
	}
	if u.ID == userOf(c).ID {
		return modulario.Errorf(modulario.EINVALID, "%s", s.t(c, "users.delete_self"))
	}
	if err := s.cfg.Users.DeleteUser(c.Request().Context(), u.ID); err != nil {
		return err
	}
	s.audit(c, "user.delete", "user:"+u.ID, "deleted "+u.Email)
	return s.redirect(c, usersPath, "ok.user_deleted")
}
