package renderer

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/modulario/modulario/themes"
)

func TestCatalogComplete(t *testing.T) {
	if missing := msg.Missing(); len(missing) > 0 {
		t.Fatalf("messages missing a translation: %v", missing)
	}
}

// TestEveryUsedKeyExists scans templates and Go sources for catalogue keys.
func TestEveryUsedKeyExists(t *testing.T) {
	var sources []string
	tmpl := themes.Templates()
	names, _ := fs.Glob(tmpl, "*.html")
	for _, n := range names {
		b, _ := fs.ReadFile(tmpl, n)
		sources = append(sources, string(b))
	}
	goFiles, _ := filepath.Glob("*.go")
	for _, n := range goFiles {
		if !strings.HasSuffix(n, "_test.go") {
			b, _ := os.ReadFile(n)
			sources = append(sources, string(b))
		}
	}
	re := regexp.MustCompile(`\.T\(?(?:[a-zA-Z.()]+, )?"([a-z_]+\.[a-z_.0-9]+)"`)
	found := 0
	for _, src := range sources {
		for _, m := range re.FindAllStringSubmatch(src, -1) {
			found++
			if _, ok := msg["it"][m[1]]; !ok {
				t.Errorf("key %q is used but not in the catalogue", m[1])
			}
		}
	}
	if found < 50 {
		t.Fatalf("found only %d key uses: the scan is broken", found)
	}
	for _, st := range []string{"received", "in_charge", "concluded", "rejected"} {
		if _, ok := msg["it"]["status."+st]; !ok {
			t.Errorf("no label for status %s", st)
		}
	}
}
