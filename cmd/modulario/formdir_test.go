package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// addOffices creates the demo offices the demo forms route to.
func addOffices(t *testing.T, c cli) {
	t.Helper()
	for _, o := range demoOffices {
		if code, _, errOut := c.run("office", "add", "--name", o.Name, "--email", o.Emails[0], o.Slug); code != exitOK {
			t.Fatalf("office add %s: %s", o.Slug, errOut)
		}
	}
}

// writeFile writes data to dir/name and returns the path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// formState returns slug's draft and published version numbers.
func formState(t *testing.T, dataDir, slug string) (draft, published int) {
	t.Helper()
	withStore(t, dataDir, func(st *store) {
		f, err := st.Forms.FindForm(context.Background(), slug)
		if err != nil {
			t.Fatal(err)
		}
		draft, published = f.Draft, f.Published
	})
	return draft, published
}

// mustRun runs the command and fails unless it exits with want; it returns
// stdout.
func (c cli) mustRun(want int, args ...string) string {
	c.t.Helper()
	code, out, errOut := c.run(args...)
	if code != want {
		c.t.Fatalf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", args, code, want, out, errOut)
	}
	return out
}

// TestFormValidateFolder: a folder stands for its *.json files; every error
// names its file and JSON pointer; dotfiles and other files are ignored;
// two files with one slug are an error; no database is touched.
func TestFormValidateFolder(t *testing.T) {
	dir := t.TempDir()
	good := writeDemoFile(t, dir, "richiesta-assistenza")
	bad := writeFile(t, dir, "rotto.json", []byte(`{"slug":"Rotto","title":"","privacy":"x","schema":{"type":"object"}}`))
	writeFile(t, dir, ".bozza.json", []byte(`not json`))
	writeFile(t, dir, "note.txt", []byte(`not json`))
	dataDir := filepath.Join(t.TempDir(), "none")
	c := cli{t: t, dataDir: dataDir}

	out := c.mustRun(exitError, "form", "validate", dir)
	if !strings.Contains(out, good+": ok\n") {
		t.Errorf("good file not ok:\n%s", out)
	}
	for _, ptr := range []string{"/slug", "/title"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(bad) + `: ` + ptr + `: `).MatchString(out) {
			t.Errorf("%s is not reported with its file and pointer:\n%s", ptr, out)
		}
	}
	if strings.Contains(out, "bozza") || strings.Contains(out, "note.txt") {
		t.Errorf("a dotfile or a non-JSON file was read:\n%s", out)
	}
	if _, err := os.Stat(dataDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("validate created the data dir: %v", err)
	}

	// The same form twice, under another name, in a second folder.
	other := t.TempDir()
	copyOf := writeFile(t, other, "copia.json", readFile(t, good))
	out = c.mustRun(exitError, "form", "validate", good, other)
	if want := copyOf + `: /slug: slug "richiesta-assistenza" is also used by ` + good; !strings.Contains(out, want) {
		t.Errorf("duplicate slug not reported as %q:\n%s", want, out)
	}
	out = c.mustRun(exitError, "form", "validate", t.TempDir())
	if !strings.Contains(out, "no .json files in this folder") {
		t.Errorf("empty folder: %q", out)
	}
}

// TestFormImportFolder: create, unchanged, dry-run of a change (nothing
// written), update, diff exit codes, publish.
func TestFormImportFolder(t *testing.T) {
	dir := t.TempDir()
	writeDemoFile(t, dir, "richiesta-assistenza")
	seg := writeDemoFile(t, dir, "segnalazione-disservizio")
	c := cli{t: t, dataDir: t.TempDir()}
	addOffices(t, c)

	out := c.mustRun(exitOK, "form", "import", dir)
	for _, want := range []string{seg + ": segnalazione-disservizio: created, draft v1\n", ": richiesta-assistenza: created, draft v1\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("first import lacks %q:\n%s", want, out)
		}
	}
	if out = c.mustRun(exitOK, "form", "import", dir); strings.Count(out, ": unchanged (draft v1)\n") != 2 {
		t.Errorf("second import:\n%s", out)
	}
	c.mustRun(exitOK, "form", "diff", dir)

	// A changed title: dry-run lists it and writes nothing.
	before := c.mustRun(exitOK, "form", "export", "segnalazione-disservizio")
	changed := bytes.Replace(readFile(t, seg), []byte(`"title": "Segnalazione di disservizio"`), []byte(`"title": "Segnala un disservizio"`), 1)
	if bytes.Equal(changed, readFile(t, seg)) {
		t.Fatal("the demo title changed: fix the test")
	}
	writeFile(t, dir, filepath.Base(seg), changed)
	out = c.mustRun(exitOK, "form", "import", "--dry-run", dir)
	for _, want := range []string{
		seg + ": segnalazione-disservizio: updated (1 change), draft v1\n",
		`"Segnalazione di disservizio" → "Segnala un disservizio"`,
		": richiesta-assistenza: unchanged (draft v1)\n",
		"dry run: nothing was written\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if after := c.mustRun(exitOK, "form", "export", "segnalazione-disservizio"); after != before {
		t.Errorf("dry run changed the store")
	}
	out = c.mustRun(exitError, "form", "diff", seg)
	if !strings.Contains(out, "segnalazione-disservizio: 1 change against draft v1\n") || !strings.Contains(out, "Segnala un disservizio") {
		t.Errorf("diff:\n%s", out)
	}

	out = c.mustRun(exitOK, "form", "import", "--publish", dir)
	for _, want := range []string{": segnalazione-disservizio: updated (1 change), published v1\n", ": richiesta-assistenza: published v1\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("publishing import lacks %q:\n%s", want, out)
		}
	}
	if draft, live := formState(t, c.dataDir, "segnalazione-disservizio"); draft != 0 || live != 1 {
		t.Errorf("after publishing: draft %d, live %d", draft, live)
	}
	c.mustRun(exitOK, "form", "diff", "--against", "published", dir)

	// Back to the old title: a new draft (v2) that the live version does not have.
	writeFile(t, dir, filepath.Base(seg), []byte(before))
	if out = c.mustRun(exitOK, "form", "import", seg); !strings.Contains(out, "updated (1 change), draft v2\n") {
		t.Errorf("new draft: %s", out)
	}
	c.mustRun(exitOK, "form", "diff", seg)
	c.mustRun(exitError, "form", "diff", "--against", "published", seg)
	// The file equals the live version again: the draft is dropped.
	writeFile(t, dir, filepath.Base(seg), changed)
	if out = c.mustRun(exitOK, "form", "import", seg); !strings.Contains(out, "draft discarded: published v1 is live\n") {
		t.Errorf("back to live: %s", out)
	}
	if draft, _ := formState(t, c.dataDir, "segnalazione-disservizio"); draft != 0 {
		t.Errorf("draft %d kept", draft)
	}
	// A form the store does not have is a difference too.
	other := writeDemoFile(t, t.TempDir(), "carta-identita")
	if out = c.mustRun(exitError, "form", "diff", other); !strings.Contains(out, "carta-identita: new form\n") {
		t.Errorf("diff of a new form: %s", out)
	}
	c.mustRun(exitUsage, "form", "diff", "--against", "ieri", other)
}

// TestFormImportMissingOffices: an import naming offices that do not exist
// lists them all and writes nothing.
func TestFormImportMissingOffices(t *testing.T) {
	dir := t.TempDir()
	writeDemoFile(t, dir, "segnalazione-disservizio")
	writeDemoFile(t, dir, "carta-identita")
	c := cli{t: t, dataDir: t.TempDir()}
	c.mustRun(exitOK, "office", "add", "--name", "URP", "--email", "urp@comune.example", "urp")
	code, out, errOut := c.run("form", "import", "--publish", dir)
	if code != exitError || !strings.Contains(errOut, "these offices do not exist: anagrafe, ufficio-tecnico") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if !strings.Contains(out, `segnalazione-disservizio.json: /rules/`) {
		t.Errorf("the rule routing to a missing office is not named:\n%s", out)
	}
	withStore(t, c.dataDir, func(st *store) {
		if forms, _ := st.Forms.ListForms(context.Background(), modulario.FormFilter{}); len(forms) != 0 {
			t.Errorf("%d forms written", len(forms))
		}
	})
}

// TestFormExportRoundTrip: export --all writes canonical files that import
// as unchanged, also for a version stored compact by an older release, and
// a second export gives the same bytes.
func TestFormExportRoundTrip(t *testing.T) {
	src := t.TempDir()
	for _, slug := range []string{"carta-identita", "autolettura-acqua", "richiesta-assistenza"} {
		writeDemoFile(t, src, slug)
	}
	c := cli{t: t, dataDir: t.TempDir()}
	addOffices(t, c)
	c.mustRun(exitOK, "form", "import", "--publish", src)
	// An older release stored definitions compact.
	withStore(t, c.dataDir, func(st *store) {
		var buf bytes.Buffer
		doc := readFile(t, writeDemoFile(t, t.TempDir(), "segnalazione-disservizio"))
		if err := json.Compact(&buf, doc); err != nil {
			t.Fatal(err)
		}
		meta := modulario.Form{Slug: "segnalazione-disservizio", Title: "Segnalazione", Office: "urp"}
		if _, _, err := st.Forms.SaveDraft(context.Background(), meta, buf.Bytes()); err != nil {
			t.Fatal(err)
		}
	})

	out1 := filepath.Join(t.TempDir(), "git", "forms")
	out := c.mustRun(exitOK, "form", "export", "--all", "--dir", out1)
	if n := strings.Count(out, "wrote "); n != 4 {
		t.Fatalf("%d files written:\n%s", n, out)
	}
	files, _ := filepath.Glob(filepath.Join(out1, "*.json"))
	for _, f := range files {
		b := readFile(t, f)
		if !bytes.HasPrefix(b, []byte("{\n  \"slug\": ")) || !bytes.HasSuffix(b, []byte("}\n")) || bytes.HasSuffix(b, []byte("\n\n")) {
			t.Errorf("%s is not indented with one final newline: %.40q … %q", f, b, b[len(b)-5:])
		}
	}
	if out = c.mustRun(exitOK, "form", "import", out1); strings.Count(out, ": unchanged (") != 4 {
		t.Errorf("import of the export is not all unchanged:\n%s", out)
	}
	c.mustRun(exitOK, "form", "diff", out1)
	out2 := t.TempDir()
	c.mustRun(exitOK, "form", "export", "--dir", out2, "carta-identita", "segnalazione-disservizio")
	for _, slug := range []string{"carta-identita", "segnalazione-disservizio"} {
		if !bytes.Equal(readFile(t, filepath.Join(out1, slug+".json")), readFile(t, filepath.Join(out2, slug+".json"))) {
			t.Errorf("%s: a second export differs", slug)
		}
	}
	c.mustRun(exitUsage, "form", "export", "--all")
	c.mustRun(exitUsage, "form", "export", "a", "b")
	c.mustRun(exitUsage, "form", "export", "--all", "--dir", out2, "a")
}

const testPage = `---
title: "Acqua e fognature"
slug: "acqua"
description: "Servizi del servizio idrico"
menu_order: 2
published: true
---
## Servizi

{{< modulo "autolettura-acqua" >}}
`

// TestPageImportExport: validate, import, unchanged, dry-run of a change,
// export --all and import of the export.
func TestPageImportExport(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "acqua.md", []byte(testPage))
	writeFile(t, dir, "rotta.md", []byte("---\ntitle: \"\"\nslug: \"Rotta\"\n---\n"))
	c := cli{t: t, dataDir: t.TempDir()}

	out := c.mustRun(exitError, "page", "validate", dir)
	for _, want := range []string{file + ": ok\n", "rotta.md: /slug: ", "rotta.md: /title: "} {
		if !strings.Contains(out, want) {
			t.Errorf("page validate lacks %q:\n%s", want, out)
		}
	}
	c.mustRun(exitError, "page", "import", dir)
	if err := os.Remove(filepath.Join(dir, "rotta.md")); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := c.run("page", "import", dir)
	if code != exitOK || out != file+": acqua: created\n" || !strings.Contains(errOut, `form "autolettura-acqua" does not exist`) {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	if out = c.mustRun(exitOK, "page", "import", dir); out != file+": acqua: unchanged\n" {
		t.Errorf("second import: %q", out)
	}
	writeFile(t, dir, "acqua.md", []byte(strings.Replace(testPage, "published: true", "published: false", 1)))
	out = c.mustRun(exitOK, "page", "import", "--dry-run", dir)
	if out != file+": acqua: updated (published)\ndry run: nothing was written\n" {
		t.Errorf("dry run: %q", out)
	}
	withStore(t, c.dataDir, func(st *store) {
		if p, err := st.Pages.FindPage(context.Background(), "acqua"); err != nil || !p.Published {
			t.Errorf("dry run changed the page: %+v %v", p, err)
		}
	})
	c.mustRun(exitOK, "page", "import", dir)

	exported := t.TempDir()
	c.mustRun(exitOK, "page", "export", "--all", "--dir", exported)
	got := readFile(t, filepath.Join(exported, "acqua.md"))
	if want := strings.Replace(testPage, "published: true", "published: false", 1); string(got) != want {
		t.Errorf("export:\n%s\nwant\n%s", got, want)
	}
	if out = c.mustRun(exitOK, "page", "import", exported); !strings.HasSuffix(out, ": acqua: unchanged\n") {
		t.Errorf("import of the export: %q", out)
	}
	if out = c.mustRun(exitOK, "page", "export", "acqua"); out != string(got) {
		t.Errorf("export to stdout differs from the file")
	}
}

// TestFormsAsCodeThroughSocket runs import, dry-run, diff and export with
// relative paths while a server-side admin socket holds the open store, as
// under serve: the CLI cannot open the file, and the server resolves the
// paths the CLI made absolute.
func TestFormsAsCodeThroughSocket(t *testing.T) {
	dataDir, work := t.TempDir(), t.TempDir()
	if err := os.Mkdir(filepath.Join(work, "forms"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeDemoFile(t, filepath.Join(work, "forms"), "richiesta-assistenza")
	writeFile(t, work, "acqua.md", []byte(testPage))
	st, err := openStore(filepath.Join(dataDir, "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Offices.SaveOffice(context.Background(), &modulario.Office{Slug: "urp", Name: "URP", Emails: []string{"urp@comune.example"}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveAdminSocket(ctx, dataDir, st, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("admin socket: %v", err)
		}
	}()
	waitForSocket(t, dataDir)
	t.Chdir(work)
	c := cli{t: t, dataDir: dataDir}

	rel := filepath.Join("forms", "richiesta-assistenza.json")
	if out := c.mustRun(exitOK, "form", "import", "--dry-run", "forms"); !strings.HasPrefix(out, rel+": richiesta-assistenza: created, draft v1\n") {
		t.Errorf("dry run through the socket: %q", out)
	}
	if _, err := st.Forms.FindForm(ctx, "richiesta-assistenza"); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Fatalf("dry run wrote the form: %v", err)
	}
	if out := c.mustRun(exitOK, "form", "import", "--publish", "forms"); !strings.Contains(out, "created, published v1\n") {
		t.Errorf("import through the socket: %q", out)
	}
	if f, err := st.Forms.FindForm(ctx, "richiesta-assistenza"); err != nil || f.Published != 1 {
		t.Fatalf("form after import: %+v %v", f, err)
	}
	c.mustRun(exitOK, "form", "diff", "--against", "published", "forms")
	if out := c.mustRun(exitOK, "form", "export", "--all", "--dir", "out"); out != "wrote out/richiesta-assistenza.json\n" {
		t.Errorf("export through the socket: %q", out)
	}
	c.mustRun(exitOK, "form", "diff", filepath.Join(work, "out", "richiesta-assistenza.json"))
	c.mustRun(exitOK, "page", "import", "acqua.md")
	c.mustRun(exitOK, "page", "export", "--dir", "pages", "acqua")
	if got := readFile(t, filepath.Join(work, "pages", "acqua.md")); string(got) != testPage {
		t.Errorf("page exported through the socket:\n%s", got)
	}

	// The server never touches the paths it is given: it reads the files
	// the client sent and sends back the files to write. Paths that do not
	// exist on this machine work; a path on its disk that the client did
	// not send is not read.
	def := readFile(t, filepath.Join(work, "forms", "richiesta-assistenza.json"))
	ghost := filepath.Join(work, "nowhere", "richiesta-assistenza.json")
	resp := adminCall(t, dataDir, adminRequest{Args: []string{"form", "diff", "--against=published", "--", ghost}, Files: map[string][]byte{ghost: def}})
	if resp.Code != exitOK || !strings.Contains(resp.Stdout, ghost+": richiesta-assistenza: no differences") {
		t.Errorf("diff of sent files: %+v", resp)
	}
	resp = adminCall(t, dataDir, adminRequest{Args: []string{"form", "import", "--dry-run", "--", ghost}, Files: map[string][]byte{ghost: def}})
	if resp.Code != exitOK || !strings.Contains(resp.Stdout, ghost+": richiesta-assistenza: unchanged") {
		t.Errorf("import of sent files: %+v", resp)
	}
	resp = adminCall(t, dataDir, adminRequest{Args: []string{"form", "import", "--", "forms/richiesta-assistenza.json"}})
	if resp.Code != exitError || !strings.Contains(resp.Stdout, "forms/richiesta-assistenza.json: not sent by the client") {
		t.Errorf("import of a file on the server's disk: %+v", resp)
	}
	page := readFile(t, filepath.Join(work, "acqua.md"))
	resp = adminCall(t, dataDir, adminRequest{Args: []string{"page", "import", "--", "/nowhere/acqua.md"}, Files: map[string][]byte{"/nowhere/acqua.md": page}})
	if resp.Code != exitOK || !strings.Contains(resp.Stdout, "/nowhere/acqua.md: acqua: unchanged") {
		t.Errorf("page import of sent files: %+v", resp)
	}
	outDir := filepath.Join(work, "nowhere", "out")
	resp = adminCall(t, dataDir, adminRequest{Args: []string{"form", "export", "--all=true", "--dir=" + outDir}})
	if want := filepath.Join(outDir, "richiesta-assistenza.json"); resp.Code != exitOK || !bytes.Equal(resp.Files[want], def) || len(resp.Files) != 1 || resp.Stdout != "" {
		t.Errorf("export sent back %d files: %+v", len(resp.Files), resp)
	}
	resp = adminCall(t, dataDir, adminRequest{Args: []string{"page", "export", "--dir=" + outDir, "--", "acqua"}})
	if resp.Code != exitOK || string(resp.Files[filepath.Join(outDir, "acqua.md")]) != testPage {
		t.Errorf("page export sent back: %+v", resp)
	}
	if _, err := os.Stat(filepath.Join(work, "nowhere")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the server created the export folder: %v", err)
	}
	// Validation needs no server and no socket.
	if out := c.mustRun(exitOK, "form", "validate", "forms"); !strings.Contains(out, "forms/richiesta-assistenza.json: ok") {
		t.Errorf("validate: %q", out)
	}
	entries, err := st.Audit.ListAudit(ctx, modulario.AuditFilter{Actor: cliActor})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if !slices.Contains(actions, "form.import") || !slices.Contains(actions, "page.import") {
		t.Errorf("audit actions: %v", actions)
	}
}

// TestExamplesFormsAsCode keeps examples/forms-as-code valid: its forms and
// pages validate, and a dry-run import into a store with the demo offices
// succeeds.
func TestExamplesFormsAsCode(t *testing.T) {
	root := filepath.Join("..", "..", "examples", "forms-as-code")
	c := cli{t: t, dataDir: t.TempDir()}
	out := c.mustRun(exitOK, "form", "validate", filepath.Join(root, "forms"))
	if n := strings.Count(out, ": ok\n"); n < 2 {
		t.Errorf("%d example forms:\n%s", n, out)
	}
	c.mustRun(exitOK, "page", "validate", filepath.Join(root, "pages"))
	addOffices(t, c)
	c.mustRun(exitOK, "form", "import", "--dry-run", "--publish", filepath.Join(root, "forms"))
	c.mustRun(exitOK, "form", "import", "--publish", filepath.Join(root, "forms"))
	// The example files are in the canonical encoding: exporting them
	// gives the same bytes, so a team's first export makes no git diff.
	exported := t.TempDir()
	c.mustRun(exitOK, "form", "export", "--all", "--dir", exported)
	files, _ := filepath.Glob(filepath.Join(root, "forms", "*.json"))
	for _, f := range files {
		if !bytes.Equal(readFile(t, f), readFile(t, filepath.Join(exported, filepath.Base(f)))) {
			t.Errorf("%s is not in the canonical encoding (run form export over it)", f)
		}
	}
	if _, out, _ := c.run("page", "import", "--dry-run", filepath.Join(root, "pages")); !strings.Contains(out, ": created\n") {
		t.Errorf("page dry run: %q", out)
	}
}

// adminCall sends req to the admin socket in dataDir and returns the answer.
func adminCall(t *testing.T, dataDir string, req adminRequest) adminResponse {
	t.Helper()
	conn, err := net.Dial("unix", filepath.Join(dataDir, adminSocketName))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var resp adminResponse
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		t.Fatal(err)
	}
	if err := json.NewDecoder(conn).Decode(&resp); err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestForwardArgs: the command line sent to the server has the paths as
// typed, the input files instead of the PATH arguments, and no --data-dir.
func TestForwardArgs(t *testing.T) {
	cfg := DefaultConfig()
	fs := newFlagSet("form export", "", env{stderr: io.Discard})
	registerDataDir(fs, &cfg)
	fs.String("dir", "", "")
	fs.Bool("all", false, "")
	if err := fs.Parse([]string{"--data-dir", "d", "--dir", "out", "--all", "forms", "-b.json"}); err != nil {
		t.Fatal(err)
	}
	if got, want := forwardArgs(fs, nil), []string{"--all=true", "--dir=out", "--", "forms", "-b.json"}; !slices.Equal(got, want) {
		t.Errorf("forwardArgs = %q, want %q", got, want)
	}
	inputs := []namedFile{{"forms/a.json", nil}, {"-b.json", nil}}
	if got, want := forwardArgs(fs, inputs), []string{"--all=true", "--dir=out", "--", "forms/a.json", "-b.json"}; !slices.Equal(got, want) {
		t.Errorf("with inputs: %q, want %q", got, want)
	}
}

// TestFormDiffTrouble: form diff exits 2, not 1 (differences), when it
// cannot compare: no database, or a server whose socket fails.
func TestFormDiffTrouble(t *testing.T) {
	file := writeDemoFile(t, t.TempDir(), "richiesta-assistenza")
	c := cli{t: t, dataDir: t.TempDir()}
	if _, _, errOut := c.mustRunErr(exitUsage, "form", "diff", file); !strings.Contains(errOut, "no database at") {
		t.Errorf("no database: %q", errOut)
	}
	ln, err := net.Listen("unix", filepath.Join(c.dataDir, adminSocketName))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conn.Close() // a server that hangs up
		}
	}()
	if _, _, errOut := c.mustRunErr(exitUsage, "form", "diff", file); !strings.Contains(errOut, "admin socket") {
		t.Errorf("socket failure: %q", errOut)
	}
	if _, _, errOut := c.mustRunErr(exitError, "form", "export", "richiesta-assistenza"); !strings.Contains(errOut, "admin socket") {
		t.Errorf("export, socket failure: %q", errOut)
	}
}

// mustRunErr is mustRun returning stderr too.
func (c cli) mustRunErr(want int, args ...string) (int, string, string) {
	c.t.Helper()
	code, out, errOut := c.run(args...)
	if code != want {
		c.t.Fatalf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", args, code, want, out, errOut)
	}
	return code, out, errOut
}

// TestPartialImport names the forms written before a failure and those not.
func TestPartialImport(t *testing.T) {
	plan := func(slug, action string) *formPlan {
		return &formPlan{defFile: defFile{def: &schemas.Definition{Slug: slug}}, action: action}
	}
	plans := []*formPlan{plan("a", "created"), plan("b", "unchanged"), plan("c", "updated"), plan("d", "created"), plan("e", "created")}
	if got, want := partialImport(plans, 2), "forms already written: a; not written: c, d, e"; got != want {
		t.Errorf("partialImport = %q, want %q", got, want)
	}
	if got, want := partialImport(plans, 0), "no form was written; not written: a, c, d, e"; got != want {
		t.Errorf("partialImport = %q, want %q", got, want)
	}
}
