package formedit

import (
	"embed"
	"io/fs"
	"sort"

	"github.com/modulario/modulario/demo"
)

//go:embed templates/*.json
var templateFiles embed.FS

// Templates returns the template gallery: the demo services, then the
// templates of this package, each ordered by file name.
func Templates() []Template {
	var out []Template
	for _, raw := range demo.Forms() {
		out = append(out, templateOf(raw))
	}
	names, _ := fs.Glob(templateFiles, "templates/*.json")
	sort.Strings(names)
	for _, n := range names {
		raw, err := templateFiles.ReadFile(n)
		if err != nil {
			panic("formedit: embedded template unreadable: " + err.Error())
		}
		out = append(out, templateOf(raw))
	}
	return out
}

// templateOf reads the gallery card of a definition.
func templateOf(raw []byte) Template {
	d, err := Parse(raw)
	if err != nil {
		panic("formedit: embedded template invalid: " + err.Error())
	}
	m := d.meta()
	return Template{Slug: m.Slug, Title: m.Title, Description: m.Summary, Category: m.Category, Definition: raw}
}

// FindTemplate returns the gallery template with this slug, or ENOTFOUND.
func FindTemplate(slug string) (Template, error) {
	for _, t := range Templates() {
		if t.Slug == slug {
			return t, nil
		}
	}
	return Template{}, notFoundf("template.not_found")
}

// FromTemplate starts a new form from a template, with a new slug and title.
func FromTemplate(t Template, slug, title string) (*Doc, error) {
	d, err := Parse(t.Definition)
	if err != nil {
		return nil, err
	}
	m := d.meta()
	m.Slug, m.Title = slug, title
	if err := d.SetMeta(m); err != nil {
		return nil, err
	}
	return d, nil
}
