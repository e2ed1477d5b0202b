package builder

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// TestDashboardMessages checks that every dashboard string exists in
// Italian and English, and that every key the code and template name is
// in the catalogue.
func TestDashboardMessages(t *testing.T) {
	for k := range msg["it"] {
		if strings.HasPrefix(k, "dash.") {
			if _, ok := msg["en"][k]; !ok {
				t.Errorf("%s has no English text", k)
			}
		}
	}
	for k := range msg["en"] {
		if strings.HasPrefix(k, "dash.") {
			if _, ok := msg["it"][k]; !ok {
				t.Errorf("%s has no Italian text", k)
			}
		}
	}
	files, _ := filepath.Glob("dashboard*.go")
	files = append(files, filepath.Join("..", "themes", "templates", "admin", "dashboard.html"))
	keyRe := regexp.MustCompile(`(template |define )?"(dash\.[a-z_.]+)"`)
	used := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(b), -1) {
			key := m[2]
			if m[1] != "" || strings.HasSuffix(key, ".") { // a partial's name, or
				continue // a prefix completed at run time, checked below
			}
			used++
			if _, ok := msg["it"][key]; !ok {
				t.Errorf("%s: key %s is not in the catalogue", f, key)
			}
		}
	}
	if used < 50 {
		t.Errorf("only %d keys found in the dashboard's files", used)
	}
	for _, st := range modulario.Statuses {
		if _, ok := msg["it"]["dash.st."+string(st)]; !ok {
			t.Errorf("status %s has no label", st)
		}
	}
	for _, r := range modulario.RatingReasons {
		for _, branch := range []string{"positive", "negative"} {
			if _, ok := msg["it"]["dash.rat."+branch+"."+r]; !ok {
				t.Errorf("reason %s (%s) has no label", r, branch)
			}
		}
	}
}
