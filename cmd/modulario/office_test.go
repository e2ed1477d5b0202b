package main

import (
	"strings"
	"testing"
)

// TestOfficeRemoveInUse: an office the demo forms route to, or a user
// belongs to, is not removed, and the forms and users are named; once
// unused it goes.
func TestOfficeRemoveInUse(t *testing.T) {
	dir := t.TempDir()
	writeDemoFile(t, dir, "richiesta-assistenza")
	c := cli{t: t, dataDir: t.TempDir()}
	addOffices(t, c)
	c.mustRun(exitOK, "form", "import", "--publish", dir)
	if code, _, errOut := runStdin(t, c.dataDir, pw1, "user", "add", "--role", "operator", "--office", "anagrafe", "anna@comune.example"); code != exitOK {
		t.Fatalf("user add: %s", errOut)
	}
	for slug, want := range map[string]string{"urp": "/forms/richiesta-assistenza: default office", "anagrafe": "/users/anna@comune.example: member"} {
		code, _, errOut := c.run("office", "remove", slug)
		if code != exitError || !strings.Contains(errOut, "still in use") || !strings.Contains(errOut, want) {
			t.Errorf("office remove %s: exit %d\n%s", slug, code, errOut)
		}
	}
	if out := c.mustRun(exitOK, "office", "list"); !strings.Contains(out, "urp\t") || !strings.Contains(out, "anagrafe\t") {
		t.Fatalf("offices in use were removed:\n%s", out)
	}
	c.mustRun(exitOK, "office", "remove", "servizio-idrico")
}

// TestOfficeAddWithoutEmailWarns: an office without an address is saved
// with a warning that its e-mails cannot be delivered.
func TestOfficeAddWithoutEmailWarns(t *testing.T) {
	c := cli{t: t, dataDir: t.TempDir()}
	code, out, errOut := c.run("office", "add", "--name", "Muto", "muto")
	if code != exitOK || !strings.Contains(out, "office muto saved") || !strings.Contains(errOut, "no e-mail address") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if _, _, errOut = c.run("office", "add", "--name", "URP", "--email", "urp@comune.example", "urp"); errOut != "" {
		t.Errorf("warning with an address: %s", errOut)
	}
}

// TestFormImportUnknownAssignee: a rule assigning to someone who is not a
// user stops the import, naming the rule; a user's address passes.
func TestFormImportUnknownAssignee(t *testing.T) {
	dir := t.TempDir()
	path := writeDemoFile(t, dir, "richiesta-assistenza")
	doc := string(readFile(t, path))
	rule := `"rules": [{"name": "Anna", "on": "submission.received", "then": [{"assign": "anna@comune.example"}]},`
	if !strings.Contains(doc, `"rules": [`) {
		t.Fatal("the demo form has no rules to extend")
	}
	writeFile(t, dir, "richiesta-assistenza.json", []byte(strings.Replace(doc, `"rules": [`, rule, 1)))
	c := cli{t: t, dataDir: t.TempDir()}
	addOffices(t, c)
	code, out, errOut := c.run("form", "import", dir)
	if code != exitError || !strings.Contains(out, `/rules/0 (Anna): assign "anna@comune.example" is not a user`) {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if code, _, errOut := runStdin(t, c.dataDir, pw1, "user", "add", "--role", "operator", "--office", "urp", "Anna@Comune.example"); code != exitOK {
		t.Fatalf("user add: %s", errOut)
	}
	c.mustRun(exitOK, "form", "import", dir)
}
