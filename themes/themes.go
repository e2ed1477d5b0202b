// Package themes embeds Modulario's HTML templates and static assets
// (Bootstrap Italia from npm, copied into static/dist by `make assets`).
package themes

// CONTRACT FILE: renderer/ and cmd/modulario code against these names.
// Bodies that panic are placeholders to be replaced.

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed templates
var templatesFS embed.FS

// Templates returns the HTML templates (files under templates/, *.html),
// parsed by the renderer with html/template.
func Templates() fs.FS {
	sub, _ := fs.Sub(templatesFS, "templates")
	return sub
}

// Assets serves the static files under content-hash URLs.
type Assets struct{ /* implementation-defined */ }

// ErrAssetsMissing is returned by LoadAssets when `make assets` has not run;
// its message is "assets missing: run make assets".
var ErrAssetsMissing error

// LoadAssets indexes the embedded static files, computing content hashes
// once. Returns ErrAssetsMissing when Bootstrap Italia is absent.
func LoadAssets() (*Assets, error) { panic("TODO") }

// URL maps a logical asset name ("css/bootstrap-italia.min.css",
// "css/fonts.css", "svg/sprites.svg", "js/modulario.js") to its hashed,
// immutable URL ("/static/css/bootstrap-italia.min.3f2a9c1e0b.css").
// Unknown names return "/static/missing/" + name, so a typo shows in tests.
func (a *Assets) URL(name string) string { panic("TODO") }

// ServeHTTP serves /static/... : hashed names with Cache-Control immutable,
// the precompressed .gz variant when the client accepts gzip, 404 otherwise.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) { panic("TODO") }
