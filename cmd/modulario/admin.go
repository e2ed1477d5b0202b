package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strings"

	"github.com/modulario/modulario"
)

// adminCommand opens the store named by --data-dir (or MODULARIO_DATA_DIR)
// for a management subcommand, parses its flags, and runs fn with the
// remaining arguments. It returns the exit code.
func adminCommand(args []string, e env, synopsis string, nargs func(int) bool,
	define func(fs *flag.FlagSet), fn func(st *store, args []string) error) int {
	cfg := DefaultConfig()
	fs := newFlagSet(synopsis, synopsis+" [--data-dir DIR]", e)
	registerDataDir(fs, &cfg)
	if define != nil {
		define(fs)
	}
	if err := parseFlags(fs, args, e.getenv, map[string]bool{"data-dir": true}); err != nil {
		return parseExit(err, e)
	}
	if !nargs(fs.NArg()) {
		fs.Usage()
		return exitUsage
	}
	st := e.shared
	if st == nil {
		// A running server holds the file: let it run the command.
		if code, ok := forwardToServer(cfg.DataDir, args, synopsis, e); ok {
			return code
		}
		var err error
		if st, err = openStore(cfg.DBPath()); err != nil {
			fmt.Fprintf(e.stderr, "modulario: %v\n", err)
			return exitError
		}
		defer st.Close()
	}
	if err := fn(st, fs.Args()); err != nil {
		fmt.Fprintf(e.stderr, "modulario: %s\n", describe(err))
		return exitError
	}
	return exitOK
}

// dispatch runs the subcommand of a command group, or prints usage.
func dispatch(ctx context.Context, group string, args []string, e env,
	cmds map[string]func(context.Context, []string, env) int) int {
	if len(args) > 0 {
		if cmd, ok := cmds[args[0]]; ok {
			return cmd(ctx, args[1:], e)
		}
		fmt.Fprintf(e.stderr, "unknown command \"%s %s\"\n\n", group, args[0])
	}
	fmt.Fprint(e.stderr, usageText)
	return exitUsage
}

func exactly(n int) func(int) bool { return func(got int) bool { return got == n } }

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// describe is the message for an error of a management command: the
// domain message for application errors, the whole error otherwise.
// Per-field messages follow, sorted by JSON pointer.
func describe(err error) string {
	if modulario.ErrorCode(err) == modulario.EINTERNAL {
		return err.Error()
	}
	msg := modulario.ErrorMessage(err)
	fields := modulario.ErrorFields(err)
	ptrs := make([]string, 0, len(fields))
	for p := range fields {
		ptrs = append(ptrs, p)
	}
	sort.Strings(ptrs)
	for _, p := range ptrs {
		msg += "\n  " + p + ": " + fields[p]
	}
	return msg
}
