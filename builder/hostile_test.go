package builder_test

// The staff-side section of the hostile-input corpus (issue 8): forged
// requests, open redirects, session fixation, oversized bodies, path
// traversal and role escalation, each with its status and the absence of
// side effects. XSS in editor text is in hostile_xss_test.go.

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder"
	"github.com/modulario/modulario/builder/formedit"
)

// hostileMaxBody is the body limit of the hostile environment.
const hostileMaxBody = 2 << 20

// hostile is a builder with an admin, an editor and an operator signed
// in, one draft form, one page and one account to delete.
type hostile struct {
	e                       *env
	admin, editor, operator *client
	slug, field, page, user string
}

func newHostile(t *testing.T) *hostile {
	t.Helper()
	e := newEnv(t, func(c *builder.Config) { c.MaxBodyBytes = hostileMaxBody })
	for _, o := range []*modulario.Office{{Slug: "acquedotto", Name: "Acquedotto"}, {Slug: "urp", Name: "URP"}} {
		if err := e.Offices.SaveOffice(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	e.addUser(modulario.RoleEditor, "redattore@comune.example")
	editor := e.login("redattore@comune.example")
	e.addUser(modulario.RoleAdmin, "admin@comune.example")
	e.addUser(modulario.RoleOperator, "operatore@comune.example", "urp")
	victim := e.addUser(modulario.RoleEditor, "vittima@comune.example")
	h := &hostile{e: e, editor: editor, admin: e.login("admin@comune.example"),
		operator: e.login("operatore@comune.example"), user: victim.ID, page: "orari"}
	h.slug = createForm(t, editor, "Modulo bersaglio")
	h.field = addField(t, editor, h.slug, 0, formedit.TypeShortText, "Nome")
	res, body := editor.post("/admin/pagine", url.Values{"title": {"Orari"}, "slug": {h.page}, "body": {"Aperto."}})
	wantStatus(t, "create page", res, body, http.StatusSeeOther)
	return h
}

// snapshot is every stored thing a staff request may change, as JSON:
// offices, users, settings, forms with their versions, pages, media and
// the newest audit entry.
func (h *hostile) snapshot(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	e := h.e
	state := map[string]any{}
	var err error
	keep := func(name string, v any, e error) {
		if e != nil && err == nil {
			err = e
		}
		state[name] = v
	}
	offices, err1 := e.Offices.ListOffices(ctx)
	keep("offices", offices, err1)
	users, err2 := e.Users.ListUsers(ctx, modulario.UserFilter{})
	keep("users", users, err2)
	settings, err3 := e.Settings.Settings(ctx)
	keep("settings", settings, err3)
	forms, err4 := e.Forms.ListForms(ctx, modulario.FormFilter{})
	keep("forms", forms, err4)
	for _, f := range forms {
		v, errV := e.Forms.ListVersions(ctx, f.Slug)
		keep("versions:"+f.Slug, v, errV)
	}
	pages, err5 := e.Pages.ListPages(ctx, modulario.PageFilter{})
	keep("pages", pages, err5)
	media, err6 := e.Media.ListMedia(ctx)
	keep("media", media, err6)
	calendars, err8 := e.Calendars.ListCalendars(ctx)
	keep("calendars", calendars, err8)
	audit, err7 := e.Audit.ListAudit(ctx, modulario.AuditFilter{Limit: 1})
	keep("audit", audit, err7)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// request is one raw request of a client: body, content type and extra
// headers as given, no token added.
type request struct {
	method, path, ctype string
	body                func() io.Reader
	header              map[string]string
}

// send performs r with c's cookies.
func (c *client) send(r request) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if r.body != nil {
		body = r.body()
	}
	req, err := http.NewRequest(r.method, c.base+r.path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// formRequest is a urlencoded POST of v.
func formRequest(path string, v url.Values, header map[string]string) request {
	enc := v.Encode()
	return request{method: http.MethodPost, path: path, ctype: "application/x-www-form-urlencoded",
		body: func() io.Reader { return strings.NewReader(enc) }, header: header}
}

// pngBytes is a small valid PNG.
func pngBytes(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// mediaRequest is a multipart image upload with the given fields.
func mediaRequest(t *testing.T, path string, fields url.Values, header map[string]string) request {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile("immagine", "foto.png")
	_, _ = fw.Write(pngBytes(t))
	_ = w.Close()
	data := buf.Bytes()
	return request{method: http.MethodPost, path: path, ctype: w.FormDataContentType(),
		body: func() io.Reader { return bytes.NewReader(data) }, header: header}
}

// csrfTarget is one state-changing staff action.
type csrfTarget struct {
	name      string
	path      string
	values    func(h *hostile) url.Values
	multipart bool
}

func csrfTargets(h *hostile) []csrfTarget {
	vals := func(v url.Values) func(*hostile) url.Values { return func(*hostile) url.Values { return v } }
	return []csrfTarget{
		{"create office", "/admin/uffici", vals(url.Values{"slug": {"falso"}, "name": {"Ufficio falso"}}), false},
		{"save settings", "/admin/impostazioni", vals(url.Values{"site_name": {"Comune falso"}}), false},
		{"publish form", "/admin/moduli/" + h.slug + "/pubblica", vals(url.Values{}), false},
		{"save form JSON", "/admin/moduli/" + h.slug + "/json", func(h *hostile) url.Values {
			def := strings.Replace(string(draftDoc(h.e.t, h.e, h.slug).JSON()), "Modulo bersaglio", "Modulo falso", 1)
			return url.Values{"definition": {def}}
		}, false},
		{"delete user", "/admin/utenti/" + h.user + "/elimina", vals(url.Values{}), false},
		{"upload media", "/admin/media", vals(url.Values{"alt": {"Immagine falsa"}}), true},
		{"save page", "/admin/pagine/" + h.page, vals(url.Values{"title": {"Falso"}, "body": {"Falso."}}), false},
		{"create calendar", "/admin/calendari/nuovo", vals(url.Values{"slug": {"falso"}, "name": {"Calendario falso"},
			"office": {"urp"}, "kind": {"video"}, "hours_1": {"09:00-12:00"}, "slot_minutes": {"30"}, "capacity": {"1"},
			"notice_hours": {"0"}, "horizon_days": {"30"}, "change_hours": {"0"}}), false},
		{"logout", "/admin/logout", vals(url.Values{}), false},
	}
}

// csrfAttack turns a target into a forged request from the admin's browser.
type csrfAttack struct {
	name  string
	build func(h *hostile, t *testing.T, tg csrfTarget) request
}

func csrfAttacks() []csrfAttack {
	forge := func(tokenOf func(h *hostile) string, inQuery bool, header map[string]string) func(*hostile, *testing.T, csrfTarget) request {
		return func(h *hostile, t *testing.T, tg csrfTarget) request {
			v, path := tg.values(h), tg.path
			if tok := tokenOf(h); tok != "" && inQuery {
				path += "?_csrf=" + url.QueryEscape(tok)
			} else if tok != "" {
				v.Set("_csrf", tok)
			}
			if tg.multipart {
				return mediaRequest(t, path, v, header)
			}
			return formRequest(path, v, header)
		}
	}
	none := func(*hostile) string { return "" }
	own := func(h *hostile) string { return h.admin.CSRF }
	other := func(h *hostile) string { return h.editor.CSRF }
	return []csrfAttack{
		{"no token", forge(none, false, nil)},
		{"another session's token", forge(other, false, nil)},
		{"token in query only", forge(own, true, nil)},
		{"Sec-Fetch-Site cross-site", forge(own, false, map[string]string{"Sec-Fetch-Site": "cross-site"})},
		{"Sec-Fetch-Site same-site", forge(own, false, map[string]string{"Sec-Fetch-Site": "same-site"})},
		{"Origin of another site", forge(own, false, map[string]string{"Origin": "https://evil.example"})},
		{"Origin null", forge(own, false, map[string]string{"Origin": "null"})},
	}
}

// hostileCase is one hostile request: the status it must get and, unless
// changes is set, no change to the store (snapshot) and no audit entry.
type hostileCase struct {
	name    string
	do      func(t *testing.T, h *hostile) (*http.Response, string)
	status  int
	changes bool
	// after, when set, checks more (a redirect target, a cookie).
	after func(t *testing.T, h *hostile, res *http.Response)
}

// as sends r as the client chosen by who.
func as(who func(*hostile) *client, r func(*hostile, *testing.T) request) func(*testing.T, *hostile) (*http.Response, string) {
	return func(t *testing.T, h *hostile) (*http.Response, string) { return who(h).send(r(h, t)) }
}

func byAdmin(h *hostile) *client    { return h.admin }
func byEditor(h *hostile) *client   { return h.editor }
func byOperator(h *hostile) *client { return h.operator }

// withToken is a urlencoded POST of v with c's own token.
func withToken(who func(*hostile) *client, path func(*hostile) string, v url.Values) func(*hostile, *testing.T) request {
	return func(h *hostile, _ *testing.T) request {
		v2 := url.Values{}
		for k, vs := range v {
			v2[k] = vs
		}
		v2.Set("_csrf", who(h).CSRF)
		return formRequest(path(h), v2, nil)
	}
}

func TestHostileStaff(t *testing.T) {
	t.Parallel()
	h := newHostile(t)
	cases := csrfCases(h)
	cases = append(cases, redirectCases()...)
	cases = append(cases, fixationCases()...)
	cases = append(cases, sizeCases()...)
	cases = append(cases, traversalCases()...)
	cases = append(cases, roleCases()...)
	t.Logf("%d hostile staff cases", len(cases))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.e.t, h.admin.t, h.editor.t, h.operator.t = t, t, t, t
			before := h.snapshot(t)
			res, body := tc.do(t, h)
			if res.StatusCode != tc.status {
				if len(body) > 2000 {
					body = body[:2000]
				}
				t.Fatalf("status %d, want %d (Location %q)\n%s", res.StatusCode, tc.status, res.Header.Get("Location"), body)
			}
			if !tc.changes {
				if after := h.snapshot(t); after != before {
					t.Errorf("the store changed:\nbefore %s\nafter  %s", before, after)
				}
			}
			for _, c := range []*client{h.admin, h.editor, h.operator} {
				if r, _ := c.get("/admin"); r.StatusCode != http.StatusOK {
					t.Errorf("a staff session ended: GET /admin = %d", r.StatusCode)
				}
			}
			if tc.after != nil {
				tc.after(t, h, res)
			}
		})
	}
}

// csrfCases crosses every target with every forgery: all 403.
func csrfCases(h *hostile) []hostileCase {
	var cases []hostileCase
	for _, tg := range csrfTargets(h) {
		for _, a := range csrfAttacks() {
			tg, a := tg, a
			cases = append(cases, hostileCase{name: "csrf/" + tg.name + "/" + a.name, status: http.StatusForbidden,
				do: func(t *testing.T, h *hostile) (*http.Response, string) { return h.admin.send(a.build(h, t, tg)) }})
		}
	}
	return cases
}
