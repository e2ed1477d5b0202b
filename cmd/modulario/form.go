package main

import (
	"bytes"
	"context"
	"fmt"
	"sort"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
	"github.com/modulario/modulario/schemas"
)

// runForm dispatches the form subcommands.
func runForm(ctx context.Context, args []string, e env) int {
	return dispatch(ctx, "form", args, e, map[string]func(context.Context, []string, env) int{
		"validate": func(_ context.Context, args []string, e env) int { return runFormValidate(args, e) },
		"import":   runFormImport,
		"export":   runFormExport,
		"diff":     runFormDiff,
	})
}

// runFormServed is the part of the form group the admin socket runs for a
// serving process: the commands that use the store. Validation needs none.
func runFormServed(ctx context.Context, args []string, e env) int {
	return dispatch(ctx, "form", args, e, map[string]func(context.Context, []string, env) int{
		"import": runFormImport,
		"export": runFormExport,
		"diff":   runFormDiff,
	})
}

// runFormValidate checks each file (a folder stands for its *.json files)
// and prints "FILE: ok" or one line per error, "FILE: /pointer: message",
// then checks that no two files use the same slug. Exit 1 if anything is
// wrong. It needs no database.
func runFormValidate(args []string, e env) int {
	return runValidate(args, e, "form validate", func(paths []string) bool {
		_, _, ok := loadDefinitionSet(e, paths, true)
		return ok
	})
}

// runValidate runs a validate command: check reports on the PATH
// arguments and says whether all is well.
func runValidate(args []string, e env, name string, check func(paths []string) bool) int {
	fs := newFlagSet(name, name+" PATH...", e)
	if err := fs.Parse(args); err != nil {
		return parseExit(err, e)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	if !check(fs.Args()) {
		return exitError
	}
	return exitOK
}

// defFile is a definition read from a file, with its canonical bytes.
type defFile struct {
	file  string
	def   *schemas.Definition
	canon []byte
}

// loadDefinitionSet reads the definitions of paths (files, or folders of
// *.json files); see loadSet.
func loadDefinitionSet(e env, paths []string, printOK bool) ([]defFile, []namedFile, bool) {
	return loadSet(e, paths, ".json", printOK, func(file string, src []byte) (defFile, string, error) {
		def, canon, err := loadDefinition(src)
		if err != nil {
			return defFile{}, "", err
		}
		return defFile{file, def, canon}, def.Slug, nil
	})
}

// loadDefinition compiles doc and returns its canonical encoding.
func loadDefinition(doc []byte) (*schemas.Definition, []byte, error) {
	form, err := schemas.Load(doc)
	if err != nil {
		return nil, nil, err
	}
	canon, err := canonicalDefinition(doc)
	if err != nil {
		return nil, nil, err
	}
	return form.Def, canon, nil
}

// canonicalDefinition is the one encoding of a definition that is stored,
// exported and compared: the editor's, indented by two spaces with a final
// newline, keys in the author's order (property order is meaningful to
// readers of the file and to the order of fields inside groups). Files
// exported once stay byte-identical, so git diffs show only real changes.
func canonicalDefinition(doc []byte) ([]byte, error) {
	d, err := formedit.Parse(doc)
	if err != nil {
		return nil, err
	}
	return d.JSON(), nil
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
		label := p
		if p == "" {
			label = "/"
		}
		fmt.Fprintf(e.stdout, "%s: %s: %s\n", file, label, fields[p])
	}
}

// runFormExport prints one form's definition, or writes DIR/SLUG.json for
// each form named (or every form that is not archived, with --all).
func runFormExport(ctx context.Context, args []string, e env) int {
	cfg := DefaultConfig()
	fs := newFlagSet("form export", "form export [--data-dir DIR] [--dir DIR] [--all | SLUG...]", e)
	registerDataDir(fs, &cfg)
	dir := fs.String("dir", "", "`folder` to write SLUG.json files into (created if missing); without it one definition goes to stdout")
	all := fs.Bool("all", false, "export every form that is not archived (needs --dir)")
	if err := parseFlags(fs, args, e.getenv, map[string]bool{"data-dir": true}); err != nil {
		return parseExit(err, e)
	}
	if !exportTargets(fs, *all, *dir) {
		fs.Usage()
		return exitUsage
	}
	return storeCommand(cfg, fs, "form export", nil, true, exitError, e, func(st *store) int {
		list := func() ([]string, error) {
			forms, err := st.Forms.ListForms(ctx, modulario.FormFilter{})
			var slugs []string
			for _, f := range forms {
				if !f.Archived {
					slugs = append(slugs, f.Slug)
				}
			}
			return slugs, err
		}
		content := func(slug string) ([]byte, error) { return exportDefinition(ctx, st.Forms, slug) }
		if err := exportTo(e, *dir, ".json", *all, fs.Args(), list, content); err != nil {
			fmt.Fprintf(e.stderr, "modulario: %s\n", describe(err))
			return exitError
		}
		return exitOK
	})
}

// exportDefinition returns the canonical definition of slug's draft, or
// of its published version when there is no draft.
func exportDefinition(ctx context.Context, forms modulario.FormService, slug string) ([]byte, error) {
	form, err := forms.FindForm(ctx, slug)
	if err != nil {
		return nil, err
	}
	number, _ := currentVersion(form)
	if number == 0 {
		return nil, modulario.Errorf(modulario.ENOTFOUND, "form %q has no version", slug)
	}
	return storedDefinition(ctx, forms, slug, number)
}

// currentVersion is the form's draft version, else its published one (0
// when it has neither), with its label, "draft" or "published". A draft is
// always newer than the published version.
func currentVersion(form *modulario.Form) (number int, label string) {
	if form.Draft > 0 {
		return form.Draft, "draft"
	}
	return form.Published, "published"
}

// storedDefinition returns one stored version in the canonical encoding
// (versions saved by older releases were stored compact).
func storedDefinition(ctx context.Context, forms modulario.FormService, slug string, number int) ([]byte, error) {
	v, err := forms.FindVersion(ctx, slug, number)
	if err != nil {
		return nil, err
	}
	canon, err := canonicalDefinition(v.Definition)
	if err != nil {
		// Not expected for a stored version; show it as it is.
		return append(bytes.TrimSpace(v.Definition), '\n'), nil
	}
	return canon, nil
}
