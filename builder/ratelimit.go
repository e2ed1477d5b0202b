package builder

import (
	"sync"
	"time"
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

// loginLimiter counts failed logins in memory. It is per process: enough
// for the one-binary deployment; restarts forget counts.
type loginLimiter struct {
	mu       sync.Mutex
	now      func() time.Time
	failures map[string][]time.Time
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, failures: map[string][]time.Time{}}
}

// blocked reports whether either key has reached its limit in the window.
func (l *loginLimiter) blocked(email, ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.recent("e:"+email) >= maxFailuresEmail || l.recent("i:"+ip) >= maxFailuresIP
}

// fail records a failed attempt for both keys.
func (l *loginLimiter) fail(email, ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) > maxLimiterKeys {
		l.prune()
	}
	now := l.now()
	for _, k := range []string{"e:" + email, "i:" + ip} {
		l.recent(k)
		l.failures[k] = append(l.failures[k], now)
	}
}

// reset forgets the failures of an e-mail address after a good login.
func (l *loginLimiter) reset(email string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, "e:"+email)
}

// recent drops failures older than the window and counts the rest.
func (l *loginLimiter) recent(key string) int {
	cutoff := l.now().Add(-loginWindow)
	ts := l.failures[key]
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	if i == len(ts) {
		delete(l.failures, key)
		return 0
	}
	l.failures[key] = ts[i:]
	return len(ts) - i
}

// prune drops every key without recent failures.
func (l *loginLimiter) prune() {
	for k := range l.failures {
		l.recent(k)
	}
}
