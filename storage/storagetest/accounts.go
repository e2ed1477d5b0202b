package storagetest

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

var userIDRE = regexp.MustCompile(`^[0-9a-f]{16}$`)

// NewUser returns a valid account (with a fake hash) to create.
func NewUser(email string, role modulario.Role, offices ...string) *modulario.User {
	return &modulario.User{Email: email, Name: strings.Split(email, "@")[0], Role: role,
		Offices: offices, PasswordHash: "$2a$12$fakefakefakefakefakefakefakefakefakefakefakefakefake"}
}

func testUsers(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	if st.Users == nil {
		t.Skip("the store has no UserService")
	}
	if n, err := st.Users.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("count of an empty store = %d, %v", n, err)
	}
	for _, bad := range []*modulario.User{
		NewUser("non-un-indirizzo", modulario.RoleAdmin),
		NewUser("Mario <mario@comune.example.it>", modulario.RoleAdmin),
		NewUser("mario@comune.example.it", "boss"),
		{Email: "mario@comune.example.it", Role: modulario.RoleEditor},
	} {
		WantCode(t, st.Users.CreateUser(ctx, bad), modulario.EINVALID)
	}
	mario := NewUser(" Mario.Rossi@Comune.Example.it ", modulario.RoleEditor, "urp", "urp", "anagrafe")
	mario.Name = "Mario Rossi"
	must(t, st.Users.CreateUser(ctx, mario))
	if !userIDRE.MatchString(mario.ID) || mario.Email != "mario.rossi@comune.example.it" ||
		!mario.CreatedAt.Equal(Start) || !mario.PasswordChangedAt.Equal(Start) || len(mario.Offices) != 2 {
		t.Fatalf("created user: %+v", mario)
	}
	dup := NewUser("MARIO.ROSSI@comune.example.it", modulario.RoleAdmin)
	WantCode(t, st.Users.CreateUser(ctx, dup), modulario.ECONFLICT)

	got, err := st.Users.FindUserByEmail(ctx, "Mario.ROSSI@comune.example.it")
	must(t, err)
	if got.ID != mario.ID || got.Name != "Mario Rossi" || got.PasswordHash != mario.PasswordHash {
		t.Fatalf("by e-mail: %+v", got)
	}
	got, err = st.Users.FindUser(ctx, mario.ID)
	must(t, err)
	if got.Email != mario.Email {
		t.Fatalf("by ID: %+v", got)
	}
	for _, missing := range []string{"", "nessuno@comune.example.it"} {
		_, err = st.Users.FindUserByEmail(ctx, missing)
		WantCode(t, err, modulario.ENOTFOUND)
	}
	_, err = st.Users.FindUser(ctx, "0000000000000000")
	WantCode(t, err, modulario.ENOTFOUND)

}

func testListUsers(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	if st.Users == nil {
		t.Skip("the store has no UserService")
	}
	mario := NewUser("mario.rossi@comune.example.it", modulario.RoleEditor, "urp", "anagrafe")
	mario.Name = "Mario Rossi"
	must(t, st.Users.CreateUser(ctx, mario))
	anna := NewUser("anna@comune.example.it", modulario.RoleOperator, "urp")
	anna.Name = "anna Bianchi"
	must(t, st.Users.CreateUser(ctx, anna))
	admin := NewUser("admin@comune.example.it", modulario.RoleAdmin)
	admin.Name = "Zeno"
	must(t, st.Users.CreateUser(ctx, admin))
	if n, err := st.Users.CountUsers(ctx); err != nil || n != 3 {
		t.Fatalf("count = %d, %v", n, err)
	}
	list, err := st.Users.ListUsers(ctx, modulario.UserFilter{})
	must(t, err)
	if got := emails(list); got != "anna@comune.example.it,mario.rossi@comune.example.it,admin@comune.example.it" {
		t.Fatalf("users by name: %s", got)
	}
	list, err = st.Users.ListUsers(ctx, modulario.UserFilter{Office: "urp"})
	must(t, err)
	if got := emails(list); got != "anna@comune.example.it,mario.rossi@comune.example.it" {
		t.Fatalf("users of urp: %s", got)
	}
	list, err = st.Users.ListUsers(ctx, modulario.UserFilter{Office: "urp", Role: modulario.RoleEditor})
	must(t, err)
	if got := emails(list); got != "mario.rossi@comune.example.it" {
		t.Fatalf("editors of urp: %s", got)
	}
}

func emails(list []*modulario.User) string {
	var out []string
	for _, u := range list {
		out = append(out, u.Email)
	}
	return strings.Join(out, ",")
}

func testUserUpdateDelete(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	if st.Users == nil || st.Sessions == nil {
		t.Skip("the store has no UserService or SessionService")
	}
	mario := NewUser("mario@comune.example.it", modulario.RoleEditor)
	anna := NewUser("anna@comune.example.it", modulario.RoleEditor)
	must(t, st.Users.CreateUser(ctx, mario))
	must(t, st.Users.CreateUser(ctx, anna))

	st.SetNow(Start.Add(time.Hour))
	mario.Email = "ANNA@comune.example.it"
	WantCode(t, st.Users.UpdateUser(ctx, mario), modulario.ECONFLICT)
	mario.Email, mario.Role = "m.rossi@comune.example.it", modulario.RoleAdmin
	mario.CreatedAt = time.Time{}
	must(t, st.Users.UpdateUser(ctx, mario))
	got, err := st.Users.FindUserByEmail(ctx, "m.rossi@comune.example.it")
	must(t, err)
	if got.Role != modulario.RoleAdmin || !got.CreatedAt.Equal(Start) || !got.UpdatedAt.Equal(Start.Add(time.Hour)) {
		t.Fatalf("updated: %+v", got)
	}
	_, err = st.Users.FindUserByEmail(ctx, "mario@comune.example.it")
	WantCode(t, err, modulario.ENOTFOUND)
	// The old address is free again.
	must(t, st.Users.CreateUser(ctx, NewUser("mario@comune.example.it", modulario.RoleOperator)))
	WantCode(t, st.Users.UpdateUser(ctx, &modulario.User{ID: "nobody", Email: "x@y.it", Role: modulario.RoleAdmin, PasswordHash: "h"}),
		modulario.ENOTFOUND)
	bad := *anna
	bad.Role = ""
	WantCode(t, st.Users.UpdateUser(ctx, &bad), modulario.EINVALID)

	exp := Start.Add(2 * time.Hour)
	must(t, st.Sessions.CreateSession(ctx, &modulario.Session{ID: "s-mario", UserID: mario.ID, ExpiresAt: exp}))
	must(t, st.Sessions.CreateSession(ctx, &modulario.Session{ID: "s-anna", UserID: anna.ID, ExpiresAt: exp}))
	must(t, st.Users.DeleteUser(ctx, mario.ID))
	WantCode(t, st.Users.DeleteUser(ctx, mario.ID), modulario.ENOTFOUND)
	_, err = st.Sessions.FindSession(ctx, "s-mario", Start)
	WantCode(t, err, modulario.ENOTFOUND)
	_, err = st.Sessions.FindSession(ctx, "s-anna", Start)
	must(t, err)
	_, err = st.Users.FindUserByEmail(ctx, "m.rossi@comune.example.it")
	WantCode(t, err, modulario.ENOTFOUND)
	must(t, st.Users.CreateUser(ctx, NewUser("m.rossi@comune.example.it", modulario.RoleOperator)))
}

func testSessions(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	if st.Sessions == nil {
		t.Skip("the store has no SessionService")
	}
	WantCode(t, st.Sessions.CreateSession(ctx, &modulario.Session{UserID: "u1"}), modulario.EINVALID)
	exp := Start.Add(2 * time.Hour)
	for _, s := range []modulario.Session{
		{ID: "a1", UserID: "u1", CSRF: "tok", CreatedAt: Start, LastSeenAt: Start, ExpiresAt: exp, UserAgent: "Firefox"},
		{ID: "a2", UserID: "u1", ExpiresAt: exp},
		{ID: "a3", UserID: "u1", ExpiresAt: Start.Add(time.Minute)},
		{ID: "b1", UserID: "u10", ExpiresAt: exp}, // shares a prefix with u1
	} {
		must(t, st.Sessions.CreateSession(ctx, &s))
	}
	got, err := st.Sessions.FindSession(ctx, "a1", Start)
	must(t, err)
	if got.UserID != "u1" || got.CSRF != "tok" || got.UserAgent != "Firefox" || !got.ExpiresAt.Equal(exp) {
		t.Fatalf("found: %+v", got)
	}
	_, err = st.Sessions.FindSession(ctx, "a1", exp) // expiry instant: gone
	WantCode(t, err, modulario.ENOTFOUND)
	_, err = st.Sessions.FindSession(ctx, "nope", Start)
	WantCode(t, err, modulario.ENOTFOUND)

	later := exp.Add(time.Hour)
	must(t, st.Sessions.TouchSession(ctx, "a1", exp.Add(-time.Minute), later))
	got, err = st.Sessions.FindSession(ctx, "a1", exp)
	must(t, err)
	if !got.ExpiresAt.Equal(later) || !got.LastSeenAt.Equal(exp.Add(-time.Minute)) {
		t.Fatalf("touched: %+v", got)
	}
	WantCode(t, st.Sessions.TouchSession(ctx, "nope", Start, later), modulario.ENOTFOUND)

	n, err := st.Sessions.PurgeExpiredSessions(ctx, Start.Add(time.Minute))
	must(t, err)
	if n != 1 {
		t.Fatalf("purged %d, want 1 (a3)", n)
	}
	n, err = st.Sessions.DeleteUserSessions(ctx, "u1", "a1")
	must(t, err)
	if n != 1 {
		t.Fatalf("deleted %d sessions of u1 except a1, want 1 (a2)", n)
	}
	_, err = st.Sessions.FindSession(ctx, "a2", Start)
	WantCode(t, err, modulario.ENOTFOUND)
	for _, id := range []string{"a1", "b1"} {
		_, err = st.Sessions.FindSession(ctx, id, Start)
		must(t, err)
	}
	must(t, st.Sessions.DeleteSession(ctx, "a1"))
	must(t, st.Sessions.DeleteSession(ctx, "a1")) // missing is not an error
	n, err = st.Sessions.DeleteUserSessions(ctx, "u1", "")
	must(t, err)
	if n != 0 {
		t.Fatalf("deleted %d sessions after logout, want 0", n)
	}
	_, err = st.Sessions.FindSession(ctx, "b1", Start)
	must(t, err)
}
