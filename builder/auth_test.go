package builder_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder"
)

func TestLoginHomeLogout(t *testing.T) {
	e := newEnv(t)
	e.addUser("admin", "admin@comune.example")
	c := e.login("admin@comune.example")
	res, body := c.get("/admin")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Benvenuto, Utente admin") {
		t.Fatalf("home: %d %s", res.StatusCode, body)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	res, _ = c.post("/admin/logout", nil)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/login") {
		t.Fatalf("logout: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = c.get("/admin")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/login") {
		t.Fatalf("after logout: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestLoginFailuresAndRateLimit(t *testing.T) {
	e := newEnv(t)
	e.addUser("editor", "ed@comune.example")
	c := e.newClient()
	res, body := c.tryLogin("ed@comune.example", "sbagliata-sbagliata")
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Indirizzo e-mail o password non corretti") {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	res, body2 := c.tryLogin("nessuno@comune.example", "sbagliata-sbagliata")
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body2, "Indirizzo e-mail o password non corretti") {
		t.Fatalf("unknown account: %d", res.StatusCode)
	}
	for i := 0; i < 4; i++ {
		c.tryLogin("ed@comune.example", "sbagliata-sbagliata")
	}
	// Five failures for this address: even the right password is refused now.
	res, body = c.tryLogin("ed@comune.example", testPassword)
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Troppi tentativi") {
		t.Fatalf("after 5 failures: %d", res.StatusCode)
	}
	e.clock.Advance(16 * time.Minute)
	if res, _ = c.tryLogin("ed@comune.example", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the window: %d", res.StatusCode)
	}
	entries, _ := e.Audit.ListAudit(context.Background(), modulario.AuditFilter{})
	var failed int
	for _, a := range entries {
		if a.Action == "auth.login_failed" {
			failed++
			if strings.Contains(a.Detail, "sbagliata") {
				t.Error("audit detail contains the password")
			}
		}
	}
	if failed < 6 {
		t.Errorf("login_failed entries = %d, want >= 6", failed)
	}
}

func TestLoginRateLimitPerIP(t *testing.T) {
	e := newEnv(t)
	c := e.newClient()
	for i := 0; i < 20; i++ {
		c.tryLogin(fmt.Sprintf("u%d@comune.example", i), "x")
	}
	if res, _ := c.tryLogin("altro@comune.example", "x"); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("21st failure from one IP: %d, want 429", res.StatusCode)
	}
}

func TestLoginNeedsTokenAndSameOrigin(t *testing.T) {
	e := newEnv(t)
	e.addUser("admin", "admin@comune.example")
	c := e.newClient()
	res, _ := c.postForm("/admin/login", url.Values{"email": {"admin@comune.example"}, "password": {testPassword}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("login without token: %d", res.StatusCode)
	}
	_, body := c.get("/admin/login")
	tok := loginTokenRe.FindStringSubmatch(body)[1]
	req, _ := http.NewRequest(http.MethodPost, c.base+"/admin/login", strings.NewReader(url.Values{
		"email": {"admin@comune.example"}, "password": {testPassword}, "_login": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site login: %d", res.StatusCode)
	}
}

func TestLoginRedirectsToNextAndNewSession(t *testing.T) {
	e := newEnv(t)
	e.addUser("admin", "admin@comune.example")
	c := e.newClient()
	res, _ := c.get("/admin/uffici")
	if loc := res.Header.Get("Location"); loc != "/admin/login?next=%2Fadmin%2Fuffici" {
		t.Fatalf("Location = %q", loc)
	}
	_, body := c.get("/admin/login?next=/admin/uffici")
	tok := loginTokenRe.FindStringSubmatch(body)[1]
	res, _ = c.postForm("/admin/login", url.Values{"email": {"ADMIN@comune.example "}, "password": {testPassword},
		"_login": {tok}, "next": {"/admin/uffici"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/uffici" {
		t.Fatalf("login: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "modulario_staff" {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.Path != "/admin" || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie = %+v", cookie)
	}
	// Only the hash of the token is stored.
	if _, err := e.Sessions.FindSession(context.Background(), cookie.Value, e.clock.Now()); err == nil {
		t.Error("the raw cookie token finds a session")
	}
	// An offsite next is ignored.
	c2 := e.newClient()
	_, body = c2.get("/admin/login")
	tok = loginTokenRe.FindStringSubmatch(body)[1]
	res, _ = c2.postForm("/admin/login", url.Values{"email": {"admin@comune.example"}, "password": {testPassword},
		"_login": {tok}, "next": {"//evil.example/admin"}})
	if res.Header.Get("Location") != "/admin" {
		t.Fatalf("offsite next: Location %q", res.Header.Get("Location"))
	}
}

func TestSessionIdleAndAbsoluteExpiry(t *testing.T) {
	e := newEnv(t)
	e.addUser("admin", "admin@comune.example")
	c := e.login("admin@comune.example")
	e.clock.Advance(2*time.Hour + time.Minute)
	if res, _ := c.get("/admin"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after idle expiry: %d, want 303 to login", res.StatusCode)
	}
	c = e.login("admin@comune.example")
	// Used every hour the session stays alive, but never past 12 hours.
	for h := 1; h < 12; h++ {
		e.clock.Advance(time.Hour)
		if res, _ := c.get("/admin"); res.StatusCode != http.StatusOK {
			t.Fatalf("hour %d: %d", h, res.StatusCode)
		}
	}
	e.clock.Advance(time.Hour)
	if res, _ := c.get("/admin"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after absolute expiry: %d", res.StatusCode)
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	e := newEnv(t)
	e.addUser("editor", "ed@comune.example")
	a := e.login("ed@comune.example")
	b := e.login("ed@comune.example")
	res, body := a.post("/admin/password", url.Values{"current": {"sbagliata"}, "new": {"corta"}, "confirm": {"diversa"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "La password attuale non è corretta") ||
		!strings.Contains(body, "almeno 12 caratteri") || !strings.Contains(body, "non coincidono") {
		t.Fatalf("bad change: %d %s", res.StatusCode, body)
	}
	newPw := "una-nuova-password-lunga"
	oldCookie, oldCSRF := sessionCookieOf(a), a.CSRF
	res, _ = a.post("/admin/password", url.Values{"current": {testPassword}, "new": {newPw}, "confirm": {newPw}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", res.StatusCode)
	}
	if res, _ := a.get("/admin"); res.StatusCode != http.StatusOK {
		t.Errorf("own session after change: %d", res.StatusCode)
	}
	if got := sessionCookieOf(a); got == "" || got == oldCookie {
		t.Errorf("session cookie not renewed by the password change")
	}
	a.refreshCSRF()
	if a.CSRF == oldCSRF {
		t.Errorf("CSRF token not renewed by the password change")
	}
	thief := e.newClient()
	u, _ := url.Parse(thief.base + "/admin")
	thief.c.Jar.SetCookies(u, []*http.Cookie{{Name: "modulario_staff", Value: oldCookie, Path: "/admin"}})
	if res, _ := thief.get("/admin"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the old cookie still opens /admin: %d", res.StatusCode)
	}
	if res, _ := b.get("/admin"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("other session after change: %d, want 303", res.StatusCode)
	}
	if res, _ := e.newClient().tryLogin("ed@comune.example", newPw); res.StatusCode != http.StatusSeeOther {
		t.Errorf("login with new password: %d", res.StatusCode)
	}
}

func TestMustChangePasswordIsForced(t *testing.T) {
	e := newEnv(t)
	u := e.addUser("editor", "ed@comune.example")
	u.MustChangePassword = true
	if err := e.Users.UpdateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	c := e.newClient()
	res, _ := c.tryLogin("ed@comune.example", testPassword)
	if res.Header.Get("Location") != "/admin/password" {
		t.Fatalf("login: Location %q", res.Header.Get("Location"))
	}
	res, _ = c.get("/admin")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/password" {
		t.Fatalf("home while forced: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := c.get("/admin/password")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "password temporanea") {
		t.Fatalf("password page: %d", res.StatusCode)
	}
}

func TestCSRFRejected(t *testing.T) {
	e := newEnv(t)
	e.addUser("admin", "admin@comune.example")
	c := e.login("admin@comune.example")
	form := url.Values{"slug": {"anagrafe"}, "name": {"Anagrafe"}}
	for name, tok := range map[string]string{"missing": "", "wrong": "x" + c.CSRF[1:]} {
		v := url.Values{"slug": form["slug"], "name": form["name"]}
		if tok != "" {
			v.Set("_csrf", tok)
		}
		res, body := c.postForm("/admin/uffici", v)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "La richiesta non è valida") {
			t.Errorf("%s token: %d", name, res.StatusCode)
		}
	}
	if _, err := e.Offices.FindOffice(context.Background(), "anagrafe"); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Fatalf("office created despite CSRF failure: %v", err)
	}
	// The header works as well as the field, but not from another site.
	req, _ := http.NewRequest(http.MethodPost, c.base+"/admin/uffici", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", c.CSRF)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site with token: %d", res.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodPost, c.base+"/admin/uffici", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", c.CSRF)
	if res, err = c.c.Do(req); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("header token: %d", res.StatusCode)
	}
}

func TestSecureCookieAndErrorPages(t *testing.T) {
	e := newEnv(t, func(cfg *builder.Config) { cfg.BaseURL = "https://moduli.comune.example" })
	e.addUser("admin", "admin@comune.example")
	c := e.newClient()
	_, body := c.get("/admin/login")
	tok := loginTokenRe.FindStringSubmatch(body)[1]
	res, _ := c.postForm("/admin/login", url.Values{"email": {"admin@comune.example"}, "password": {testPassword}, "_login": {tok}})
	var secure bool
	for _, ck := range res.Cookies() {
		if ck.Name == "modulario_staff" {
			secure = ck.Secure
		}
	}
	if !secure {
		t.Error("session cookie not Secure behind https")
	}
	e2 := newEnv(t)
	e2.addUser("admin", "admin@comune.example")
	c = e2.login("admin@comune.example")
	res, body = c.get("/admin/non-esiste")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "Pagina non trovata") {
		t.Errorf("404 page: %d", res.StatusCode)
	}
	res, _ = c.do(http.MethodHead, "/admin/utenti", nil, "")
	if res.StatusCode != http.StatusOK {
		t.Errorf("HEAD: %d", res.StatusCode)
	}
	if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("headers: %v", res.Header)
	}
}

// TestPasswordChangeIsRateLimited: wrong current passwords on the change
// form count like failed logins.
func TestPasswordChangeIsRateLimited(t *testing.T) {
	e := newEnv(t)
	e.addUser("editor", "ed@comune.example")
	a := e.login("ed@comune.example")
	newPw := "una-nuova-password-lunga"
	for i := range 5 {
		res, _ := a.post("/admin/password", url.Values{"current": {"tentativo-" + strconv.Itoa(i)}, "new": {newPw}, "confirm": {newPw}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("guess %d: %d, want 422", i, res.StatusCode)
		}
	}
	res, _ := a.post("/admin/password", url.Values{"current": {testPassword}, "new": {newPw}, "confirm": {newPw}})
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 5 guesses, even the right password: %d, want 429", res.StatusCode)
	}
	e.clock.Advance(16 * time.Minute)
	res, _ = a.post("/admin/password", url.Values{"current": {testPassword}, "new": {newPw}, "confirm": {newPw}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the window: %d, want 303", res.StatusCode)
	}
}
