package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Forms and pages as code: the form and page commands take files and
// folders, so a team keeps its definitions in git and deploys them from
// CI. The commands that touch the store also run inside a serving process
// through its admin socket, like the office and token commands.
func init() {
	adminCommands["form"] = runFormServed
	adminCommands["page"] = runPageServed
}

// expandPaths turns PATH arguments into files: a directory stands for its
// files ending in ext (not its subdirectories), sorted by name, dotfiles
// skipped. A path that cannot be read, or a directory without such files,
// is reported in bad (path → error) and left out.
func expandPaths(paths []string, ext string) (files []string, bad map[string]error) {
	bad = map[string]error{}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			bad[p] = err
			continue
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			bad[p] = err
			continue
		}
		var found []string
		for _, ent := range entries {
			name := ent.Name()
			if ent.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ext) {
				continue
			}
			found = append(found, filepath.Join(p, name))
		}
		if len(found) == 0 {
			bad[p] = fmt.Errorf("no %s files in this folder", ext)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, bad
}

// printBadPaths prints the paths expandPaths could not use, sorted, and
// says whether there were any.
func printBadPaths(e env, bad map[string]error) bool {
	paths := make([]string, 0, len(bad))
	for p := range bad {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		msg := bad[p].Error()
		if errors.Is(bad[p], os.ErrNotExist) {
			msg = "no such file or folder"
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", p, msg)
	}
	return len(paths) > 0
}

// loadSet reads the files of paths (files, or folders of files ending in
// ext) with load, which returns the item and its slug. It prints every
// error of every file, with the file name and the JSON pointer, and each
// slug a second file uses again; ok is false if there was any. printOK
// also prints "FILE: ok" for each good file.
func loadSet[T any](e env, paths []string, ext string, printOK bool, load func(file string) (T, string, error)) (items []T, ok bool) {
	files, bad := expandPaths(paths, ext)
	ok = !printBadPaths(e, bad)
	owners := map[string]string{}
	for _, file := range files {
		item, slug, err := load(file)
		if err != nil {
			printLoadErrors(e, file, err)
			ok = false
			continue
		}
		if first, dup := owners[slug]; dup {
			fmt.Fprintf(e.stdout, "%s: /slug: slug %q is also used by %s\n", file, slug, first)
			ok = false
			continue
		}
		owners[slug] = file
		if printOK {
			fmt.Fprintf(e.stdout, "%s: ok\n", file)
		}
		items = append(items, item)
	}
	return items, ok
}

// storeCommand runs fn on the store for a form or page command: the
// server's own store when the command came through its admin socket, else
// through a running server's socket, else on the database file opened
// here. readOnly commands refuse to create a database that does not exist.
// The command line is rebuilt for the server with every path made absolute
// (the server resolves them from its own working directory): pathFlags
// names the flags that hold paths, and every positional argument is a path
// when pathArgs is set.
func storeCommand(cfg Config, fs *flag.FlagSet, synopsis string, pathFlags map[string]bool, pathArgs, readOnly bool,
	e env, fn func(st *store) int) int {
	if e.shared != nil {
		return fn(e.shared)
	}
	fwd, err := forwardArgs(fs, pathFlags, pathArgs)
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: %v\n", err)
		return exitError
	}
	var out, errOut bytes.Buffer
	if code, ok := forwardToServer(cfg.DataDir, fwd, synopsis, env{stdout: &out, stderr: &errOut}); ok {
		relative := len(pathFlags) > 0 || pathArgs
		fmt.Fprint(e.stdout, relativePaths(out.String(), relative))
		fmt.Fprint(e.stderr, relativePaths(errOut.String(), relative))
		return code
	}
	if readOnly {
		if _, err := os.Stat(cfg.DBPath()); errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(e.stderr, "modulario: no database at %s (set --data-dir or MODULARIO_DATA_DIR)\n", cfg.DBPath())
			return exitError
		}
	}
	st, err := openStore(cfg.DBPath())
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: %v\n", err)
		return exitError
	}
	defer st.Close()
	return fn(st)
}

// forwardArgs rebuilds a parsed command line: the flags that were set
// (--data-dir aside: the server uses its own store) as --name=value, then
// the positional arguments, with paths made absolute.
func forwardArgs(fs *flag.FlagSet, pathFlags map[string]bool, pathArgs bool) ([]string, error) {
	var out []string
	var err error
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "data-dir" || err != nil {
			return
		}
		v := f.Value.String()
		if pathFlags[f.Name] {
			v, err = filepath.Abs(v)
		}
		out = append(out, "--"+f.Name+"="+v)
	})
	for _, a := range fs.Args() {
		if pathArgs && err == nil {
			a, err = filepath.Abs(a)
		}
		out = append(out, a)
	}
	return out, err
}

// relativePaths turns the absolute paths the server prints at the start of
// a line (or after "wrote ") back into paths relative to the working
// directory, as the user typed them. Output without paths (a definition
// exported to stdout) is left alone.
func relativePaths(text string, paths bool) string {
	cwd, err := os.Getwd()
	if !paths || err != nil || cwd == string(filepath.Separator) {
		return text
	}
	re := regexp.MustCompile(`(?m)^(wrote )?` + regexp.QuoteMeta(cwd+string(filepath.Separator)))
	return re.ReplaceAllString(text, "$1")
}

// writeFileAtomic replaces path with data through a temporary file in the
// same folder, so an interrupted export never leaves half a file in the
// team's repository.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// exportTargets checks the SLUG arguments of an export command against
// --all and --dir: one slug may go to stdout; several, or --all, need a
// folder. It returns false after printing the usage.
func exportTargets(fs *flag.FlagSet, all bool, dir string) bool {
	switch {
	case all && fs.NArg() > 0, !all && fs.NArg() == 0:
		return false
	case dir == "" && (all || fs.NArg() > 1):
		return false
	}
	return true
}

// exportTo writes the content of each slug into dir as SLUG+ext (dir is
// created if missing), printing each path, or the one slug's content to
// stdout when dir is empty. With all, list gives the slugs.
func exportTo(e env, dir, ext string, all bool, slugs []string, list func() ([]string, error),
	content func(slug string) ([]byte, error)) error {
	if dir == "" {
		doc, err := content(slugs[0])
		if err == nil {
			_, err = e.stdout.Write(doc)
		}
		return err
	}
	if all {
		var err error
		if slugs, err = list(); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, slug := range slugs {
		data, err := content(slug)
		if err != nil {
			return fmt.Errorf("%s: %w", slug, err)
		}
		path := filepath.Join(dir, slug+ext)
		if err := writeFileAtomic(path, data); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "wrote %s\n", path)
	}
	return nil
}
