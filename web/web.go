// Package web holds the HTTP helpers both sides of Modulario share: the
// citizen side (renderer) and the staff side (builder) parse their page
// templates and clean up uploads the same way.
package web

import (
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// BaseTemplate is the key under which ParsePages also returns the shared
// templates alone (for pages rendered outside the page set, e.g. errors).
const BaseTemplate = "_base"

// ParsePages parses the shared template files once, with funcs, then every
// other file matching glob as a page on a clone of them, so that each page
// defines its own "content". Pages are keyed by file name without folder
// and extension ("admin/users.html" → "users").
func ParsePages(fsys fs.FS, glob string, shared []string, funcs template.FuncMap) (map[string]*template.Template, error) {
	base := template.New("base").Funcs(funcs)
	for _, name := range shared {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		if _, err := base.New(name).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
	}
	names, err := fs.Glob(fsys, glob)
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{BaseTemplate: base}
	for _, name := range names {
		if slices.Contains(shared, name) {
			continue
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		clone, err := base.Clone()
		if err != nil {
			return nil, err
		}
		t, err := clone.New(name).Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		pages[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return pages, nil
}

// RemoveMultipart deletes the temporary files of a parsed multipart form
// once the handler is done. net/http only cleans up the form of the request
// it passed in, and middleware may replace the request, so the request is
// read again after next.
func RemoveMultipart(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		defer func() {
			if f := c.Request().MultipartForm; f != nil {
				_ = f.RemoveAll()
			}
		}()
		return next(c)
	}
}

// statusOf maps a modulario error code to its HTTP status, once for both
// sides.
var statusOf = map[string]int{
	modulario.EINVALID:      http.StatusUnprocessableEntity,
	modulario.ENOTFOUND:     http.StatusNotFound,
	modulario.ECONFLICT:     http.StatusConflict,
	modulario.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	modulario.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	modulario.EGONE:         http.StatusGone,
	modulario.EUNAUTHORIZED: http.StatusUnauthorized,
	modulario.EFORBIDDEN:    http.StatusForbidden,
	modulario.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// Status returns the HTTP status of a modulario error code; ok is false for
// EINTERNAL and unknown codes (a 500, to be logged).
func Status(code string) (status int, ok bool) {
	status, ok = statusOf[code]
	return status, ok
}

// LimitBody caps every request body at max bytes: a declared length over
// it is refused at once with ETOOLARGE and message(c); reading past it
// fails with *http.MaxBytesError, which the error handlers map to 413.
func LimitBody(max int64, message func(echo.Context) string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.ContentLength > max {
				return modulario.Errorf(modulario.ETOOLARGE, "%s", message(c))
			}
			r.Body = http.MaxBytesReader(c.Response(), r.Body, max)
			return next(c)
		}
	}
}
