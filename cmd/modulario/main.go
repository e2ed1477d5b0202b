// Command modulario serves Modulario's citizen-side forms and manages form
// definitions from the command line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command ran and failed
	exitUsage = 2 // bad command line or configuration
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usageText = `Modulario: forms and service pages for Italian comuni.

Usage:
  modulario serve [flags]                    serve the citizen site
  modulario form validate PATH...            check form definitions (files, or folders of *.json)
  modulario form import [--dry-run] [--publish] PATH...
                                             create or update forms from definitions
  modulario form export [--dir DIR] [--all | SLUG...]
                                             print a form's definition, or write DIR/SLUG.json files
  modulario form diff [--against draft|published] PATH...
                                             changes between files and stored forms (exit 1 if any)
  modulario page validate PATH...            check page files (files, or folders of *.md)
  modulario page import [--dry-run] PATH...  create or update landing pages from Markdown files
  modulario page export [--dir DIR] [--all | SLUG...]
                                             print a page as Markdown, or write DIR/SLUG.md files
  modulario calendar import FILE...          create or update appointment calendars from JSON
  modulario calendar export SLUG | list      print a calendar as JSON; list calendars
  modulario office add --name N --email A[,B] [--pec P] SLUG
                                             create or update an office
  modulario office list | remove SLUG        list or remove offices
  modulario webhook add NAME URL             register a webhook receiver (prints its secret once)
  modulario webhook list | remove NAME       list or remove webhook receivers
  modulario outbox list [--status S] [--channel C] [--submission ID]
                                             notifications and their state
  modulario outbox show ID | retry ID        one notification with its attempts; send it again now
  modulario user add --role admin|editor|operator [--office SLUG]... [--name N] [--must-change] EMAIL
                                             create a staff account (password from stdin, or prompted)
  modulario user list | remove EMAIL         list or remove staff accounts
  modulario user passwd EMAIL                set a new password (stdin, or prompted); signs the user out
  modulario user set-role EMAIL ROLE         change an account's role
  modulario token create --office SLUG [--office SLUG2]... --scope read|write [--pages] NAME
                                             create an API token for /api/v1 (prints its secret once);
                                             --pages also lets it read and manage landing pages
  modulario token list | revoke ID           list API tokens or revoke one for good
  modulario backup FILE                      write a consistent copy of the database (also while serving)
  modulario restore FILE [--force]           check a backup and make it the database (server stopped)
  modulario retention run [--dry-run]        apply the forms' retention policies now (the server does it daily)
  modulario dev seed --submissions N         fill the store with fake submissions (benchmarks)
  modulario version                          print the version
  modulario help                             print this help

office, webhook, outbox, user, token, backup, retention, calendar list/export and form/page import,
export and diff work while the server runs: they go through its admin socket.
Every flag of serve is also an environment variable: --data-dir <-> MODULARIO_DATA_DIR.
A flag wins over the environment, which wins over the default.
Run "modulario serve -h" for the list of settings.
`

// env is how commands read the environment and write output, so tests run
// them in-process.
type env struct {
	// stdin is where passwords are read from; nil reads nothing.
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// shared, when set, is the store of the running server: management
	// commands received on its admin socket use it instead of opening the
	// (locked) database file.
	shared *store
	// files, on the admin socket, holds the files the client read for a
	// form or page command and receives those an export produces.
	files *socketFiles
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// run dispatches a command line and returns the exit code.
func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usageText)
		return exitUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], e)
	case "form":
		return runForm(ctx, args[1:], e)
	case "page":
		return runPage(ctx, args[1:], e)
	case "calendar":
		return runCalendar(ctx, args[1:], e)
	case "office", "webhook", "outbox", "user", "token", "backup", "retention":
		return adminCommands[args[0]](ctx, args[1:], e)
	case "restore":
		return runRestore(ctx, args[1:], e)
	case "dev":
		return runDev(ctx, args[1:], e)
	case "version", "--version", "-version":
		fmt.Fprintf(e.stdout, "modulario %s\n", version)
		return exitOK
	case "help", "--help", "-help", "-h":
		fmt.Fprint(e.stdout, usageText)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "unknown command %q\n\n%s", args[0], usageText)
	return exitUsage
}

// newFlagSet returns a FlagSet that reports errors to e.stderr instead of exiting.
func newFlagSet(name, synopsis string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: modulario %s\n\nFlags (each also MODULARIO_<FLAG NAME> in the environment):\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseExit maps a flag parsing error to an exit code: 0 after -h, else 2.
func parseExit(err error, e env) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	// The flag package has already printed its own errors with the usage.
	var fe interface{ Unwrap() []error }
	if errors.As(err, &fe) {
		fmt.Fprintf(e.stderr, "modulario: %v\n", err)
	}
	return exitUsage
}
