package builder_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder"
)

// paramRE matches route parameters (:slug) and wildcards (*).
var paramRE = regexp.MustCompile(`:[A-Za-z_]+|\*`)

// allowed mirrors the rule the table records: no roles = anyone signed
// in, admin passes everything.
func allowed(role modulario.Role, roles []modulario.Role) bool {
	if len(roles) == 0 || role == modulario.RoleAdmin {
		return true
	}
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}

// TestRoleMatrix walks every staff route registered by any area (forms
// and pages included) as anonymous, operator, editor and admin.
func TestRoleMatrix(t *testing.T) {
	e := newEnv(t)
	e.addUser(modulario.RoleAdmin, "admin@comune.example")
	e.addUser(modulario.RoleEditor, "ed@comune.example")
	e.addUser(modulario.RoleOperator, "op@comune.example")
	table := e.srv.RouteTable()
	if len(table) < 20 {
		t.Fatalf("only %d routes in the table", len(table))
	}
	anon := e.newClient()
	clients := map[modulario.Role]*client{
		modulario.RoleOperator: e.login("op@comune.example"),
		modulario.RoleEditor:   e.login("ed@comune.example"),
		modulario.RoleAdmin:    e.login("admin@comune.example"),
	}
	emails := map[modulario.Role]string{modulario.RoleOperator: "op@comune.example",
		modulario.RoleEditor: "ed@comune.example", modulario.RoleAdmin: "admin@comune.example"}
	for _, r := range table {
		path := paramRE.ReplaceAllString(r.Path, "x")
		res, _ := anon.do(r.Method, path, strings.NewReader(""), "application/x-www-form-urlencoded")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/login") {
			t.Errorf("anonymous %s %s: %d %q, want 303 to login", r.Method, r.Path, res.StatusCode, res.Header.Get("Location"))
		}
		for role, c := range clients {
			status := matrixRequest(c, r, path)
			switch ok := allowed(role, r.Roles); {
			case !ok && status != http.StatusForbidden:
				t.Errorf("%s %s %s: %d, want 403", role, r.Method, r.Path, status)
			case ok && (status == http.StatusForbidden || status == http.StatusUnauthorized || status >= 500):
				t.Errorf("%s %s %s: %d, want allowed", role, r.Method, r.Path, status)
			}
			if r.Path == "/admin/logout" && r.Method == http.MethodPost {
				clients[role] = e.login(emails[role])
			}
		}
	}
}

// matrixRequest sends one request of the matrix and returns its status;
// a redirect to the login page counts as 401.
func matrixRequest(c *client, r builder.RouteEntry, path string) int {
	var res *http.Response
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		res, _ = c.do(r.Method, path, nil, "")
	} else {
		res, _ = c.do(r.Method, path, strings.NewReader("_csrf="+c.CSRF), "application/x-www-form-urlencoded")
	}
	if res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/admin/login") &&
		!strings.HasSuffix(r.Path, "/logout") {
		return http.StatusUnauthorized
	}
	return res.StatusCode
}

func TestNavShowsOnlyAllowedAreas(t *testing.T) {
	e := newEnv(t)
	e.addUser(modulario.RoleOperator, "op@comune.example")
	e.addUser(modulario.RoleAdmin, "admin@comune.example")
	_, body := e.login("op@comune.example").get("/admin")
	for _, hidden := range []string{`href="/admin/utenti"`, `href="/admin/moduli"`, `href="/admin/impostazioni"`} {
		if strings.Contains(body, hidden) {
			t.Errorf("operator home links to %s", hidden)
		}
	}
	_, body = e.login("admin@comune.example").get("/admin")
	for _, shown := range []string{`href="/admin/utenti"`, `href="/admin/moduli"`, `href="/admin/registro"`} {
		if !strings.Contains(body, shown) {
			t.Errorf("admin home lacks %s", shown)
		}
	}
}

func TestCanSeeOffice(t *testing.T) {
	admin := &modulario.User{Role: modulario.RoleAdmin}
	op := &modulario.User{Role: modulario.RoleOperator, Offices: []string{"anagrafe"}}
	ed := &modulario.User{Role: modulario.RoleEditor, Offices: []string{"urp"}}
	cases := []struct {
		u    *modulario.User
		slug string
		want bool
	}{
		{admin, "anagrafe", true}, {admin, "qualsiasi", true},
		{op, "anagrafe", true}, {op, "urp", false},
		{ed, "urp", true}, {ed, "anagrafe", false}, {nil, "urp", false},
	}
	for _, tc := range cases {
		if got := builder.CanSeeOffice(tc.u, tc.slug); got != tc.want {
			t.Errorf("canSeeOffice(%v, %s) = %v, want %v", tc.u, tc.slug, got, tc.want)
		}
	}
}
