package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
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

// socketFiles carries file contents across the admin socket, keyed by the
// path as the user typed and sees it: the client reads the files of the
// PATH arguments and sends them (in), and the server sends back the files
// an export produces (out) for the client to write. The serving process
// never reads or writes those paths itself: under the shipped systemd
// unit it could not, and it must not leave files owned by its user in the
// team's repository.
type socketFiles struct {
	in, out map[string][]byte
	// answered: the server ran the command (set by forwardToServer).
	answered bool
}

// maxSocketFiles caps the files sent one way through the admin socket.
const maxSocketFiles = 64 << 20

// namedFile is one file read for a command, sent to a running server.
type namedFile struct {
	name string
	data []byte
}

// expandPaths turns PATH arguments into files: a directory stands for its
// files ending in ext (not its subdirectories), sorted by name, dotfiles
// skipped. A path that cannot be read, or a directory without such files,
// is reported in bad (path → error) and left out. On the admin socket the
// paths are the files the client sent (it expanded the folders).
func expandPaths(e env, paths []string, ext string) (files []string, bad map[string]error) {
	bad = map[string]error{}
	for _, p := range paths {
		if e.files != nil {
			if _, ok := e.files.in[p]; ok {
				files = append(files, p)
			} else {
				bad[p] = errors.New("not sent by the client")
			}
			continue
		}
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

// readInput reads one file expandPaths returned: from the client's files
// on the admin socket, else from the disk.
func readInput(e env, file string) ([]byte, error) {
	if e.files != nil {
		return e.files.in[file], nil
	}
	return os.ReadFile(file)
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
// ext) and turns each into an item with load, which returns the item and
// its slug. It prints every error of every file, with the file name and
// the JSON pointer, and each slug a second file uses again; ok is false if
// there was any. printOK also prints "FILE: ok" for each good file. files
// are the good files as read, to send to a running server.
func loadSet[T any](e env, paths []string, ext string, printOK bool,
	load func(file string, src []byte) (T, string, error)) (items []T, files []namedFile, ok bool) {
	names, bad := expandPaths(e, paths, ext)
	ok = !printBadPaths(e, bad)
	owners := map[string]string{}
	for _, file := range names {
		src, err := readInput(e, file)
		var item T
		var slug string
		if err == nil {
			item, slug, err = load(file, src)
		}
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
		files = append(files, namedFile{file, src})
	}
	return items, files, ok
}

// storeCommand runs fn on the store for a form or page command: the
// server's own store when the command came through its admin socket, else
// through a running server's socket, else on the database file opened
// here. readOnly commands refuse to create a database that does not exist;
// trouble is the exit code when the store cannot be reached.
//
// The client does all the file I/O: it sends inputs (the files of the
// PATH arguments, already read) with the command line, and writes the
// files a --dir export sends back.
func storeCommand(cfg Config, fs *flag.FlagSet, synopsis string, inputs []namedFile, readOnly bool, trouble int,
	e env, fn func(st *store) int) int {
	if e.shared != nil {
		return fn(e.shared)
	}
	sf := &socketFiles{in: map[string][]byte{}}
	size := 0
	for _, f := range inputs {
		sf.in[f.name] = f.data
		size += len(f.data)
	}
	if size > maxSocketFiles {
		fmt.Fprintf(e.stderr, "modulario: the files add up to %d MiB, more than the %d MiB the running server's admin socket takes: pass fewer at a time\n",
			size>>20, maxSocketFiles>>20)
		return trouble
	}
	var out, errOut bytes.Buffer
	if code, ok := forwardToServer(cfg.DataDir, forwardArgs(fs, inputs), synopsis, env{stdout: &out, stderr: &errOut, files: sf}); ok {
		if !sf.answered {
			fmt.Fprint(e.stderr, errOut.String())
			return trouble
		}
		if err := writeExported(e, fs, sf.out); err != nil {
			fmt.Fprintf(e.stderr, "modulario: %v\n", err)
			code = exitError
		}
		fmt.Fprint(e.stdout, out.String())
		fmt.Fprint(e.stderr, errOut.String())
		return code
	}
	if readOnly {
		if _, err := os.Stat(cfg.DBPath()); errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(e.stderr, "modulario: no database at %s (set --data-dir or MODULARIO_DATA_DIR)\n", cfg.DBPath())
			return trouble
		}
	}
	st, err := openStore(cfg.DBPath())
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: %v\n", err)
		return trouble
	}
	defer st.Close()
	return fn(st)
}

// forwardArgs rebuilds a parsed command line for the server: the flags
// that were set (--data-dir aside: the server uses its own store) as
// --name=value, then the names of the input files (the folders expanded),
// or the positional arguments of a command without inputs.
func forwardArgs(fs *flag.FlagSet, inputs []namedFile) []string {
	var out []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "data-dir" {
			out = append(out, "--"+f.Name+"="+f.Value.String())
		}
	})
	out = append(out, "--")
	if inputs == nil {
		return append(out, fs.Args()...)
	}
	for _, f := range inputs {
		out = append(out, f.name)
	}
	return out
}

// writeExported writes the files a --dir export run by the server sent
// back, in name order, printing each path. Each must be in the --dir
// folder.
func writeExported(e env, fs *flag.FlagSet, files map[string][]byte) error {
	if len(files) == 0 {
		return nil
	}
	var dir string
	if f := fs.Lookup("dir"); f != nil {
		dir = f.Value.String()
	}
	names := make([]string, 0, len(files))
	for name := range files {
		if dir == "" || filepath.Dir(name) != filepath.Clean(dir) {
			return fmt.Errorf("the server sent %s, outside the --dir folder", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return writeFiles(e, dir, names, func(i int) ([]byte, error) { return files[names[i]], nil })
}

// writeFiles creates dir if missing, then writes data(i) to each paths[i]
// in turn, atomically, printing "wrote PATH" after each; it stops at the
// first error.
func writeFiles(e env, dir string, paths []string, data func(i int) ([]byte, error)) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, path := range paths {
		b, err := data(i)
		if err != nil {
			return err
		}
		if err := writeFileAtomic(path, b); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "wrote %s\n", path)
	}
	return nil
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
// stdout when dir is empty. With all, list gives the slugs. On the admin
// socket the files go back to the client, which writes them.
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
	paths := make([]string, len(slugs))
	for i, slug := range slugs {
		paths[i] = filepath.Join(dir, slug+ext)
	}
	data := func(i int) ([]byte, error) {
		b, err := content(slugs[i])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", slugs[i], err)
		}
		return b, nil
	}
	if e.files == nil {
		return writeFiles(e, dir, paths, data)
	}
	size := 0 // the client writes the files
	for i, path := range paths {
		b, err := data(i)
		if err != nil {
			return err
		}
		if size += len(b); size > maxSocketFiles {
			return fmt.Errorf("more than %d MiB to send back through the admin socket: export fewer at a time", maxSocketFiles>>20)
		}
		e.files.out[path] = b
	}
	return nil
}
