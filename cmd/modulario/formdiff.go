package main

import (
	"bytes"
	"context"
	"fmt"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
)

// runFormDiff compares each definition (files, or folders of *.json files)
// with the stored one and prints the changes. Like diff(1) it exits 0 when
// nothing differs, 1 when something does and 2 on trouble (an invalid
// file, no database), so CI can check that the store has not drifted from
// the repository.
func runFormDiff(ctx context.Context, args []string, e env) int {
	cfg := DefaultConfig()
	fs := newFlagSet("form diff", "form diff [--against draft|published] [--data-dir DIR] PATH...", e)
	registerDataDir(fs, &cfg)
	against := fs.String("against", "draft", "compare with the `version` staff are editing (draft: the draft, else the published one) or with the live one (published)")
	if err := parseFlags(fs, args, e.getenv, map[string]bool{"data-dir": true}); err != nil {
		return parseExit(err, e)
	}
	if fs.NArg() == 0 || (*against != "draft" && *against != "published") {
		fs.Usage()
		return exitUsage
	}
	defs, files, ok := loadDefinitionSet(e, fs.Args(), false)
	if !ok {
		return exitUsage
	}
	return storeCommand(cfg, fs, "form diff", files, true, exitUsage, e, func(st *store) int {
		code := exitOK
		for _, d := range defs {
			same, err := diffDefinition(ctx, st.Forms, e, d, *against == "published")
			if err != nil {
				fmt.Fprintf(e.stderr, "%s: %s\n", d.file, describe(err))
				return exitUsage
			}
			if !same {
				code = exitError
			}
		}
		return code
	})
}

// diffDefinition prints how the stored form differs from d and says
// whether it does not.
func diffDefinition(ctx context.Context, forms modulario.FormService, e env, d defFile, published bool) (bool, error) {
	prefix := d.file + ": " + d.def.Slug + ": "
	form, err := forms.FindForm(ctx, d.def.Slug)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		fmt.Fprintln(e.stdout, prefix+"new form")
		return false, nil
	} else if err != nil {
		return false, err
	}
	number, label := currentVersion(form)
	if published {
		number, label = form.Published, "published"
	}
	if number == 0 {
		fmt.Fprintln(e.stdout, prefix+"never published")
		return false, nil
	}
	stored, err := storedDefinition(ctx, forms, form.Slug, number)
	if err != nil {
		return false, err
	}
	if bytes.Equal(stored, d.canon) {
		fmt.Fprintf(e.stdout, "%sno differences with %s v%d\n", prefix, label, number)
		return true, nil
	}
	changes := formedit.Diff(stored, d.canon)
	fmt.Fprintf(e.stdout, "%s%s against %s v%d\n", prefix, countChanges(changes), label, number)
	printChanges(e.stdout, changes)
	return false, nil
}

// countChanges is "N changes", or a note when only the key order (or
// something the summary does not list) differs.
func countChanges(changes []formedit.Change) string {
	switch len(changes) {
	case 0:
		return "differs in key order or in details not listed"
	case 1:
		return "1 change"
	}
	return fmt.Sprintf("%d changes", len(changes))
}
