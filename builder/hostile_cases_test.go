package builder_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// loginWithNext signs the admin in from a fresh client, posting next as
// an attacker's link would carry it.
func loginWithNext(next string) func(*testing.T, *hostile) (*http.Response, string) {
	return func(t *testing.T, h *hostile) (*http.Response, string) {
		c := h.e.newClient()
		_, page := c.get("/admin/login?next=" + url.QueryEscape(next))
		if strings.Contains(page, "evil") {
			t.Errorf("the login page carries the hostile next %q", next)
		}
		m := loginTokenRe.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no login token")
		}
		return c.postForm("/admin/login", url.Values{"email": {"admin@comune.example"},
			"password": {testPassword}, "_login": {m[1]}, "next": {next}})
	}
}

// staysOnAdmin fails unless the redirect is a local /admin path.
func staysOnAdmin(t *testing.T, _ *hostile, res *http.Response) {
	loc := res.Header.Get("Location")
	u, err := url.Parse(loc)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(loc, "/admin") ||
		strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, "\\\t\r\n") {
		t.Errorf("login redirected to %q", loc)
	}
}

func redirectCases() []hostileCase {
	var cases []hostileCase
	for _, next := range []string{"//evil.example", "https://evil.example", "/\\evil.example", "%2F%2Fevil.example",
		"/admin\\@evil.example", "javascript:alert(1)//evil", "\t//evil.example"} {
		cases = append(cases, hostileCase{name: "open redirect/next=" + next, do: loginWithNext(next),
			status: http.StatusSeeOther, changes: true, after: staysOnAdmin})
	}
	return cases
}

// sessionCookieOf returns the staff session cookie c holds.
func sessionCookieOf(c *client) string {
	u, _ := url.Parse(c.base + "/admin")
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == "modulario_staff" {
			return ck.Value
		}
	}
	return ""
}

// plantAndLogin sets planted as the session cookie of a fresh client, signs
// the admin in, and checks that neither the cookie nor the planted value
// is the new session.
func plantAndLogin(planted func(t *testing.T, h *hostile) string) hostileCase {
	var value string
	var victim *client
	return hostileCase{status: http.StatusSeeOther, changes: true,
		do: func(t *testing.T, h *hostile) (*http.Response, string) {
			victim = h.e.newClient()
			_, page := victim.get("/admin/login")
			m := loginTokenRe.FindStringSubmatch(page)
			if m == nil {
				t.Fatal("no login token")
			}
			value = planted(t, h)
			u, _ := url.Parse(victim.base + "/admin")
			victim.c.Jar.SetCookies(u, []*http.Cookie{{Name: "modulario_staff", Value: value, Path: "/admin"}})
			return victim.postForm("/admin/login", url.Values{"email": {"admin@comune.example"},
				"password": {testPassword}, "_login": {m[1]}})
		},
		after: func(t *testing.T, h *hostile, _ *http.Response) {
			if got := sessionCookieOf(victim); got == "" || got == value {
				t.Fatalf("session after login = %q, the planted value was %q", got, value)
			}
			attacker := h.e.newClient()
			u, _ := url.Parse(attacker.base + "/admin")
			attacker.c.Jar.SetCookies(u, []*http.Cookie{{Name: "modulario_staff", Value: value, Path: "/admin"}})
			if res, _ := attacker.get("/admin"); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("the planted cookie opens /admin after the victim's login: %d", res.StatusCode)
			}
			if res, _ := victim.get("/admin"); res.StatusCode != http.StatusOK {
				t.Fatalf("the victim is not signed in: %d", res.StatusCode)
			}
		}}
}

func fixationCases() []hostileCase {
	chosen := plantAndLogin(func(*testing.T, *hostile) string { return "valore-scelto-dall-attaccante" })
	chosen.name = "session fixation/attacker-chosen value"
	own := plantAndLogin(func(t *testing.T, h *hostile) string {
		c := h.e.login("operatore@comune.example")
		return sessionCookieOf(c)
	})
	own.name = "session fixation/attacker's own live session"
	return []hostileCase{chosen, own}
}

// hideLength wraps a reader so that the request is sent chunked.
type hideLength struct{ io.Reader }

func sizeCases() []hostileCase {
	big := strings.Repeat("a", hostileMaxBody+1024)
	mb := strings.Repeat("a", 1<<20)
	mbWide := strings.Repeat("é", 1<<19) // 1 MB of UTF-8, 3 MB urlencoded
	jsonPath := func(h *hostile) string { return "/admin/moduli/" + h.slug + "/json" }
	return []hostileCase{
		{name: "size/form JSON over the body limit", status: http.StatusRequestEntityTooLarge,
			do: as(byEditor, withToken(byEditor, jsonPath, url.Values{"definition": {big}}))},
		{name: "size/form JSON over the body limit, chunked", status: http.StatusRequestEntityTooLarge,
			do: as(byEditor, func(h *hostile, t *testing.T) request {
				r := withToken(byEditor, jsonPath, url.Values{"definition": {big}})(h, t)
				inner := r.body
				r.body = func() io.Reader { return hideLength{inner()} }
				return r
			})},
		{name: "size/settings field of 1 MB", status: http.StatusUnprocessableEntity,
			do: as(byAdmin, withToken(byAdmin, func(*hostile) string { return "/admin/impostazioni" },
				url.Values{"site_name": {"Comune di Prova"}, "privacy_policy": {mb}}))},
		{name: "size/settings field of 1 MB of UTF-8", status: http.StatusRequestEntityTooLarge,
			do: as(byAdmin, withToken(byAdmin, func(*hostile) string { return "/admin/impostazioni" },
				url.Values{"site_name": {"Comune di Prova"}, "contacts": {mbWide}}))},
		{name: "size/footer link of 2 x 512 KB", status: http.StatusUnprocessableEntity,
			do: as(byAdmin, withToken(byAdmin, func(*hostile) string { return "/admin/impostazioni" },
				url.Values{"site_name": {"Comune di Prova"}, "link_label_0": {mb[:1<<19]}, "link_url_0": {"https://example.it/" + mb[:1<<19]}}))},
		{name: "size/settings name of 1 MB", status: http.StatusUnprocessableEntity,
			do: as(byAdmin, withToken(byAdmin, func(*hostile) string { return "/admin/impostazioni" },
				url.Values{"site_name": {mb}}))},
		{name: "size/form description of 1 MB", status: http.StatusUnprocessableEntity,
			do: as(byEditor, withToken(byEditor, func(h *hostile) string { return "/admin/moduli/" + h.slug + "/impostazioni" },
				url.Values{"title": {"Modulo bersaglio"}, "privacy": {"Informativa."}, "description": {mb}}))},
		{name: "size/page body of 1 MB", status: http.StatusUnprocessableEntity,
			do: as(byEditor, withToken(byEditor, func(h *hostile) string { return "/admin/pagine/" + h.page },
				url.Values{"title": {"Orari"}, "body": {mb}}))},
		{name: "size/password over the body limit", status: http.StatusRequestEntityTooLarge,
			do: func(t *testing.T, h *hostile) (*http.Response, string) {
				return h.e.newClient().tryLogin("admin@comune.example", big)
			}},
	}
}

// getAs is a GET of path by who.
func getAs(who func(*hostile) *client, path func(*hostile) string) func(*testing.T, *hostile) (*http.Response, string) {
	return func(_ *testing.T, h *hostile) (*http.Response, string) { return who(h).get(path(h)) }
}

func traversalCases() []hostileCase {
	field := func(p string) func(*hostile) string {
		return func(h *hostile) string { return "/admin/moduli/" + h.slug + "/campi/" + p }
	}
	static := func(p string) func(*hostile) string { return func(*hostile) string { return p } }
	var cases []hostileCase
	for _, p := range []string{"../../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/uffici",
		"nome/../../x", "%00", "properties/__proto__"} {
		cases = append(cases,
			hostileCase{name: "traversal/GET field " + p, status: http.StatusNotFound, do: getAs(byEditor, field(p))},
			hostileCase{name: "traversal/POST field " + p, status: http.StatusNotFound,
				do: as(byEditor, withToken(byEditor, field(p), url.Values{"label": {"Cambiata"}}))})
	}
	for _, p := range []string{"/admin/moduli/..%2F..%2Fetc/campi/nome", "/admin/moduli/%2e%2e/json"} {
		cases = append(cases, hostileCase{name: "traversal/GET " + p, status: http.StatusNotFound, do: getAs(byEditor, static(p))})
	}
	for _, id := range []string{"..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%00", "x%2F..%2F..%2Fusers"} {
		cases = append(cases, hostileCase{name: "traversal/delete media " + id, status: http.StatusNotFound,
			do: as(byEditor, withToken(byEditor, static("/admin/media/"+id+"/elimina"), nil))})
	}
	return cases
}

func roleCases() []hostileCase {
	type post struct {
		name string
		path func(*hostile) string
		v    url.Values
	}
	form := func(p string) func(*hostile) string {
		return func(h *hostile) string { return "/admin/moduli/" + h.slug + p }
	}
	static := func(p string) func(*hostile) string { return func(*hostile) string { return p } }
	var cases []hostileCase
	for _, p := range []post{
		{"create form", static("/admin/moduli/nuovo"), url.Values{"title": {"Modulo dell'operatore"}}},
		{"save form JSON", form("/json"), url.Values{"definition": {"{}"}}},
		{"save form settings", form("/impostazioni"), url.Values{"title": {"X"}, "privacy": {"Y"}}},
		{"add field", form("/campi"), url.Values{"step": {"0"}, "type": {"text"}, "label": {"X"}}},
		{"publish form", form("/pubblica"), nil},
		{"delete form", form("/elimina"), nil},
		{"add rule", form("/regole"), url.Values{"office": {"urp"}}},
		{"create page", static("/admin/pagine"), url.Values{"title": {"Pagina dell'operatore"}, "body": {"x"}}},
		{"save page", func(h *hostile) string { return "/admin/pagine/" + h.page }, url.Values{"title": {"X"}, "body": {"x"}}},
		{"create office", static("/admin/uffici"), url.Values{"slug": {"op"}, "name": {"Op"}}},
		{"save settings", static("/admin/impostazioni"), url.Values{"site_name": {"Comune dell'operatore"}}},
		{"create calendar", static("/admin/calendari/nuovo"), url.Values{"slug": {"op"}, "name": {"Op"}, "office": {"urp"},
			"kind": {"video"}, "hours_1": {"09:00-12:00"}, "slot_minutes": {"30"}, "capacity": {"1"}, "notice_hours": {"0"},
			"horizon_days": {"30"}, "change_hours": {"0"}}},
	} {
		p := p
		cases = append(cases, hostileCase{name: "role/operator " + p.name, status: http.StatusForbidden,
			do: as(byOperator, withToken(byOperator, p.path, p.v))})
	}
	cases = append(cases, hostileCase{name: "role/operator upload media", status: http.StatusForbidden,
		do: as(byOperator, func(h *hostile, t *testing.T) request {
			return mediaRequest(t, "/admin/media", url.Values{"alt": {"X"}, "_csrf": {h.operator.CSRF}}, nil)
		})})
	for _, p := range []post{
		{"create office", static("/admin/uffici"), url.Values{"slug": {"ed"}, "name": {"Ed"}}},
		{"save settings", static("/admin/impostazioni"), url.Values{"site_name": {"Comune del redattore"}}},
		{"delete user", func(h *hostile) string { return "/admin/utenti/" + h.user + "/elimina" }, nil},
	} {
		p := p
		cases = append(cases, hostileCase{name: "role/editor " + p.name, status: http.StatusForbidden,
			do: as(byEditor, withToken(byEditor, p.path, p.v))})
	}
	return cases
}
