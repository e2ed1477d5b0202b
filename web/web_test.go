package web_test

import (
	"bytes"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/web"
)

func TestParsePages(t *testing.T) {
	fsys := fstest.MapFS{
		"admin/layout.html": {Data: []byte(`{{define "layout"}}<main>{{template "content" .}}</main>{{end}}`)},
		"admin/users.html":  {Data: []byte(`{{define "content"}}{{up .}}{{end}}`)},
		"admin/forms.html":  {Data: []byte(`{{define "content"}}forms{{end}}`)},
	}
	funcs := template.FuncMap{"up": strings.ToUpper}
	pages, err := web.ParsePages(fsys, "admin/*.html", []string{"admin/layout.html"}, funcs)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := pages["layout"]; ok {
		t.Error("the shared layout was parsed as a page")
	}
	for name, want := range map[string]string{"users": "<main>ANNA</main>", "forms": "<main>forms</main>"} {
		var b bytes.Buffer
		if err := pages[name].ExecuteTemplate(&b, "layout", "anna"); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b.String() != want {
			t.Errorf("%s = %q, want %q", name, b.String(), want)
		}
	}
	if pages[web.BaseTemplate] == nil {
		t.Error("no base template")
	}
	fsys["admin/broken.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{end`)}
	if _, err := web.ParsePages(fsys, "admin/*.html", []string{"admin/layout.html"}, funcs); err == nil || !strings.Contains(err.Error(), "admin/broken.html") {
		t.Errorf("broken page: err = %v, want one naming the file", err)
	}
}

func TestStatus(t *testing.T) {
	for code, want := range map[string]int{
		modulario.EINVALID: 422, modulario.ENOTFOUND: 404, modulario.ECONFLICT: 409,
		modulario.ETOOLARGE: 413, modulario.EUNSUPPORTED: 415, modulario.EGONE: 410,
		modulario.EUNAUTHORIZED: 401, modulario.EFORBIDDEN: 403, modulario.EUNAVAILABLE: 503,
	} {
		if got, ok := web.Status(code); !ok || got != want {
			t.Errorf("Status(%s) = %d, %v; want %d", code, got, ok, want)
		}
	}
	for _, code := range []string{modulario.EINTERNAL, "", "EWHATEVER"} {
		if _, ok := web.Status(code); ok {
			t.Errorf("Status(%q) is known; want a 500", code)
		}
	}
}

func TestLimitBody(t *testing.T) {
	e := echo.New()
	read := func(c echo.Context) error {
		_, err := io.ReadAll(c.Request().Body)
		return err
	}
	h := web.LimitBody(8, func(echo.Context) string { return "troppo grande" })(read)
	run := func(body string, declared bool) error {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		if !declared {
			req.ContentLength = -1
		}
		return h(e.NewContext(req, httptest.NewRecorder()))
	}
	if err := run("12345678", true); err != nil {
		t.Errorf("body at the limit: %v", err)
	}
	if err := run("123456789", true); modulario.ErrorCode(err) != modulario.ETOOLARGE || modulario.ErrorMessage(err) != "troppo grande" {
		t.Errorf("declared over the limit: %v, want ETOOLARGE with the message", err)
	}
	var tooBig *http.MaxBytesError
	if err := run("123456789", false); !errors.As(err, &tooBig) {
		t.Errorf("undeclared over the limit: %v, want *http.MaxBytesError", err)
	}
}
