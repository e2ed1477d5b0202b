package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage"
)

// runIn runs a command line in-process; shared, when set, is the store of
// a running server (as the admin socket passes it).
func runIn(t *testing.T, shared *store, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }, shared: shared})
	return code, out.String(), errOut.String()
}

// ackedRequest is a request whose CreateSubmission returned.
type ackedRequest struct {
	number, token, attachment string
	content                   []byte
}

// TestBackupUnderConcurrentSubmissions takes a backup while writers keep
// creating requests with a file each, restores it into a new data
// directory and checks that every request acknowledged before the backup
// began is there with its file. The backup's read transaction starts
// after Backup is called, so that is a sound lower bound; requests
// acknowledged during the backup may or may not be in it.
func TestBackupUnderConcurrentSubmissions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := openStore(filepath.Join(dir, "data", "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	var mu sync.Mutex
	var acked []ackedRequest
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				r, err := createWithFile(ctx, st, fmt.Sprintf("w%d-%d", w, i))
				if err != nil {
					errc <- err
					return
				}
				mu.Lock()
				acked = append(acked, r)
				mu.Unlock()
			}
		}()
	}
	ackedCount := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	for ackedCount() < 200 {
		select {
		case err := <-errc:
			t.Fatal(err)
		default:
			time.Sleep(5 * time.Millisecond)
		}
	}
	mu.Lock()
	before := append([]ackedRequest(nil), acked...)
	mu.Unlock()
	file := filepath.Join(dir, "backup", "modulario-backup.db")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runIn(t, st, "backup", file)
	close(stop)
	wg.Wait()
	if code != exitOK || !strings.Contains(out, "Backup written to "+file) || !strings.Contains(out, "requests") {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	select {
	case err := <-errc:
		t.Fatal(err)
	default:
	}
	t.Logf("%d requests acknowledged before the backup, %d in all; %s", len(before), ackedCount(), strings.TrimSpace(out))
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, mode %v", err, fi.Mode())
	}
	if _, err := os.Stat(file + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}

	restored := filepath.Join(dir, "restored")
	code, out, errOut = runIn(t, nil, "restore", file, "--data-dir", restored)
	if code != exitOK || !strings.Contains(out, "Restored ") {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	info, err := storage.VerifyBackup(filepath.Join(restored, "modulario.db"))
	if err != nil {
		t.Fatalf("restored file fails the check: %v", err)
	}
	if info.Submissions < len(before) || info.Submissions > ackedCount() {
		t.Errorf("restored %d requests; want between %d and %d", info.Submissions, len(before), ackedCount())
	}
	got, err := openStore(filepath.Join(restored, "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	for _, r := range before {
		sub, err := got.Submissions.FindSubmissionByNumber(ctx, r.number)
		if err != nil {
			t.Fatalf("request %s acknowledged before the backup is missing: %v", r.number, err)
		}
		if sub.Token != r.token || len(sub.Attachments) != 1 || sub.Attachments[0].ID != r.attachment {
			t.Fatalf("request %s restored as %+v", r.number, sub)
		}
		_, content, err := got.Attachments.FindAttachment(ctx, r.attachment)
		if err != nil || !bytes.Equal(content, r.content) {
			t.Fatalf("file of %s: %q, %v", r.number, content, err)
		}
	}
}

// createWithFile makes a request the way the citizen site does: a draft,
// a file uploaded to it, then the submission claiming both.
func createWithFile(ctx context.Context, st *store, name string) (ackedRequest, error) {
	d := &modulario.Draft{FormSlug: "segnalazione", Version: 1, Data: json.RawMessage(`{}`), ExpiresAt: time.Now().Add(time.Hour)}
	if err := st.Drafts.CreateDraft(ctx, d); err != nil {
		return ackedRequest{}, err
	}
	// 30 kB each, so the copy takes long enough for writers to commit
	// while it runs.
	content := bytes.Repeat([]byte("foto "+name+" "), 30000/(len(name)+6))
	a := &modulario.Attachment{Name: name + ".jpg", ContentType: "image/jpeg", Pointer: "/foto"}
	if err := st.Attachments.PutAttachment(ctx, a, "draft:"+d.Token, content); err != nil {
		return ackedRequest{}, err
	}
	sub := &modulario.Submission{FormSlug: "segnalazione", Version: 1, Office: "urp",
		Data:        json.RawMessage(fmt.Sprintf(`{"descrizione":"lampione spento %s","foto":%q}`, name, a.ID)),
		Attachments: []modulario.Attachment{{ID: a.ID, Pointer: "/foto"}}}
	if err := st.Submissions.CreateSubmission(ctx, sub, d.Token); err != nil {
		return ackedRequest{}, err
	}
	return ackedRequest{number: sub.Number, token: sub.Token, attachment: a.ID, content: content}, nil
}

// TestRestoreRefusals: a damaged or foreign file is refused and nothing
// changes; an existing database is kept unless --force, which keeps the
// old file beside the new one; a database held by another process is
// refused, --force or not.
func TestRestoreRefusals(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src", "modulario.db")
	st, err := openStore(src)
	if err != nil {
		t.Fatal(err)
	}
	r, err := createWithFile(context.Background(), st, "uno")
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.db")
	if code, out, errOut := runIn(t, st, "backup", good); code != exitOK {
		t.Fatalf("backup: %d %s%s", code, out, errOut)
	}

	target := filepath.Join(dir, "target")
	for name, content := range map[string][]byte{
		"garbage":   bytes.Repeat([]byte("not a database "), 1000),
		"truncated": readHead(t, good, 4096*3),
		"empty":     {},
	} {
		bad := filepath.Join(dir, name+".db")
		if err := os.WriteFile(bad, content, 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := runIn(t, nil, "restore", bad, "--data-dir", target)
		if code != exitError || !strings.Contains(errOut, "cannot be restored") {
			t.Errorf("%s file: exit %d, %q", name, code, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(target, "modulario.db")); !os.IsNotExist(err) {
		t.Fatalf("a refused restore created the database: %v", err)
	}

	// The source store is open here, as a running server holds it.
	code, _, errOut := runIn(t, nil, "restore", "--force", good, "--data-dir", filepath.Dir(src))
	if code != exitError || !strings.Contains(errOut, "in use by a running modulario") {
		t.Errorf("restore over a held database: exit %d, %q", code, errOut)
	}
	st.Close()

	if code, out, errOut := runIn(t, nil, "restore", good, "--data-dir", target); code != exitOK {
		t.Fatalf("restore: %d %s%s", code, out, errOut)
	}
	code, _, errOut = runIn(t, nil, "restore", good, "--data-dir", target)
	if code != exitError || !strings.Contains(errOut, "already exists: add --force") {
		t.Errorf("restore over an existing database: exit %d, %q", code, errOut)
	}
	old := readHead(t, filepath.Join(target, "modulario.db"), 1<<30)
	code, out, errOut := runIn(t, nil, "restore", good, "--data-dir", target, "--force")
	if code != exitOK || !strings.Contains(out, "previous database is kept as") {
		t.Fatalf("restore --force: %d %s%s", code, out, errOut)
	}
	kept, _ := filepath.Glob(filepath.Join(target, "modulario.db.before-restore-*"))
	if len(kept) != 1 || !bytes.Equal(readHead(t, kept[0], 1<<30), old) {
		t.Fatalf("old database not kept: %v", kept)
	}
	got, err := openStore(filepath.Join(target, "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	if _, err := got.Submissions.FindSubmissionByToken(context.Background(), r.token); err != nil {
		t.Errorf("restored store misses the request: %v", err)
	}
}

// readHead returns up to n bytes from the start of path.
func readHead(t *testing.T, path string, n int) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b[:min(n, len(b))]
}

// TestBackupThroughServer runs the real binary: a relative backup path
// given to the CLI is written by the serving process where the caller
// meant it, and a restore into the served directory is refused.
func TestBackupThroughServer(t *testing.T) {
	skipWithoutBinary(t)
	bin, dataDir := buildBinary(t), t.TempDir()
	addr := freeAddr(t)
	startServer(t, bin, dataDir, addr)
	rcpt := submitAssistenza(t, addr)

	work := t.TempDir()
	cli := func(args ...string) (string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = work
		cmd.Env = append(cmd.Environ(), "MODULARIO_DATA_DIR="+dataDir)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}
	out, code := cli("backup", "copia.db")
	want := filepath.Join(work, "copia.db")
	if code != 0 || !strings.Contains(out, "Backup written to "+want) {
		t.Fatalf("backup through the socket: %d %q", code, out)
	}
	if out, code = cli("restore", "--force", "copia.db"); code != exitError || !strings.Contains(out, "stop the server") {
		t.Errorf("restore into the served directory: %d %q", code, out)
	}
	if out, code = cli("retention", "run", "--dry-run"); code != 0 || !strings.Contains(out, "segnalazione-disservizio") || !strings.Contains(out, "anonymise after 24 months") {
		t.Errorf("retention run through the socket: %d %q", code, out)
	}

	restored := t.TempDir()
	if out, code = cli("restore", "copia.db", "--data-dir", restored); code != 0 {
		t.Fatalf("restore: %d %q", code, out)
	}
	st, err := openStore(filepath.Join(restored, "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Submissions.FindSubmissionByNumber(context.Background(), rcpt.Number); err != nil {
		t.Errorf("request %s not in the backup: %v", rcpt.Number, err)
	}
}

// TestBackupPrivateTmpWarning: a backup run by the server into /tmp or
// /var/tmp names the file and warns that the service may see a private
// /tmp; elsewhere, and run by the CLI itself, it does not warn.
func TestBackupPrivateTmpWarning(t *testing.T) {
	for path, want := range map[string]bool{
		"/tmp": true, "/tmp/x.db": true, "/var/tmp/a/b.db": true, "/tmp/../srv/x.db": false,
		"/tmpfoo/x.db": false, "/var/backups/modulario/x.db": false,
	} {
		if underTmp(path) != want {
			t.Errorf("underTmp(%q) = %v", path, !want)
		}
	}
	st, err := openStore(filepath.Join(t.TempDir(), "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir, err := os.MkdirTemp("/tmp", "modulario-backup-test-")
	if err != nil {
		t.Skipf("/tmp not writable: %v", err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "b.db")
	code, out, errOut := runIn(t, st, "backup", file)
	if code != exitOK || !strings.Contains(out, "Backup written to "+file+" by the server process") ||
		!strings.Contains(errOut, "PrivateTmp") || !strings.Contains(errOut, "/var/backups/modulario") {
		t.Errorf("backup into /tmp through the server: %d %q %q", code, out, errOut)
	}
	other := filepath.Join(t.TempDir(), "b.db")
	if underTmp(other) {
		return // TMPDIR is /tmp: the negative case is covered above
	}
	if code, out, errOut = runIn(t, st, "backup", other); code != exitOK || errOut != "" {
		t.Errorf("backup outside /tmp: %d %q %q", code, out, errOut)
	}
}
