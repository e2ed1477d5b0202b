package builder

import (
	"time"

	"github.com/modulario/modulario/web"
)

// Login rate limits: failures counted per e-mail address and per client IP
// over a sliding window.
const (
	loginWindow      = 15 * time.Minute
	maxFailuresEmail = 5
	maxFailuresIP    = 20
	// maxLimiterKeys bounds memory under a flood of distinct keys.
	maxLimiterKeys = 100000
)

// loginLimiter counts failed logins in memory (web.Window).
type loginLimiter struct {
	now      func() time.Time
	failures *web.Window
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, failures: web.NewWindow(loginWindow, maxLimiterKeys)}
}

// blocked reports whether either key has reached its limit in the window.
func (l *loginLimiter) blocked(email, ip string) bool {
	now := l.now()
	return l.failures.Count("e:"+email, now) >= maxFailuresEmail || l.failures.Count("i:"+ip, now) >= maxFailuresIP
}

// fail records a failed attempt for both keys.
func (l *loginLimiter) fail(email, ip string) {
	l.failures.Add(l.now(), "e:"+email, "i:"+ip)
}

// reset forgets the failures of an e-mail address after a good login.
func (l *loginLimiter) reset(email string) {
	l.failures.Reset("e:" + email)
}
