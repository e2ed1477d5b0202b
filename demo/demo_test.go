package demo_test

import (
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/demo"
	"github.com/modulario/modulario/schemas"
)

// TestFormsLoad fails on any meta-schema or compile error in a demo form.
func TestFormsLoad(t *testing.T) {
	docs := demo.Forms()
	if len(docs) < 4 {
		t.Fatalf("got %d demo forms, want at least 4", len(docs))
	}
	seen := map[string]bool{}
	for i, doc := range docs {
		form, err := schemas.Load(doc)
		if err != nil {
			t.Errorf("demo form %d: %v", i, err)
			for p, m := range modulario.ErrorFields(err) {
				t.Errorf("  %s: %s", p, m)
			}
			continue
		}
		def := form.Def
		if seen[def.Slug] {
			t.Errorf("slug %q used twice", def.Slug)
		}
		seen[def.Slug] = true
		if def.Privacy == "" || def.Description == "" || def.Requirements == "" ||
			def.Category == "" || def.Office == "" || def.Confirmation == "" {
			t.Errorf("%s: privacy, description, requirements, category, office and confirmation are all required of a demo form", def.Slug)
		}
		if len(form.Fields()) == 0 {
			t.Errorf("%s: no fields", def.Slug)
		}
	}
	for _, slug := range []string{"carta-identita", "autolettura-acqua", "segnalazione-disservizio", "richiesta-assistenza", "iscrizione-mensa-scolastica"} {
		if !seen[slug] {
			t.Errorf("demo form %q missing", slug)
		}
	}
}
