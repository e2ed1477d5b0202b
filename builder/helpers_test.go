package builder_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder"
	"github.com/modulario/modulario/notify"
	"github.com/modulario/modulario/password"
	"github.com/modulario/modulario/storage"
	"golang.org/x/crypto/bcrypt"
)

// testPassword is the password of every account made by addUser.
const testPassword = "password-di-prova-1"

// clock is a settable clock for Config.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Advance moves the clock forward.
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// env is a builder server on a real bbolt file behind httptest.
type env struct {
	t        *testing.T
	db       *storage.DB
	srv      *builder.Server
	http     *httptest.Server
	clock    *clock
	Users    *storage.UserService
	Sessions *storage.SessionService
	Audit    *storage.AuditService
	Offices  *storage.OfficeService
	Settings *storage.SettingsService
	Forms    *storage.FormService
	Pages    *storage.PageService
	Media    *storage.MediaService
	// The back-office services.
	Submissions *storage.SubmissionService
	Attachments *storage.AttachmentService
	Outbox      *storage.OutboxService
	Ratings     *storage.RatingService
	Workflow    *notify.Workflow
	Tokens      *storage.TokenService
	// Appointment booking.
	Calendars    *storage.CalendarService
	Bookings     *storage.BookingService
	Appointments *notify.Appointments
}

// newEnv opens a fresh database and starts the builder. mod, when given,
// may change the Config before New.
func newEnv(t *testing.T, mod ...func(*builder.Config)) *env {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "test.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{t: t, db: db, clock: &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
		Users: storage.NewUserService(db), Sessions: storage.NewSessionService(db),
		Audit: storage.NewAuditService(db), Offices: storage.NewOfficeService(db),
		Settings: storage.NewSettingsService(db), Forms: storage.NewFormService(db),
		Pages: storage.NewPageService(db), Media: storage.NewMediaService(db),
		Submissions: storage.NewSubmissionService(db), Attachments: storage.NewAttachmentService(db),
		Outbox: storage.NewOutboxService(db), Ratings: storage.NewRatingService(db),
		Tokens: storage.NewTokenService(db), Calendars: storage.NewCalendarService(db), Bookings: storage.NewBookingService(db)}
	e.Appointments = &notify.Appointments{Bookings: e.Bookings, Calendars: e.Calendars, Forms: e.Forms, Submissions: e.Submissions}
	e.Workflow = &notify.Workflow{Submissions: e.Submissions, Rules: notify.NewEngine(e.Forms)}
	cfg := builder.Config{Forms: e.Forms, Offices: e.Offices, Users: e.Users, Sessions: e.Sessions,
		Audit: e.Audit, Pages: e.Pages, Media: e.Media, Settings: e.Settings,
		Submissions: e.Submissions, Workflow: e.Workflow, Attachments: e.Attachments,
		Outbox: e.Outbox, Ratings: e.Ratings, Tokens: e.Tokens,
		Calendars: e.Calendars, Bookings: e.Bookings, Appointments: e.Appointments,
		BaseURL: "http://example.test", SiteName: "Comune di Prova", PreviewKey: []byte("preview-key"),
		Now: e.clock.Now}
	for _, m := range mod {
		m(&cfg)
	}
	srv, err := builder.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.http = httptest.NewServer(srv)
	t.Cleanup(e.http.Close)
	return e
}

var (
	hashOnce sync.Once
	hashed   string
)

// testHash is the hash of testPassword, computed once at bcrypt's lowest
// cost so that test logins are quick; password.CheckPassword reads the
// cost from the hash.
func testHash(t *testing.T) string {
	hashOnce.Do(func() {
		h, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		hashed = string(h)
		if !password.CheckPassword(hashed, testPassword) {
			t.Fatal("password.CheckPassword refuses a bcrypt hash")
		}
	})
	return hashed
}

// addUser creates an account with testPassword.
func (e *env) addUser(role modulario.Role, email string, offices ...string) *modulario.User {
	e.t.Helper()
	u := &modulario.User{Email: email, Name: "Utente " + string(role), Role: role, Offices: offices,
		PasswordHash: testHash(e.t)}
	if err := e.Users.CreateUser(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// client is a browser-like HTTP client: cookies kept, redirects not followed.
type client struct {
	t    *testing.T
	base string
	c    *http.Client
	CSRF string
}

// newClient returns an anonymous client of e.
func (e *env) newClient() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, base: e.http.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login signs in through the login form and keeps the session's CSRF token.
func (e *env) login(email string) *client {
	e.t.Helper()
	c := e.newClient()
	res, _ := c.tryLogin(email, testPassword)
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d", email, res.StatusCode)
	}
	c.refreshCSRF()
	return c
}

var (
	loginTokenRe = regexp.MustCompile(`name="_login" value="([^"]+)"`)
	csrfRe       = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
)

// tryLogin loads the login page and posts the credentials.
func (c *client) tryLogin(email, pw string) (*http.Response, string) {
	c.t.Helper()
	_, body := c.get("/admin/login")
	m := loginTokenRe.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("no login token in login page")
	}
	return c.postForm("/admin/login", url.Values{"email": {email}, "password": {pw}, "_login": {m[1]}})
}

// refreshCSRF reads the session's CSRF token from the home page.
func (c *client) refreshCSRF() {
	c.t.Helper()
	_, body := c.get("/admin")
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("no CSRF token on home page")
	}
	c.CSRF = html.UnescapeString(m[1])
}

// get requests path and returns the response and its body.
func (c *client) get(path string) (*http.Response, string) {
	c.t.Helper()
	return c.do(http.MethodGet, path, nil, "")
}

// post submits form values with the session's CSRF token.
func (c *client) post(path string, v url.Values) (*http.Response, string) {
	c.t.Helper()
	if v == nil {
		v = url.Values{}
	}
	if v.Get("_csrf") == "" && c.CSRF != "" {
		v.Set("_csrf", c.CSRF)
	}
	return c.postForm(path, v)
}

// postForm submits form values as they are.
func (c *client) postForm(path string, v url.Values) (*http.Response, string) {
	c.t.Helper()
	return c.do(http.MethodPost, path, strings.NewReader(v.Encode()), "application/x-www-form-urlencoded")
}

func (c *client) do(method, path string, body io.Reader, ctype string) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}
