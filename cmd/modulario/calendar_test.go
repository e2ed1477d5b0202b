package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// TestCalendarImportExport imports a calendar file, refuses a broken one
// without saving anything, lists and exports what was saved.
func TestCalendarImportExport(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runStdin(t, dir, "", "office", "add", "--name", "Anagrafe", "--email", "anagrafe@comune.example", "anagrafe"); code != exitOK {
		t.Fatalf("office add: %d %s", code, errOut)
	}
	cal := modulario.Calendar{Slug: "sportello", Name: "Sportello", Office: "anagrafe", Kind: modulario.CalendarPlace,
		Place: "Sede", SlotMinutes: 20, Capacity: 2, HorizonDays: 30}
	cal.Hours[1] = []modulario.Interval{{Start: "09:00", End: "12:00"}}
	good := writeJSON(t, dir, "good.json", cal)
	bad := cal
	bad.Slug, bad.Capacity = "rotto", 0
	broken := writeJSON(t, dir, "bad.json", []modulario.Calendar{bad})

	code, _, errOut := runStdin(t, dir, "", "calendar", "import", good, broken)
	if code != exitError || !strings.Contains(errOut, "/capacity") || !strings.Contains(errOut, "nothing imported") {
		t.Fatalf("broken file: code %d, stderr %q", code, errOut)
	}
	if code, out, _ := runStdin(t, dir, "", "calendar", "list"); code != exitOK || out != "" {
		t.Fatalf("nothing must be saved after a refused import: %d %q", code, out)
	}
	if code, _, errOut := runStdin(t, dir, "", "calendar", "import", good); code != exitOK {
		t.Fatalf("import: %d %s", code, errOut)
	}
	code, out, _ := runStdin(t, dir, "", "calendar", "list")
	if code != exitOK || !strings.HasPrefix(out, "sportello\tanagrafe\tplace\tSportello") {
		t.Fatalf("list: %d %q", code, out)
	}
	code, out, _ = runStdin(t, dir, "", "calendar", "export", "sportello")
	var back modulario.Calendar
	if code != exitOK || json.Unmarshal([]byte(out), &back) != nil || back.Capacity != 2 || back.Hours[1][0].End != "12:00" {
		t.Fatalf("export: %d %q", code, out)
	}
}

func writeJSON(t *testing.T, dir, name string, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
