package builder

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// sessionCookie carries the random session token; only its SHA-256 is stored.
const sessionCookie = "modulario_staff"

// touchEvery limits how often a used session is written back.
const touchEvery = time.Minute

// randomToken returns n random bytes, URL-safe base64.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("builder: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionID is the stored ID of a cookie token.
func sessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// expiry is the idle expiry of a session used at now, never past its
// absolute lifetime.
func (s *Server) expiry(created, now time.Time) time.Time {
	idle, max := now.Add(s.cfg.SessionIdle), created.Add(s.cfg.SessionMax)
	if idle.After(max) {
		return max
	}
	return idle
}

// startSession creates a new session for u (a fresh token on every login,
// so no fixation) and sets its cookie.
func (s *Server) startSession(c echo.Context, u *modulario.User) (*modulario.Session, error) {
	token := randomToken(32)
	now := s.cfg.Now()
	sess := &modulario.Session{
		ID: sessionID(token), UserID: u.ID, CSRF: randomToken(32),
		CreatedAt: now, LastSeenAt: now, ExpiresAt: s.expiry(now, now),
		UserAgent: truncate(c.Request().UserAgent(), 200),
	}
	if err := s.cfg.Sessions.CreateSession(c.Request().Context(), sess); err != nil {
		return nil, err
	}
	s.setSessionCookie(c, token, sess.ExpiresAt)
	return sess, nil
}

// setSessionCookie writes (or, with an empty token, clears) the cookie.
// It lives as long as the browser: the server decides expiry.
func (s *Server) setSessionCookie(c echo.Context, token string, _ time.Time) {
	ck := &http.Cookie{Name: sessionCookie, Value: token, Path: "/admin", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode}
	if token == "" {
		ck.MaxAge = -1
	}
	c.SetCookie(ck)
}

// loadSession finds the session named by the cookie, checks both expiries,
// renews it at most once a minute, and puts the user and the actor in the
// request. A bad or expired cookie is cleared and the request goes on
// signed out.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(sessionCookie)
		if err != nil || ck.Value == "" {
			return next(c)
		}
		sess, u := s.findSession(c, ck.Value)
		if sess == nil {
			s.setSessionCookie(c, "", time.Time{})
			return next(c)
		}
		c.Set(ctxSession, sess)
		c.Set(ctxUser, u)
		r := c.Request()
		c.SetRequest(r.WithContext(modulario.NewContextWithActor(r.Context(), u.ID)))
		return next(c)
	}
}

// findSession returns the live session of token and its enabled user, or nils.
func (s *Server) findSession(c echo.Context, token string) (*modulario.Session, *modulario.User) {
	ctx := c.Request().Context()
	now := s.cfg.Now()
	sess, err := s.cfg.Sessions.FindSession(ctx, sessionID(token), now)
	if err != nil {
		if modulario.ErrorCode(err) != modulario.ENOTFOUND {
			s.cfg.Logger.ErrorContext(ctx, "find session", "err", err)
		}
		return nil, nil
	}
	if !now.Before(sess.CreatedAt.Add(s.cfg.SessionMax)) || !now.Before(sess.ExpiresAt) {
		_ = s.cfg.Sessions.DeleteSession(ctx, sess.ID)
		return nil, nil
	}
	u, err := s.cfg.Users.FindUser(ctx, sess.UserID)
	if err != nil || u.Disabled {
		_ = s.cfg.Sessions.DeleteSession(ctx, sess.ID)
		return nil, nil
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		exp := s.expiry(sess.CreatedAt, now)
		if err := s.cfg.Sessions.TouchSession(ctx, sess.ID, now, exp); err == nil {
			sess.LastSeenAt, sess.ExpiresAt = now, exp
		}
	}
	return sess, u
}

// truncate shortens s to at most n bytes.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
