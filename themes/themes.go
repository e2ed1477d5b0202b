// Package themes embeds Modulario's HTML templates and static assets
// (Bootstrap Italia from npm, copied into static/dist by `make assets`).
package themes

// CONTRACT FILE: renderer/ and cmd/modulario code against these names.

import (
	"embed"
	"errors"
	"io/fs"
)

//go:embed templates
var templatesFS embed.FS

// distFS holds the output of `make assets`. The folder is git-ignored except
// for a PLACEHOLDER file, so the package compiles on a fresh checkout.
//
//go:embed all:static/dist
var distFS embed.FS

// Templates returns the HTML templates (files under templates/, *.html),
// parsed by the renderer with html/template.
func Templates() fs.FS {
	sub, _ := fs.Sub(templatesFS, "templates")
	return sub
}

// ErrAssetsMissing is returned by LoadAssets when `make assets` has not run;
// its message is "assets missing: run make assets".
var ErrAssetsMissing = errors.New("assets missing: run make assets")

// LoadAssets indexes the embedded static files, computing content hashes
// once. Returns ErrAssetsMissing when Bootstrap Italia is absent.
func LoadAssets() (*Assets, error) {
	sub, err := fs.Sub(distFS, "static/dist")
	if err != nil {
		return nil, err
	}
	return loadAssets(sub)
}
