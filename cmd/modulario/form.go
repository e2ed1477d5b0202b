package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// runFormValidate checks each file and prints "FILE: ok" or one line per
// error, "FILE: /pointer: message". Exit 1 if any file has an error.
func runFormValidate(args []string, e env) int {
	fs := newFlagSet("form validate", "form validate FILE...", e)
	if err := fs.Parse(args); err != nil {
		return parseExit(err, e)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	code := exitOK
	for _, file := range fs.Args() {
		if _, _, err := loadDefinitionFile(file); err != nil {
			printLoadErrors(e, file, err)
			code = exitError
			continue
		}
		fmt.Fprintf(e.stdout, "%s: ok\n", file)
	}
	return code
}

// loadDefinitionFile reads and compiles a definition file, returning it
// with its canonical bytes.
func loadDefinitionFile(file string) (*schemas.Definition, []byte, error) {
	doc, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	return loadDefinition(doc)
}

// loadDefinition compiles doc and returns its canonical encoding: compact
// JSON that keeps the author's key order (property order is meaningful to
// readers of the file and to the order of fields inside groups).
func loadDefinition(doc []byte) (*schemas.Definition, []byte, error) {
	form, err := schemas.Load(doc)
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, doc); err != nil {
		return nil, nil, err
	}
	return form.Def, buf.Bytes(), nil
}

// printLoadErrors prints each pointer error of err on its own line, sorted
// by pointer, or err itself when it carries none.
func printLoadErrors(e env, file string, err error) {
	fields := modulario.ErrorFields(err)
	if len(fields) == 0 {
		msg := err.Error()
		if modulario.ErrorCode(err) != modulario.EINTERNAL {
			msg = modulario.ErrorMessage(err)
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", file, msg)
		return
	}
	pointers := make([]string, 0, len(fields))
	for p := range fields {
		pointers = append(pointers, p)
	}
	sort.Strings(pointers)
	for _, p := range pointers {
		if p == "" {
			p = "/"
		}
		fmt.Fprintf(e.stdout, "%s: %s: %s\n", file, p, fields[p])
	}
}

// importOutcome says what importing one definition did.
type importOutcome struct {
	Slug    string
	Action  string // created, updated, unchanged or published
	Version int
	Live    bool // the version is the published one
}

// importDefinition stores def (canonical bytes canon) as the draft of its
// form, then publishes the draft when publish is set.
func importDefinition(ctx context.Context, forms modulario.FormService, def *schemas.Definition, canon []byte, publish bool) (importOutcome, error) {
	out := importOutcome{Slug: def.Slug, Action: "updated"}
	if _, err := forms.FindForm(ctx, def.Slug); modulario.ErrorCode(err) == modulario.ENOTFOUND {
		out.Action = "created"
	} else if err != nil {
		return out, err
	}
	meta := modulario.Form{Slug: def.Slug, Title: def.Title, Summary: def.Summary, Category: def.Category, Office: def.Office}
	form, changed, err := forms.SaveDraft(ctx, meta, json.RawMessage(canon))
	if err != nil {
		return out, err
	}
	if !changed {
		out.Action = "unchanged"
	}
	if publish && form.Draft > 0 {
		if form, err = forms.PublishDraft(ctx, def.Slug); err != nil {
			return out, err
		}
		if !changed {
			out.Action = "published" // an earlier, identical draft went live
		}
	}
	out.Version, out.Live = form.Draft, false
	if form.Draft == 0 {
		out.Version, out.Live = form.Published, true
	}
	return out, nil
}

// String is the line printed for an import.
func (o importOutcome) String() string {
	state := "draft"
	if o.Live {
		state = "published"
	}
	return fmt.Sprintf("%s %s: version %d (%s)", o.Action, o.Slug, o.Version, state)
}

// runFormImport validates every file first, then imports them all.
func runFormImport(ctx context.Context, args []string, e env) int {
	cfg := DefaultConfig()
	fs := newFlagSet("form import", "form import [--publish] [--data-dir DIR] FILE...", e)
	registerDataDir(fs, &cfg)
	publish := fs.Bool("publish", false, "publish each imported definition as the live version")
	if err := parseFlags(fs, args, e.getenv, map[string]bool{"data-dir": true}); err != nil {
		return parseExit(err, e)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	type loaded struct {
		file  string
		def   *schemas.Definition
		canon []byte
	}
	var defs []loaded
	failed := false
	for _, file := range fs.Args() {
		def, canon, err := loadDefinitionFile(file)
		if err != nil {
			printLoadErrors(e, file, err)
			failed = true
			continue
		}
		defs = append(defs, loaded{file, def, canon})
	}
	if failed {
		fmt.Fprintln(e.stderr, "modulario: nothing imported: fix the errors above")
		return exitError
	}
	store, err := openStore(cfg.DBPath())
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: %v\n", err)
		return exitError
	}
	defer store.Close()
	for _, d := range defs {
		out, err := importDefinition(ctx, store.Forms, d.def, d.canon, *publish)
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", d.file, err)
			return exitError
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", d.file, out)
	}
	return exitOK
}

// runFormExport prints the draft, else the published, definition of a form.
func runFormExport(ctx context.Context, args []string, e env) int {
	cfg := DefaultConfig()
	fs := newFlagSet("form export", "form export [--data-dir DIR] SLUG", e)
	registerDataDir(fs, &cfg)
	if err := parseFlags(fs, args, e.getenv, map[string]bool{"data-dir": true}); err != nil {
		return parseExit(err, e)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	store, err := openStore(cfg.DBPath())
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: %v\n", err)
		return exitError
	}
	defer store.Close()
	doc, err := exportDefinition(ctx, store.Forms, fs.Arg(0))
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: %s\n", modulario.ErrorMessage(err))
		return exitError
	}
	_, _ = e.stdout.Write(doc)
	return exitOK
}

// exportDefinition returns the indented definition of slug's draft, or of
// its published version when there is no draft.
func exportDefinition(ctx context.Context, forms modulario.FormService, slug string) ([]byte, error) {
	form, err := forms.FindForm(ctx, slug)
	if err != nil {
		return nil, err
	}
	number := form.Draft
	if number == 0 {
		number = form.Published
	}
	if number == 0 {
		return nil, modulario.Errorf(modulario.ENOTFOUND, "form %q has no version", slug)
	}
	v, err := forms.FindVersion(ctx, slug, number)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, v.Definition, "", "  "); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
