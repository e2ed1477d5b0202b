package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/modulario/modulario/demo"
	"github.com/modulario/modulario/schemas"
)

// cli runs the program in-process with MODULARIO_DATA_DIR set to dataDir.
type cli struct {
	t       *testing.T
	dataDir string
}

func (c cli) run(args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	e := env{stdout: &out, stderr: &errOut, getenv: func(k string) string {
		if k == "MODULARIO_DATA_DIR" {
			return c.dataDir
		}
		return ""
	}}
	code = run(context.Background(), args, e)
	return code, out.String(), errOut.String()
}

// writeDemoFile writes the demo definition with the given slug to dir.
func writeDemoFile(t *testing.T, dir, slug string) string {
	t.Helper()
	for _, doc := range demo.Forms() {
		var def schemas.Definition
		if err := json.Unmarshal(doc, &def); err != nil {
			t.Fatal(err)
		}
		if def.Slug == slug {
			path := filepath.Join(dir, slug+".json")
			if err := os.WriteFile(path, doc, 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}
	}
	t.Fatalf("no demo form %q", slug)
	return ""
}

func TestFormValidate(t *testing.T) {
	dir := t.TempDir()
	good := writeDemoFile(t, dir, "richiesta-assistenza")
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"slug":"Not A Slug","privacy":"x","schema":{"type":"object"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c := cli{t: t, dataDir: t.TempDir()}

	code, out, _ := c.run("form", "validate", good)
	if code != exitOK || out != good+": ok\n" {
		t.Errorf("valid file: code %d, output %q", code, out)
	}
	code, out, _ = c.run("form", "validate", good, bad)
	if code != exitError {
		t.Errorf("invalid file: code %d, want %d", code, exitError)
	}
	if !strings.Contains(out, good+": ok\n") {
		t.Errorf("valid file not reported ok among others: %q", out)
	}
	// Every error line names the file and a JSON pointer; the bad slug and
	// the missing title are both reported.
	for _, want := range []string{bad + ": /slug: ", bad + ": /title: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// A file that is not JSON, or not a JSON object, gets its sentence on
	// the root pointer, not an empty message.
	notJSON := map[string]string{
		"broken.json": `{not json`,
		"empty.json":  ``,
		"trail.json":  `{"slug":"a"} trailing`,
		"array.json":  `[1]`,
	}
	for name, body := range notJSON {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, _ = c.run("form", "validate", path)
		if code != exitError || !regexp.MustCompile(`^`+regexp.QuoteMeta(path)+`: /: \S.*\n$`).MatchString(out) {
			t.Errorf("%s: code %d, output %q; want one line with a sentence on /", name, code, out)
		}
		if name != "array.json" && !strings.Contains(out, "malformed JSON at line") {
			t.Errorf("%s: output %q lacks the line and column", name, out)
		}
	}
	code, out, _ = c.run("form", "validate", filepath.Join(dir, "missing.json"))
	if code != exitError || !strings.Contains(out, "missing.json: ") {
		t.Errorf("missing file: code %d, output %q", code, out)
	}
	if code, _, _ := c.run("form", "validate"); code != exitUsage {
		t.Errorf("no files: code %d, want %d", code, exitUsage)
	}
}

func TestFormImportExport(t *testing.T) {
	dir := t.TempDir()
	file := writeDemoFile(t, dir, "carta-identita")
	c := cli{t: t, dataDir: filepath.Join(t.TempDir(), "nested", "data")}
	addOffices(t, c)

	steps := []struct {
		args []string
		want string
	}{
		{[]string{"form", "import", file}, "carta-identita: created, draft v1"},
		{[]string{"form", "import", file}, "carta-identita: unchanged (draft v1)"},
		{[]string{"form", "import", "--publish", file}, "carta-identita: published v1"},
		{[]string{"form", "import", "--publish", file}, "carta-identita: unchanged (published v1)"},
	}
	for i, s := range steps {
		code, out, errOut := c.run(s.args...)
		if code != exitOK || !strings.Contains(out, s.want) {
			t.Fatalf("step %d %v: code %d, output %q, stderr %q; want %q", i, s.args, code, out, errOut, s.want)
		}
	}

	// Export prints the published definition, indented, equal to the file.
	code, out, errOut := c.run("form", "export", "carta-identita")
	if code != exitOK {
		t.Fatalf("export: code %d, stderr %q", code, errOut)
	}
	assertSameJSON(t, readFile(t, file), []byte(out))
	if !strings.HasPrefix(out, "{\n  \"slug\": \"carta-identita\",") {
		t.Errorf("export is not indented in the file's key order: %.80q", out)
	}

	// A changed definition becomes a new draft version; export shows the draft.
	changed := bytes.Replace(readFile(t, file), []byte(`"title": "Prenotazione`), []byte(`"title": "Nuova prenotazione`), 1)
	if err := os.WriteFile(file, changed, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := c.run("form", "import", file); code != exitOK || !strings.Contains(out, "carta-identita: updated (1 change), draft v2") {
		t.Fatalf("update: code %d, output %q", code, out)
	}
	if _, out, _ := c.run("form", "export", "carta-identita"); !strings.Contains(out, `"title": "Nuova prenotazione`) {
		t.Errorf("export does not show the draft: %.200s", out)
	}

	if code, _, errOut := c.run("form", "export", "nessuno"); code != exitError || errOut == "" {
		t.Errorf("unknown slug: code %d, stderr %q", code, errOut)
	}
}

// TestFormImportAllOrNothing checks that one invalid file stops every import.
func TestFormImportAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	good := writeDemoFile(t, dir, "richiesta-assistenza")
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"slug":"x"`), 0o600); err != nil {
		t.Fatal(err)
	}
	c := cli{t: t, dataDir: t.TempDir()}
	code, out, _ := c.run("form", "import", "--publish", good, bad)
	if code != exitError || !strings.Contains(out, bad+": ") {
		t.Fatalf("code %d, output %q", code, out)
	}
	if code, _, _ := c.run("form", "export", "richiesta-assistenza"); code != exitError {
		t.Errorf("a form was imported although another file was invalid")
	}
}

// TestFormImportDemo imports and publishes every demo form in one command.
func TestFormImportDemo(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, slug := range []string{"carta-identita", "autolettura-acqua", "segnalazione-disservizio", "richiesta-assistenza", "iscrizione-mensa-scolastica"} {
		files = append(files, writeDemoFile(t, dir, slug))
	}
	c := cli{t: t, dataDir: t.TempDir()}
	addOffices(t, c)
	code, out, errOut := c.run(append([]string{"form", "import", "--publish"}, files...)...)
	if code != exitOK {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	line := regexp.MustCompile(`(?m)^.+\.json: [a-z-]+: created, published v1$`)
	if n := len(line.FindAllString(out, -1)); n != len(files) {
		t.Errorf("%d created lines, want %d:\n%s", n, len(files), out)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func assertSameJSON(t *testing.T, want, got []byte) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	wb, _ := json.Marshal(w)
	gb, _ := json.Marshal(g)
	if !bytes.Equal(wb, gb) {
		t.Errorf("JSON differs:\nwant %s\ngot  %s", wb, gb)
	}
}
