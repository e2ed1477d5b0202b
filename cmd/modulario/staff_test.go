package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/password"
)

func TestPreviewKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	key, err := loadPreviewKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != previewKeySize || bytes.Equal(key, make([]byte, previewKeySize)) {
		t.Fatalf("key = %x", key)
	}
	info, err := os.Stat(filepath.Join(dir, previewKeyName))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode %o, want 600", perm)
	}
	again, err := loadPreviewKey(dir)
	if err != nil || !bytes.Equal(again, key) {
		t.Fatalf("second start read %x, %v; want the same key", again, err)
	}
	if err := os.WriteFile(filepath.Join(dir, previewKeyName), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadPreviewKey(dir); err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Errorf("a truncated key was accepted: %v", err)
	}
}

func TestSplitSites(t *testing.T) {
	named := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, name) })
	}
	h := splitSites(named("staff"), named("citizen"))
	for path, want := range map[string]string{
		"/admin": "staff", "/admin/": "staff", "/admin/moduli/acqua": "staff",
		"/": "citizen", "/administration": "citizen", "/servizi/admin": "citizen", "/adminx/": "citizen",
		"/api/v1/forms/acqua/submissions": "citizen", "/apix": "citizen", "/api": "citizen",
		"/api/v1/forms": "staff", "/api/v1/forms/acqua": "staff", "/api/v1/forms/acqua/draft": "staff",
		"/api/v1/forms/acqua/submissions/1": "staff", "/api/v1/forms//submissions": "staff",
		"/api/v1/submissions": "staff", "/api/v1/pages/chi-siamo": "staff", "/api/v1/openapi.json": "staff",
		"/api/v1/whatever": "staff", "/api/": "staff",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Body.String() != want {
			t.Errorf("%s went to %s, want %s", path, rec.Body.String(), want)
		}
	}
}

func TestSeedDemoStaff(t *testing.T) {
	ctx := context.Background()
	st, err := openStore(filepath.Join(t.TempDir(), "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	var out bytes.Buffer
	if err := seedDemoStaff(ctx, st, "http://localhost:8080", "", &out, logger); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Accesso staff: http://localhost:8080/admin  utente admin@comune\.example  password (\S{16})\n`).
		FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("printed %q", out.String())
	}
	for _, d := range demoStaff {
		u, err := st.Users.FindUserByEmail(ctx, d.email)
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != d.role || u.MustChangePassword || !password.CheckPassword(u.PasswordHash, m[1]) {
			t.Errorf("demo account %+v", u)
		}
		if d.role != modulario.RoleAdmin && !u.InOffice("urp") {
			t.Errorf("%s is not in the demo offices: %v", u.Email, u.Offices)
		}
	}
	// Accounts exist: nothing is created or printed again.
	out.Reset()
	if err := seedDemoStaff(ctx, st, "http://localhost:8080", "altra password demo", &out, logger); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.Users.CountUsers(ctx); n != 3 || out.Len() != 0 {
		t.Errorf("second seed: %d users, printed %q", n, out.String())
	}
}

// TestServeStaffSite: serve with demo content mounts the staff side at
// /admin, prints the demo login with the fixed password, and keeps the
// citizen site everywhere else.
func TestServeStaffSite(t *testing.T) {
	skipWithoutBinary(t)
	bin, dataDir, addr := buildBinary(t), t.TempDir(), freeAddr(t)
	p := startServer(t, bin, dataDir, addr, "MODULARIO_DEMO_PASSWORD=password-demo-e2e")
	if want := "Accesso staff: http://" + addr + "/admin  utente admin@comune.example  password password-demo-e2e"; !strings.Contains(p.logs(), want) {
		t.Errorf("output lacks %q:\n%s", want, p.logs())
	}
	if body := get(t, "http://"+addr+"/admin/login", http.StatusOK); !strings.Contains(body, `action="/admin/login"`) {
		t.Errorf("/admin/login is not the staff login form:\n%s", body)
	}
	if body := get(t, "http://"+addr+"/", http.StatusOK); strings.Contains(body, `action="/admin/login"`) || !strings.Contains(body, "richiesta-assistenza") {
		t.Errorf("/ looks like a staff page")
	}
	if _, err := os.Stat(filepath.Join(dataDir, previewKeyName)); err != nil {
		t.Errorf("no preview key after the first start: %v", err)
	}
	if final := signIn(t, "http://"+addr, "admin@comune.example", "password-demo-e2e"); final != "/admin" {
		t.Errorf("the demo admin signed in and landed on %s, want /admin", final)
	}
	if final := signIn(t, "http://"+addr, "admin@comune.example", "password-sbagliata"); final != "/admin/login" {
		t.Errorf("a wrong password landed on %s", final)
	}
}

// signIn posts the staff login form and returns the path it ends on.
func signIn(t *testing.T, base, email, pw string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.Get(base + "/admin/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="_login" value="([^"]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no login token in:\n%s", body)
	}
	form := url.Values{"_login": {string(m[1])}, "email": {email}, "password": {pw}}
	req, _ := http.NewRequest(http.MethodPost, base+"/admin/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Request.URL.Path
}
