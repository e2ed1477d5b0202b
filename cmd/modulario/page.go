package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/markdown"
)

// runPage dispatches the page subcommands.
func runPage(ctx context.Context, args []string, e env) int {
	return dispatch(ctx, "page", args, e, map[string]func(context.Context, []string, env) int{
		"validate": func(_ context.Context, args []string, e env) int { return runPageValidate(args, e) },
		"import":   runPageImport,
		"export":   runPageExport,
	})
}

// runPageServed is the part of the page group the admin socket runs for a
// serving process.
func runPageServed(ctx context.Context, args []string, e env) int {
	return dispatch(ctx, "page", args, e, map[string]func(context.Context, []string, env) int{
		"import": runPageImport,
		"export": runPageExport,
	})
}

// pageFile is a landing page read from a Markdown file.
type pageFile struct {
	file string
	page *modulario.Page
}

// runPageValidate checks page files (a folder stands for its *.md files)
// without a database: front matter, slug, title, sizes, and slugs used by
// two files.
func runPageValidate(args []string, e env) int {
	return runValidate(args, e, "page validate", func(paths []string) bool {
		_, _, ok := loadPageSet(e, paths, true)
		return ok
	})
}

// loadPageSet reads every page of paths (files, or folders of *.md
// files); see loadSet.
func loadPageSet(e env, paths []string, printOK bool) ([]pageFile, []namedFile, bool) {
	return loadSet(e, paths, ".md", printOK, func(file string, src []byte) (pageFile, string, error) {
		p, err := loadPage(src)
		if err != nil {
			return pageFile{}, "", err
		}
		return pageFile{file, p}, p.Slug, nil
	})
}

// loadPage parses one page file and checks it as the page editor does.
func loadPage(src []byte) (*modulario.Page, error) {
	if len(src) > modulario.PageMaxBody+4<<10 {
		return nil, modulario.Errorf(modulario.EINVALID, "the file is larger than %d KiB", modulario.PageMaxBody>>10)
	}
	p, err := markdown.UnmarshalPage(src)
	if err != nil {
		return nil, err
	}
	p.Title, p.Category = strings.TrimSpace(p.Title), strings.TrimSpace(p.Category)
	fields := map[string]string{}
	if !modulario.ValidPageSlug(p.Slug) {
		fields["/slug"] = fmt.Sprintf("use lowercase letters, digits and single hyphens (at most %d characters)", modulario.PageMaxSlug)
	}
	if !modulario.ValidPageTitle(p.Title) {
		fields["/title"] = fmt.Sprintf("the page needs a title of at most %d characters", modulario.PageMaxTitle)
	}
	if !modulario.ValidPageDescription(p.Description) {
		fields["/description"] = fmt.Sprintf("at most %d characters", modulario.PageMaxDescription)
	}
	if !modulario.ValidPageBody(p.Body) {
		fields["/body"] = fmt.Sprintf("at most %d KiB", modulario.PageMaxBody>>10)
	}
	if len(fields) > 0 {
		return nil, &modulario.Error{Code: modulario.EINVALID, Message: "the page is not valid", Fields: fields}
	}
	return p, nil
}

// runPageImport validates every page file first, then creates or replaces
// each page; with --dry-run it prints what would change and writes nothing.
func runPageImport(ctx context.Context, args []string, e env) int {
	cfg := DefaultConfig()
	fs := newFlagSet("page import", "page import [--dry-run] [--data-dir DIR] PATH...", e)
	registerDataDir(fs, &cfg)
	dryRun := fs.Bool("dry-run", false, "print what would change and write nothing")
	if err := parseFlags(fs, args, e.getenv, map[string]bool{"data-dir": true}); err != nil {
		return parseExit(err, e)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	pages, files, ok := loadPageSet(e, fs.Args(), false)
	if !ok {
		fmt.Fprintln(e.stderr, "modulario: nothing imported: fix the errors above")
		return exitError
	}
	return storeCommand(cfg, fs, "page import", files, *dryRun, exitError, e, func(st *store) int {
		ctx := cliContext(ctx)
		outcomes := make([]string, len(pages))
		for i, pf := range pages {
			out, err := planPage(ctx, st, e, pf)
			if err != nil {
				fmt.Fprintf(e.stderr, "%s: %s\n", pf.file, describe(err))
				return exitError
			}
			outcomes[i] = out
		}
		for i, pf := range pages {
			if !*dryRun && outcomes[i] != "unchanged" {
				if err := st.Pages.SavePage(ctx, pf.page); err != nil {
					fmt.Fprintf(e.stderr, "%s: %s\n", pf.file, describe(err))
					return exitError
				}
				recordCLI(ctx, st, e, "page.import", "page:"+pf.page.Slug, outcomes[i])
			}
			fmt.Fprintf(e.stdout, "%s: %s: %s\n", pf.file, pf.page.Slug, outcomes[i])
		}
		if *dryRun {
			fmt.Fprintln(e.stdout, "dry run: nothing was written")
		}
		return exitOK
	})
}

// planPage says what importing pf does: "created", "unchanged" or
// "updated (title, body)". It warns about forms the page shows that do not
// exist (their cards are left out), as they may be imported later.
func planPage(ctx context.Context, st *store, e env, pf pageFile) (string, error) {
	for _, slug := range markdown.ShortcodeSlugs(pf.page.Body) {
		if _, err := st.Forms.FindForm(ctx, slug); modulario.ErrorCode(err) == modulario.ENOTFOUND {
			fmt.Fprintf(e.stderr, "%s: warning: form %q does not exist\n", pf.file, slug)
		} else if err != nil {
			return "", err
		}
	}
	old, err := st.Pages.FindPage(ctx, pf.page.Slug)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return "created", nil
	} else if err != nil {
		return "", err
	}
	if bytes.Equal(pageFileBytes(old), pageFileBytes(pf.page)) {
		return "unchanged", nil
	}
	return "updated (" + strings.Join(pageChanges(old, pf.page), ", ") + ")", nil
}

// pageChanges names the front matter keys and the body where a and b differ.
func pageChanges(a, b *modulario.Page) []string {
	var out []string
	add := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	add("title", a.Title != b.Title)
	add("description", a.Description != b.Description)
	add("category", a.Category != b.Category)
	add("menu_order", a.MenuOrder != b.MenuOrder)
	add("published", a.Published != b.Published)
	add("body", strings.Trim(a.Body, "\n") != strings.Trim(b.Body, "\n"))
	return out
}

// runPageExport prints one page as Markdown with front matter, or writes
// DIR/SLUG.md for each page named (every page with --all).
func runPageExport(ctx context.Context, args []string, e env) int {
	cfg := DefaultConfig()
	fs := newFlagSet("page export", "page export [--data-dir DIR] [--dir DIR] [--all | SLUG...]", e)
	registerDataDir(fs, &cfg)
	dir := fs.String("dir", "", "`folder` to write SLUG.md files into (created if missing); without it one page goes to stdout")
	all := fs.Bool("all", false, "export every page, published or not (needs --dir)")
	if err := parseFlags(fs, args, e.getenv, map[string]bool{"data-dir": true}); err != nil {
		return parseExit(err, e)
	}
	if !exportTargets(fs, *all, *dir) {
		fs.Usage()
		return exitUsage
	}
	return storeCommand(cfg, fs, "page export", nil, true, exitError, e, func(st *store) int {
		list := func() ([]string, error) {
			pages, err := st.Pages.ListPages(ctx, modulario.PageFilter{})
			var slugs []string
			for _, p := range pages {
				slugs = append(slugs, p.Slug)
			}
			return slugs, err
		}
		content := func(slug string) ([]byte, error) {
			p, err := st.Pages.FindPage(ctx, slug)
			if err != nil {
				return nil, err
			}
			return pageFileBytes(p), nil
		}
		if err := exportTo(e, *dir, ".md", *all, fs.Args(), list, content); err != nil {
			fmt.Fprintf(e.stderr, "modulario: %s\n", describe(err))
			return exitError
		}
		return exitOK
	})
}

// pageFileBytes is a page's file, ending with exactly one newline so the
// file is clean in git. It is also how pages are compared: blank lines
// around the body do not count as a change, so importing an exported file
// leaves the page unchanged.
func pageFileBytes(p *modulario.Page) []byte {
	return append(bytes.TrimRight(markdown.MarshalPage(p), "\n"), '\n')
}
