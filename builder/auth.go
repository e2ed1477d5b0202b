package builder

import (
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/password"
)

// Paths of the core routes other code refers to.
const (
	homePath     = "/admin"
	loginPath    = "/admin/login"
	logoutPath   = "/admin/logout"
	passwordPath = "/admin/password"
)

// loginCookie carries the login form's anti-forgery token (double submit):
// there is no session yet to hold it.
const loginCookie = "modulario_login"

// coreRoutes registers sign-in, the home page and the admin screens.
func (s *Server) coreRoutes() {
	s.public(http.MethodGet, loginPath, s.loginPage)
	s.public(http.MethodPost, loginPath, s.loginSubmit)
	s.route(http.MethodPost, logoutPath, s.logout)
	s.route(http.MethodGet, passwordPath, s.passwordPage)
	s.route(http.MethodPost, passwordPath, s.passwordSubmit)
	s.route(http.MethodGet, homePath, s.home)
	s.route(http.MethodGet, homePath+"/", s.home)
	s.userRoutes()
	s.officeRoutes()
	s.settingsRoutes()
	s.auditRoutes()
}

// loginView is the data of the login page.
type loginView struct {
	Email string
	Token string
	Next  string
	Error string
}

// loginPage shows the sign-in form with a fresh login token.
func (s *Server) loginPage(c echo.Context) error {
	if userOf(c) != nil {
		return c.Redirect(http.StatusSeeOther, homePath)
	}
	return s.renderLogin(c, http.StatusOK, &loginView{Next: safeNext(c.QueryParam("next"))})
}

// renderLogin renders the login page, setting a new login token.
func (s *Server) renderLogin(c echo.Context, status int, lv *loginView) error {
	lv.Token = randomToken(24)
	c.SetCookie(&http.Cookie{Name: loginCookie, Value: lv.Token, Path: loginPath, HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteStrictMode})
	v := s.view(c, s.t(c, "login.title"), "", lv)
	v.Crumbs = nil
	if lv.Error != "" {
		v.Errors = []FieldError{{ID: "email", Message: lv.Error}}
	}
	return s.render(c, status, "login", v)
}

// loginSubmit checks the credentials and starts a new session. Unknown
// accounts, disabled ones and wrong passwords get the same answer, after a
// password check of about the same cost.
func (s *Server) loginSubmit(c echo.Context) error {
	if crossSite(c) {
		return s.csrfError(c)
	}
	ck, err := c.Cookie(loginCookie)
	if err != nil || !tokensEqual(c.FormValue("_login"), ck.Value) {
		return s.csrfError(c)
	}
	email := strings.ToLower(strings.TrimSpace(c.FormValue("email")))
	pw := c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	ip := c.RealIP()
	if s.limiter.blocked(email, ip) {
		return &tooManyError{Message: s.t(c, "login.too_many")}
	}
	ctx := c.Request().Context()
	u, err := s.cfg.Users.FindUserByEmail(ctx, email)
	if err != nil && modulario.ErrorCode(err) != modulario.ENOTFOUND {
		return err
	}
	if u == nil || u.Disabled || email == "" {
		password.CheckPassword(dummyHash(), pw)
		return s.loginFailed(c, email, ip, "", "unknown or disabled account")
	}
	if !password.CheckPassword(u.PasswordHash, pw) {
		return s.loginFailed(c, email, ip, u.ID, "wrong password")
	}
	s.limiter.reset(email)
	if old := sessionOf(c); old != nil {
		_ = s.cfg.Sessions.DeleteSession(ctx, old.ID)
	}
	sess, err := s.startSession(c, u)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	u.LastLoginAt = &now
	if err := s.cfg.Users.UpdateUser(modulario.NewContextWithActor(ctx, u.ID), u); err != nil {
		s.cfg.Logger.WarnContext(ctx, "record last login", "err", err)
	}
	c.Set(ctxUser, u)
	c.Set(ctxSession, sess)
	c.SetCookie(&http.Cookie{Name: loginCookie, Path: loginPath, MaxAge: -1, HttpOnly: true, Secure: s.secure})
	s.audit(c, "auth.login", "user:"+u.ID, "signed in")
	switch {
	case u.MustChangePassword:
		next = passwordPath
	case next == "":
		next = homePath
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// loginFailed counts and audits a failed login and shows the form again.
func (s *Server) loginFailed(c echo.Context, email, ip, userID, why string) error {
	s.limiter.fail(email, ip)
	target := "user:" + userID
	if userID == "" {
		target = "email:" + truncate(email, 254)
	}
	s.audit(c, "auth.login_failed", target, why)
	lv := &loginView{Email: email, Next: safeNext(c.FormValue("next")), Error: s.t(c, "login.failed")}
	return s.renderLogin(c, http.StatusUnauthorized, lv)
}

// logout deletes the session and its cookie.
func (s *Server) logout(c echo.Context) error {
	if sess := sessionOf(c); sess != nil {
		if err := s.cfg.Sessions.DeleteSession(c.Request().Context(), sess.ID); err != nil {
			return err
		}
	}
	s.audit(c, "auth.logout", "user:"+userOf(c).ID, "signed out")
	s.setSessionCookie(c, "", s.cfg.Now())
	return s.redirect(c, loginPath, "ok.logout")
}

var (
	dummyOnce sync.Once
	dummy     string
)

// dummyHash is a hash of a random password, checked for unknown accounts
// so that they take as long as known ones.
func dummyHash() string {
	dummyOnce.Do(func() {
		h, err := password.HashPassword(randomToken(16))
		if err == nil {
			dummy = h
		}
	})
	return dummy
}

// safeNext returns p if it is a local /admin path, else "".
func safeNext(p string) string {
	if !strings.HasPrefix(p, "/admin") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
		return ""
	}
	if strings.HasPrefix(p, loginPath) || strings.HasPrefix(p, logoutPath) {
		return ""
	}
	return p
}

// urlQueryEscape escapes a query value.
func urlQueryEscape(v string) string { return url.QueryEscape(v) }
