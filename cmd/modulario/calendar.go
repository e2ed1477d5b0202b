package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/modulario/modulario"
)

// runCalendar dispatches the calendar subcommands. Import works on the
// database file with the server stopped, like form import (staff manage
// calendars in the back-office, /admin/calendari, while it runs); list and
// export also go through a running server's admin socket.
func runCalendar(ctx context.Context, args []string, e env) int {
	return dispatch(ctx, "calendar", args, e, map[string]func(context.Context, []string, env) int{
		"import": runCalendarImport,
		"export": runCalendarExport,
		"list":   runCalendarList,
	})
}

// runCalendarImport saves the calendars of each JSON file (one calendar
// object, or an array of them), all checked before any is saved.
func runCalendarImport(ctx context.Context, args []string, e env) int {
	cfg := DefaultConfig()
	fs := newFlagSet("calendar import", "calendar import [--data-dir DIR] FILE...", e)
	registerDataDir(fs, &cfg)
	if err := parseFlags(fs, args, e.getenv, map[string]bool{"data-dir": true}); err != nil {
		return parseExit(err, e)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	var cals []*modulario.Calendar
	failed := false
	for _, file := range fs.Args() {
		list, err := readCalendars(file)
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", file, err)
			failed = true
			continue
		}
		for _, c := range list {
			if err := c.Validate(); err != nil {
				failed = true
				fmt.Fprintf(e.stderr, "%s: calendar %q: %s\n", file, c.Slug, describe(err))
			}
		}
		cals = append(cals, list...)
	}
	if failed {
		fmt.Fprintln(e.stderr, "modulario: nothing imported: fix the errors above")
		return exitError
	}
	st, err := openStore(cfg.DBPath())
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: %v\n", err)
		return exitError
	}
	defer st.Close()
	for _, c := range cals {
		if err := st.Calendars.SaveCalendar(ctx, c); err != nil {
			fmt.Fprintf(e.stderr, "calendar %s: %s\n", c.Slug, describe(err))
			return exitError
		}
		fmt.Fprintf(e.stdout, "calendar %s saved: %s\n", c.Slug, c.Name)
	}
	return exitOK
}

// readCalendars reads one calendar or an array of calendars.
func readCalendars(file string) ([]*modulario.Calendar, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var list []*modulario.Calendar
	if err := json.Unmarshal(raw, &list); err == nil {
		return list, nil
	}
	var one modulario.Calendar
	if err := json.Unmarshal(raw, &one); err != nil {
		return nil, fmt.Errorf("not a calendar or a list of calendars: %w", err)
	}
	return []*modulario.Calendar{&one}, nil
}

// runCalendarExport prints a calendar as JSON (the import format).
func runCalendarExport(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "calendar export SLUG", exactly(1), nil, func(st *store, args []string) error {
		c, err := st.Calendars.FindCalendar(ctx, args[0])
		if err != nil {
			return err
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	})
}

// runCalendarList prints slug, office, kind and name of every calendar.
func runCalendarList(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "calendar list", exactly(0), nil, func(st *store, _ []string) error {
		cals, err := st.Calendars.ListCalendars(ctx)
		if err != nil {
			return err
		}
		for _, c := range cals {
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", c.Slug, c.Office, c.Kind, c.Name)
		}
		return nil
	})
}

// runCalendarRead is the part of the calendar group the admin socket runs
// for a serving process: reading is safe there; import reads a file and
// runs on the stopped store only.
func runCalendarRead(ctx context.Context, args []string, e env) int {
	return dispatch(ctx, "calendar", args, e, map[string]func(context.Context, []string, env) int{
		"export": runCalendarExport,
		"list":   runCalendarList,
	})
}
