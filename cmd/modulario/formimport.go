package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
	"github.com/modulario/modulario/schemas"
)

// runFormImport validates every definition (files, or folders of *.json
// files) and checks them against the store before writing anything, then
// saves each as its form's draft, publishing it with --publish. With
// --dry-run it prints what would change and writes nothing.
func runFormImport(ctx context.Context, args []string, e env) int {
	cfg := DefaultConfig()
	fs := newFlagSet("form import", "form import [--dry-run] [--publish] [--data-dir DIR] PATH...", e)
	registerDataDir(fs, &cfg)
	publish := fs.Bool("publish", false, "publish each imported definition as the live version")
	dryRun := fs.Bool("dry-run", false, "print what would change, with the list of changes, and write nothing")
	if err := parseFlags(fs, args, e.getenv, map[string]bool{"data-dir": true}); err != nil {
		return parseExit(err, e)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	defs, files, ok := loadDefinitionSet(e, fs.Args(), false)
	if !ok {
		fmt.Fprintln(e.stderr, "modulario: nothing imported: fix the errors above")
		return exitError
	}
	return storeCommand(cfg, fs, "form import", files, *dryRun, exitError, e, func(st *store) int {
		ctx := cliContext(ctx)
		plans, err := planImport(ctx, st, e, defs, *publish)
		if err != nil {
			fmt.Fprintf(e.stderr, "modulario: nothing imported: %s\n", describe(err))
			return exitError
		}
		if *dryRun {
			for _, p := range plans {
				fmt.Fprintf(e.stdout, "%s: %s: %s\n", p.file, p.def.Slug, p.outcome())
				printChanges(e.stdout, p.changes)
			}
			fmt.Fprintln(e.stdout, "dry run: nothing was written")
			return exitOK
		}
		for i, p := range plans {
			if err := p.apply(ctx, st.Forms); err != nil {
				fmt.Fprintf(e.stderr, "%s: %s\n", p.file, describe(err))
				fmt.Fprintf(e.stderr, "modulario: import stopped: %s\n", partialImport(plans, i))
				return exitError
			}
			fmt.Fprintf(e.stdout, "%s: %s: %s\n", p.file, p.def.Slug, p.outcome())
			if p.writes() {
				recordCLI(ctx, st, e, "form.import", "form:"+p.def.Slug, p.outcome())
			}
		}
		return exitOK
	})
}

// partialImport says which forms were written before plans[failed] could
// not be: "forms already written: a, b; not written: c, d" (forms left
// unchanged count as neither).
func partialImport(plans []*formPlan, failed int) string {
	var done, left []string
	for i, p := range plans {
		switch {
		case !p.writes():
		case i < failed:
			done = append(done, p.def.Slug)
		default:
			left = append(left, p.def.Slug)
		}
	}
	msg := "no form was written"
	if len(done) > 0 {
		msg = "forms already written: " + strings.Join(done, ", ")
	}
	return msg + "; not written: " + strings.Join(left, ", ")
}

// importOutcome says what importing one definition did (the demo seed
// logs it).
type importOutcome struct {
	Slug    string
	Version int
}

// importDefinition stores def (canonical bytes canon) as the draft of its
// form, then publishes the draft when publish is set.
func importDefinition(ctx context.Context, forms modulario.FormService, def *schemas.Definition, canon []byte, publish bool) (importOutcome, error) {
	p, err := planForm(ctx, forms, defFile{def: def, canon: canon}, publish)
	if err != nil {
		return importOutcome{}, err
	}
	err = p.apply(ctx, forms)
	return importOutcome{Slug: def.Slug, Version: p.version}, err
}

// formPlan is what importing one definition does to the store, worked out
// before anything is written so --dry-run prints exactly what import does.
type formPlan struct {
	defFile
	action  string // created, updated or unchanged
	changes []formedit.Change
	// revert: the file equals the live version, so the draft is dropped.
	revert  bool
	publish bool // the draft goes live
	live    bool // version is the published one
	version int  // the form's draft (or live) version afterwards
}

// planForm compares d with the stored draft, else published, version. The
// comparison uses the canonical encoding, so a form saved in the editor and
// exported compares equal to its file.
func planForm(ctx context.Context, forms modulario.FormService, d defFile, publish bool) (*formPlan, error) {
	p := &formPlan{defFile: d, action: "created", version: 1, publish: publish, live: publish}
	form, err := forms.FindForm(ctx, d.def.Slug)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return p, nil
	} else if err != nil {
		return nil, err
	}
	current, _ := currentVersion(form)
	cur, err := storedDefinition(ctx, forms, form.Slug, current)
	if err != nil {
		return nil, err
	}
	p.version, p.live = current, form.Draft == 0
	if bytes.Equal(cur, d.canon) {
		p.action = "unchanged"
		p.publish = publish && form.Draft > 0
		p.live = p.live || p.publish
		return p, nil
	}
	p.action, p.changes = "updated", formedit.Diff(cur, d.canon)
	if form.Draft > 0 && form.Published > 0 {
		live, err := storedDefinition(ctx, forms, form.Slug, form.Published)
		if err != nil {
			return nil, err
		}
		if bytes.Equal(live, d.canon) {
			p.revert, p.publish, p.live, p.version = true, false, true, form.Published
			return p, nil
		}
	}
	if form.Draft == 0 {
		p.version = form.Latest + 1 // version numbers are never reused
	}
	p.live = publish
	return p, nil
}

// writes says whether applying the plan changes the store.
func (p *formPlan) writes() bool { return p.action != "unchanged" || p.publish }

// apply carries the plan out and records the resulting version.
func (p *formPlan) apply(ctx context.Context, forms modulario.FormService) error {
	var form *modulario.Form
	var err error
	switch {
	case p.revert:
		form, err = forms.DiscardDraft(ctx, p.def.Slug)
	case p.action != "unchanged":
		d := p.def
		meta := modulario.Form{Slug: d.Slug, Title: d.Title, Summary: d.Summary, Category: d.Category, Office: d.Office}
		form, _, err = forms.SaveDraft(ctx, meta, p.canon)
	}
	if err == nil && p.publish {
		form, err = forms.PublishDraft(ctx, p.def.Slug)
	}
	if err != nil || form == nil {
		return err
	}
	p.version, p.live = max(form.Draft, form.Published), form.Draft == 0
	return nil
}

// outcome is what the import printed for the plan: "created, draft v1",
// "updated (2 changes), published v3", "unchanged (published v1)",
// "published v2" (an identical draft went live).
func (p *formPlan) outcome() string {
	state := fmt.Sprintf("draft v%d", p.version)
	if p.live {
		state = fmt.Sprintf("published v%d", p.version)
	}
	switch {
	case p.action == "created":
		return "created, " + state
	case p.revert:
		return fmt.Sprintf("%s, draft discarded: %s is live", changeCount(p.changes), state)
	case p.action == "updated":
		return changeCount(p.changes) + ", " + state
	case p.publish:
		return state
	}
	return "unchanged (" + state + ")"
}

// changeCount is "updated (N changes)".
func changeCount(changes []formedit.Change) string {
	return "updated (" + countChanges(changes) + ")"
}

// printChanges prints one indented line per change, diff-style: + added,
// - removed, ~ changed. Values are quoted, so Markdown with line breaks
// stays on one line.
func printChanges(w io.Writer, changes []formedit.Change) {
	for _, c := range changes {
		switch {
		case c.Kind == formedit.Added:
			fmt.Fprintf(w, "  + %s: %q\n", c.What, c.To)
		case c.Kind == formedit.Removed:
			fmt.Fprintf(w, "  - %s: %q\n", c.What, c.From)
		default:
			fmt.Fprintf(w, "  ~ %s: %q → %q\n", c.What, c.From, c.To)
		}
	}
}

// planImport plans every definition, then runs the checks that need the
// store, the same the editor makes before publishing where they are cheap:
// every office a form or a rule routes to must exist; a form to publish
// needs an office and at least one field. It prints each problem with its
// file and returns an error naming the missing offices, so nothing is
// written unless every definition can be imported.
func planImport(ctx context.Context, st *store, e env, defs []defFile, publish bool) ([]*formPlan, error) {
	offices, err := st.Offices.ListOffices(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, o := range offices {
		known[o.Slug] = true
	}
	missing := map[string]bool{}
	problems := 0
	var plans []*formPlan
	for _, d := range defs {
		p, err := planForm(ctx, st.Forms, d, publish)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.file, err)
		}
		unknown, err := unknownAssignees(ctx, st.Users, p.canon)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.file, err)
		}
		for _, msg := range append(importProblems(p, known, missing), unknown...) {
			fmt.Fprintf(e.stdout, "%s: %s\n", d.file, msg)
			problems++
		}
		plans = append(plans, p)
	}
	if len(missing) > 0 {
		names := make([]string, 0, len(missing))
		for o := range missing {
			names = append(names, o)
		}
		sort.Strings(names)
		return nil, modulario.Errorf(modulario.EINVALID, "these offices do not exist: %s (create them first with \"modulario office add\")",
			strings.Join(names, ", "))
	}
	if problems > 0 {
		return nil, modulario.Errorf(modulario.EINVALID, "fix the problems above")
	}
	return plans, nil
}

// importProblems lists what stops p, adding unknown offices to missing.
func importProblems(p *formPlan, known, missing map[string]bool) []string {
	var out []string
	view := viewOf(p.canon)
	need := func(office, what string) {
		if office != "" && !known[office] {
			missing[office] = true
			out = append(out, fmt.Sprintf("%s: office %q does not exist", what, office))
		}
	}
	need(p.def.Office, "/office")
	for i, r := range view.Rules {
		need(r.Route, fmt.Sprintf("/rules/%d (%s)", i, r.Name))
	}
	if p.publish {
		if p.def.Office == "" {
			out = append(out, "cannot publish: /office: name the office that receives the requests")
		}
		if len(view.Fields) == 0 {
			out = append(out, "cannot publish: the form has no field to fill in")
		}
	}
	return out
}

// unknownAssignees lists the rules' assign actions that name no user.
func unknownAssignees(ctx context.Context, users modulario.UserService, canon []byte) ([]string, error) {
	d, err := formedit.Parse(canon)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range d.Assignees() {
		_, err := modulario.FindAssignee(ctx, users, a.Value)
		if modulario.ErrorCode(err) == modulario.ENOTFOUND {
			out = append(out, fmt.Sprintf("/rules/%d (%s): assign %q is not a user (write the e-mail address of an existing user)",
				a.Rule, a.Name, a.Value))
		} else if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// viewOf is the editor's view of a canonical definition (already parsed
// once, so it cannot fail).
func viewOf(canon []byte) *formedit.View {
	d, err := formedit.Parse(canon)
	if err != nil {
		return &formedit.View{}
	}
	return d.View()
}
