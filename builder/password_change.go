package builder

import (
	"net/http"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario/password"
)

// minPasswordChars is the shortest password staff may choose.
const minPasswordChars = 12

// passwordView is the data of the password change page.
type passwordView struct {
	Forced bool
	Fields map[string]string // input id → error message
}

// passwordPage shows the password change form.
func (s *Server) passwordPage(c echo.Context) error {
	return s.renderPassword(c, http.StatusOK, nil)
}

func (s *Server) renderPassword(c echo.Context, status int, errs []FieldError) error {
	pv := &passwordView{Forced: userOf(c).MustChangePassword, Fields: map[string]string{}}
	v := s.view(c, s.t(c, "password.title"), "", pv)
	v.Crumbs = append(v.Crumbs, Crumb{Label: v.Title})
	v.Errors = errs
	for _, e := range errs {
		pv.Fields[e.ID] = e.Message
	}
	return s.render(c, status, "password", v)
}

// passwordSubmit checks the current password and the new one (twice),
// stores its hash, ends every session of the user and starts a new one
// for this browser.
func (s *Server) passwordSubmit(c echo.Context) error {
	u := userOf(c)
	current, next, again := c.FormValue("current"), c.FormValue("new"), c.FormValue("confirm")
	// Wrong current passwords count like failed logins: a stolen session
	// cannot be used to guess the password.
	ip := c.RealIP()
	if s.limiter.blocked(u.Email, ip) {
		return &tooManyError{Message: s.t(c, "login.too_many")}
	}
	var errs []FieldError
	if !password.CheckPassword(u.PasswordHash, current) {
		s.limiter.fail(u.Email, ip)
		errs = append(errs, FieldError{ID: "current", Message: s.t(c, "password.wrong_current")})
	}
	if msg := s.checkNewPassword(c, next); msg != "" {
		errs = append(errs, FieldError{ID: "new", Message: msg})
	} else if next == current {
		errs = append(errs, FieldError{ID: "new", Message: s.t(c, "password.same")})
	}
	if next != again {
		errs = append(errs, FieldError{ID: "confirm", Message: s.t(c, "password.mismatch")})
	}
	if len(errs) > 0 {
		return s.renderPassword(c, http.StatusUnprocessableEntity, errs)
	}
	hash, err := password.HashPassword(next)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u.PasswordHash, u.MustChangePassword, u.PasswordChangedAt = hash, false, s.cfg.Now()
	if err := s.cfg.Users.UpdateUser(ctx, u); err != nil {
		return err
	}
	// Every session ends, this one included: the browser gets a new
	// session (new token, new CSRF token), so a stolen cookie dies here.
	if _, err := s.cfg.Sessions.DeleteUserSessions(ctx, u.ID, ""); err != nil {
		return err
	}
	sess, err := s.startSession(c, u)
	if err != nil {
		return err
	}
	c.Set(ctxSession, sess)
	s.audit(c, "user.password", "user:"+u.ID, "changed own password; every session renewed")
	return s.redirect(c, homePath, "ok.password")
}

// checkNewPassword returns why pw cannot be a password, or "".
func (s *Server) checkNewPassword(c echo.Context, pw string) string {
	switch {
	case utf8.RuneCountInString(pw) < minPasswordChars:
		return s.t(c, "password.too_short", minPasswordChars)
	case len(pw) > password.MaxBytes:
		return s.t(c, "password.too_long", password.MaxBytes)
	}
	return ""
}
