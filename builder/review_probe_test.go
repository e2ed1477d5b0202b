package builder_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
)

// TestBadInputNeverFails500 sends odd path parameters and form values to
// every staff route as an admin: each must answer with a page, never a 500.
func TestBadInputNeverFails500(t *testing.T) {
	e, _ := editorEnv(t)
	e.addUser(modulario.RoleAdmin, "capo@comune.example")
	c := e.login("capo@comune.example")
	slug := createForm(t, c, "Prova sonda")
	fieldPath := addField(t, c, slug, 0, formedit.TypeShortText, "Nome")
	params := map[string][]string{
		":slug":    {slug, "nessuno", "%00", "..%2F.."},
		":step":    {"0", "99", "-1", "abc", "99999999999999999999"},
		":rule":    {"0", "99", "-1", "x"},
		":n":       {"1", "0", "99", "-5", "x"},
		":id":      {"x", "%2e%2e"},
		":booking": {"x", "%00"},
		"*":        {fieldPath, "", "nessuno", "a/b/c", "0/99"},
	}
	values := []url.Values{
		{},
		{"title": {strings.Repeat("é", 5000)}, "label": {"\x00"}, "type": {"boh"}, "dir": {"su"},
			"step": {"-1"}, "to": {"99"}, "field": {"nessuno"}, "op": {"eq"}, "value": {"{"},
			"json": {"{"}, "definition": {"["}, "a": {"x"}, "b": {"-1"}, "action": {"boh"},
			"role": {"root"}, "email": {"not-an-email"}, "color": {"#zzz"}, "primary_color": {"rosso"},
			"min": {"abc"}, "max": {"-1e400"}, "maxLength": {"1e99"}, "options": {"\n\n"},
			"office": {"nessuno"}, "slug": {"../x"}, "new": {"x"}, "logo": {"nessuno"}},
	}
	n := 0
	for _, r := range e.srv.RouteTable() {
		if strings.HasSuffix(r.Path, "/logout") {
			continue
		}
		for _, path := range expand(r.Path, params) {
			for _, v := range values {
				var res *http.Response
				var body string
				if r.Method == http.MethodGet {
					res, body = c.get(path + "?" + v.Encode())
				} else {
					res, body = c.post(path, v)
				}
				n++
				if res.StatusCode >= 500 {
					if len(body) > 400 {
						body = body[:400]
					}
					t.Errorf("%s %s %v: %d %s", r.Method, path, v, res.StatusCode, body)
				}
			}
		}
	}
	if n < 200 {
		t.Fatalf("only %d probes sent", n)
	}
	t.Logf("%d probes", n)
}

// expand substitutes each parameter of path with every value given.
func expand(path string, params map[string][]string) []string {
	out := []string{path}
	for k, vals := range params {
		var next []string
		for _, p := range out {
			if !strings.Contains(p, k) {
				next = append(next, p)
				continue
			}
			for _, v := range vals {
				next = append(next, strings.Replace(p, k, v, 1))
			}
		}
		out = next
	}
	return out
}
