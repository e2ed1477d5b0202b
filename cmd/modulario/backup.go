package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage"
)

// A backup runs inside the server when one holds the database, so it is
// taken hot (one read transaction) without stopping the service; a
// restore never does: it needs the database closed.
func init() {
	adminCommands["backup"] = runBackup
	// A large store (attachments live in the file) takes minutes to copy.
	adminTimeouts["backup"] = 2 * time.Hour
}

// runBackup writes a consistent copy of the database to FILE:
// modulario backup FILE
func runBackup(ctx context.Context, args []string, e env) int {
	args = flagsFirst(args, map[string]bool{"data-dir": true})
	// The server process writes the file: a relative name would land in
	// its working directory, not the caller's.
	if n := len(args); n > 0 && !strings.HasPrefix(args[n-1], "-") {
		if abs, err := filepath.Abs(args[n-1]); err == nil {
			args[n-1] = abs
		}
	}
	return adminCommand(args, e, "backup FILE", exactly(1), nil, func(st *store, args []string) error {
		start := time.Now()
		info, err := st.db.Backup(ctx, args[0])
		if err != nil {
			return fmt.Errorf("backup to %s failed: %w", args[0], err)
		}
		by := ""
		if e.shared != nil {
			by = " by the server process"
		}
		fmt.Fprintf(e.stdout, "Backup written to %s%s: %s, %d requests, %d attachments, in %s.\n",
			args[0], by, humanSize(info.Size), info.Submissions, info.Attachments, time.Since(start).Round(time.Millisecond))
		if e.shared != nil && underTmp(args[0]) {
			fmt.Fprintf(e.stderr, "modulario: warning: the server may have a private /tmp (systemd PrivateTmp), so %s may not be visible to you; prefer e.g. /var/backups/modulario.\n", args[0])
		}
		return nil
	})
}

// underTmp reports whether path is inside /tmp or /var/tmp, which a
// service may see privately (systemd PrivateTmp).
func underTmp(path string) bool {
	p := filepath.Clean(path)
	for _, dir := range []string{"/tmp", "/var/tmp"} {
		if p == dir || strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

// runRestore replaces the database of the data directory with a backup:
// modulario restore FILE [--data-dir DIR] [--force]
func runRestore(_ context.Context, args []string, e env) int {
	cfg := DefaultConfig()
	var force bool
	const synopsis = "restore FILE [--data-dir DIR] [--force]"
	fs := newFlagSet("restore", synopsis, e)
	registerDataDir(fs, &cfg)
	fs.BoolVar(&force, "force", false, "replace an existing database; the current file is kept as modulario.db.before-restore-TIME")
	if err := parseFlags(fs, flagsFirst(args, map[string]bool{"data-dir": true}), e.getenv, map[string]bool{"data-dir": true}); err != nil {
		return parseExit(err, e)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	src, dst := fs.Arg(0), cfg.DBPath()
	keep := ""
	if force {
		keep = dst + ".before-restore-" + time.Now().Format("20060102-150405")
	}
	start := time.Now()
	info, err := storage.RestoreBackup(src, dst, keep)
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: %s\n", restoreError(err, src, dst))
		return exitError
	}
	fmt.Fprintf(e.stdout, "Restored %s into %s: %s, %d requests, %d attachments, in %s.\n",
		src, dst, humanSize(info.Size), info.Submissions, info.Attachments, time.Since(start).Round(time.Millisecond))
	if keep != "" && fileExists(keep) {
		fmt.Fprintf(e.stdout, "The previous database is kept as %s.\n", keep)
	}
	return exitOK
}

// restoreError explains why a restore was refused.
func restoreError(err error, src, dst string) string {
	switch {
	case errors.Is(err, storage.ErrBadBackup):
		return fmt.Sprintf("%s cannot be restored: the check failed, nothing was changed.\n%v", src, err)
	case errors.Is(err, storage.ErrLocked):
		return fmt.Sprintf("%s is in use by a running modulario: stop the server before restoring (a restore never runs through the server).", dst)
	case modulario.ErrorCode(err) == modulario.ECONFLICT:
		return fmt.Sprintf("%s already exists: add --force to replace it (the current file is kept as %s.before-restore-TIME).", dst, filepath.Base(dst))
	}
	return fmt.Sprintf("restore failed: %s", describe(err))
}

// flagsFirst moves positional arguments after the flags, so "restore
// FILE --force" parses like "restore --force FILE" (the flag package
// stops at the first positional argument). valued names the flags that
// take a separate value.
func flagsFirst(args []string, valued map[string]bool) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if valued[name] && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		default:
			pos = append(pos, a)
		}
	}
	return append(flags, pos...)
}

// humanSize formats a file size for people: "12.3 MB".
func humanSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	f, i := float64(n), 0
	for f >= unit && i < 4 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %cB", f, "kMGTP"[i-1])
}

// fileExists reports whether path names an existing file.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
