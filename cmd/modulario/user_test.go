package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/password"
)

// runStdin runs the program in-process with stdin and MODULARIO_DATA_DIR.
func runStdin(t *testing.T, dataDir, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(k string) string {
		if k == "MODULARIO_DATA_DIR" {
			return dataDir
		}
		return ""
	}}
	code = run(context.Background(), args, e)
	return code, out.String(), errOut.String()
}

// withStore opens the stopped store of dataDir for fn.
func withStore(t *testing.T, dataDir string, fn func(st *store)) {
	t.Helper()
	st, err := openStore(filepath.Join(dataDir, "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fn(st)
}

const pw1, pw2 = "una password lunga", "un'altra password lunga"

// newUserDir returns a data directory with the office "urp".
func newUserDir(t *testing.T) string {
	dir := t.TempDir()
	if code, _, errOut := runStdin(t, dir, "", "office", "add", "--name", "URP", "--email", "urp@comune.example", "urp"); code != 0 {
		t.Fatalf("office add: %s", errOut)
	}
	return dir
}

func TestUserAddRefuses(t *testing.T) {
	dir := newUserDir(t)
	for _, bad := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"corta\n", []string{"--role", "editor", "a@comune.example"}, "at least 12 characters"},
		{"", []string{"--role", "editor", "a@comune.example"}, "no password"},
		{pw1, []string{"--role", "boss", "a@comune.example"}, "/role: "},
		{pw1, []string{"--role", "editor", "non-un-indirizzo"}, "/email: "},
		{pw1, []string{"--role", "editor", "--office", "urp,nessuno", "a@comune.example"}, `office "nessuno" does not exist`},
		{"", []string{"--password-hash", "plain", "--role", "editor", "a@comune.example"}, "must be a bcrypt hash"},
	} {
		code, _, errOut := runStdin(t, dir, bad.stdin, append([]string{"user", "add"}, bad.args...)...)
		if code != exitError || !strings.Contains(errOut, bad.want) {
			t.Errorf("user add %v: code %d, stderr %q, want %q", bad.args, code, errOut, bad.want)
		}
	}
	withStore(t, dir, func(st *store) {
		if n, err := st.Users.CountUsers(context.Background()); err != nil || n != 0 {
			t.Errorf("refused commands left %d accounts (%v)", n, err)
		}
	})
}

func TestUserCommands(t *testing.T) {
	dir := newUserDir(t)
	ctx := context.Background()
	code, out, errOut := runStdin(t, dir, pw1+"\n", "user", "add", "--role", "editor", "--office", "urp",
		"--name", "Mario Rossi", "Mario.Rossi@Comune.example")
	if code != 0 || !strings.Contains(out, "user mario.rossi@comune.example created") {
		t.Fatalf("user add: %d %q %q", code, out, errOut)
	}
	if code, _, errOut = runStdin(t, dir, pw1, "user", "add", "--role", "admin", "MARIO.rossi@comune.example"); code != exitError ||
		!strings.Contains(errOut, "Another account uses") {
		t.Errorf("duplicate e-mail: %d %q", code, errOut)
	}
	if code, out, _ = runStdin(t, dir, "", "user", "list"); code != 0 ||
		!strings.Contains(out, "\tmario.rossi@comune.example\teditor\tMario Rossi\turp\n") || strings.Contains(out, "$2") {
		t.Errorf("user list: %d %q", code, out)
	}

	var id string
	withStore(t, dir, func(st *store) {
		u, err := st.Users.FindUserByEmail(ctx, "mario.rossi@comune.example")
		if err != nil {
			t.Fatal(err)
		}
		if !password.CheckPassword(u.PasswordHash, pw1) || u.MustChangePassword {
			t.Fatalf("stored user: %+v", u)
		}
		id = u.ID
		exp := time.Now().Add(time.Hour)
		if err := st.Sessions.CreateSession(ctx, &modulario.Session{ID: "s1", UserID: id, ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
	})
	if code, out, errOut = runStdin(t, dir, pw2+"\n", "user", "passwd", "mario.rossi@comune.example"); code != 0 ||
		!strings.Contains(out, "1 session(s) signed out") {
		t.Fatalf("user passwd: %d %q %q", code, out, errOut)
	}
	if code, out, _ = runStdin(t, dir, "", "user", "set-role", "mario.rossi@comune.example", "admin"); code != 0 ||
		!strings.Contains(out, "is now admin") {
		t.Errorf("set-role: %d %q", code, out)
	}
	if code, _, _ = runStdin(t, dir, "", "user", "set-role", "mario.rossi@comune.example", "boss"); code != exitError {
		t.Errorf("set-role to an unknown role: %d", code)
	}
	checkPasswdAndRole(t, dir, id)
	if code, out, _ = runStdin(t, dir, "", "user", "remove", "mario.rossi@comune.example"); code != 0 || !strings.Contains(out, "removed") {
		t.Errorf("user remove: %d %q", code, out)
	}
	if code, _, errOut = runStdin(t, dir, "", "user", "remove", "mario.rossi@comune.example"); code != exitError ||
		!strings.Contains(errOut, "User not found") {
		t.Errorf("second remove: %d %q", code, errOut)
	}
	checkUserAudit(t, dir, id)
}

// checkPasswdAndRole checks the account after passwd and set-role.
func checkPasswdAndRole(t *testing.T, dir, id string) {
	t.Helper()
	ctx := context.Background()
	withStore(t, dir, func(st *store) {
		u, err := st.Users.FindUser(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !password.CheckPassword(u.PasswordHash, pw2) || password.CheckPassword(u.PasswordHash, pw1) || u.Role != modulario.RoleAdmin {
			t.Errorf("after passwd and set-role: %+v", u)
		}
		if _, err := st.Sessions.FindSession(ctx, "s1", time.Now()); modulario.ErrorCode(err) != modulario.ENOTFOUND {
			t.Errorf("session survived the password change: %v", err)
		}
	})
}

// checkUserAudit checks that every command on the account was audited as
// the CLI, with no secret in the details.
func checkUserAudit(t *testing.T, dir, id string) {
	t.Helper()
	withStore(t, dir, func(st *store) {
		list, err := st.Audit.ListAudit(context.Background(), modulario.AuditFilter{Actor: cliActor, Target: "user:" + id})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range list {
			actions = append(actions, e.Action)
			if strings.Contains(e.Detail, pw1) || strings.Contains(e.Detail, "$2") {
				t.Errorf("audit detail leaks a secret: %q", e.Detail)
			}
		}
		if got := strings.Join(actions, ","); got != "user.delete,user.role,user.password,user.create" {
			t.Errorf("audit actions = %s", got)
		}
	})
}

// TestUserCommandsThroughSocket: while serve holds the lock, user add reads
// the password here and sends only its hash through the admin socket.
func TestUserCommandsThroughSocket(t *testing.T) {
	skipWithoutBinary(t)
	bin, dataDir := buildBinary(t), t.TempDir()
	startServer(t, bin, dataDir, freeAddr(t))
	cmd := exec.Command(bin, "user", "add", "--role", "operator", "--office", "urp", "operatrice@comune.example")
	cmd.Env = append(cmd.Environ(), "MODULARIO_DATA_DIR="+dataDir)
	cmd.Stdin = strings.NewReader("una password lunga\n")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "user operatrice@comune.example created") {
		t.Fatalf("user add through the socket: %v %s", err, out)
	}
	list, code := runCLI(t, bin, dataDir, "user", "list")
	if code != 0 || !strings.Contains(list, "\toperatrice@comune.example\toperator\t") {
		t.Fatalf("user list through the socket: %d %q", code, list)
	}
}
