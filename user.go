package modulario

import (
	"context"
	"strings"
	"time"
)

// Role is what a staff account may do.
type Role string

// Roles, from the most to the least powerful.
const (
	// RoleAdmin manages users, offices and settings, and may do everything
	// an editor does.
	RoleAdmin Role = "admin"
	// RoleEditor builds forms, pages and rules.
	RoleEditor Role = "editor"
	// RoleOperator works on the submissions of their offices.
	RoleOperator Role = "operator"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleEditor || r == RoleOperator }

// User is a staff account. Citizens have no accounts.
type User struct {
	// ID is a stable opaque identifier assigned by CreateUser; it is what
	// other records (assignee, audit actor) refer to, so an e-mail change
	// keeps them valid.
	ID    string `json:"id"`
	Email string `json:"email"` // lower-case, unique; the login name
	Name  string `json:"name"`
	Role  Role   `json:"role"`
	// Offices are the slugs of the offices the user belongs to.
	Offices []string `json:"offices,omitempty"`
	// PasswordHash is the encoded hash (bcrypt or argon2id); never the password.
	PasswordHash string `json:"password_hash"`
	Disabled     bool   `json:"disabled,omitempty"`
	// MustChangePassword asks for a new password at the next login (set for
	// accounts created with a temporary password).
	MustChangePassword bool       `json:"must_change_password,omitempty"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
	PasswordChangedAt  time.Time  `json:"password_changed_at"`
	LastLoginAt        *time.Time `json:"last_login_at,omitempty"`
}

// FindAssignee returns the user a rule's assign action names by ID or,
// when value holds an "@", by e-mail address. Returns ENOTFOUND.
func FindAssignee(ctx context.Context, users UserService, value string) (*User, error) {
	u, err := users.FindUser(ctx, value)
	if ErrorCode(err) == ENOTFOUND && strings.Contains(value, "@") {
		u, err = users.FindUserByEmail(ctx, value)
	}
	return u, err
}

// InOffice reports whether the user belongs to the office.
func (u *User) InOffice(slug string) bool {
	for _, o := range u.Offices {
		if o == slug {
			return true
		}
	}
	return false
}

// UserFilter narrows ListUsers; zero values match everything.
type UserFilter struct {
	Office string
	Role   Role
}

// UserService stores staff accounts.
type UserService interface {
	// CreateUser assigns ID and timestamps and stores u. Returns EINVALID
	// for a bad e-mail address, an unknown role or an empty hash, and
	// ECONFLICT if the e-mail address is taken.
	CreateUser(ctx context.Context, u *User) error
	// FindUser returns a user by ID. Returns ENOTFOUND.
	FindUser(ctx context.Context, id string) (*User, error)
	// FindUserByEmail returns a user by e-mail address, compared without
	// case. Returns ENOTFOUND.
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	// ListUsers returns users ordered by name, then e-mail.
	ListUsers(ctx context.Context, filter UserFilter) ([]*User, error)
	// UpdateUser replaces the stored user with u (same ID). Returns
	// ENOTFOUND, EINVALID, or ECONFLICT if the new e-mail address is taken.
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser removes a user and their sessions. Returns ENOTFOUND.
	DeleteUser(ctx context.Context, id string) error
	// CountUsers returns how many users exist.
	CountUsers(ctx context.Context) (int, error)
}

// Session is a signed-in staff browser. The cookie carries a random token;
// only its SHA-256 (ID) is stored, so a copy of the database signs nobody in.
type Session struct {
	ID     string `json:"id"` // hex SHA-256 of the cookie token
	UserID string `json:"user_id"`
	// CSRF is the anti-forgery token every state-changing form carries.
	CSRF       string    `json:"csrf"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	// ExpiresAt is the idle expiry, moved forward by TouchSession.
	ExpiresAt time.Time `json:"expires_at"`
	UserAgent string    `json:"user_agent,omitempty"`
}

// SessionService stores staff sessions.
type SessionService interface {
	// CreateSession stores s (ID, UserID and ExpiresAt set by the caller).
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns a session that has not expired at now. Returns
	// ENOTFOUND if missing or expired.
	FindSession(ctx context.Context, id string, now time.Time) (*Session, error)
	// TouchSession moves a session's LastSeenAt and ExpiresAt. Returns ENOTFOUND.
	TouchSession(ctx context.Context, id string, seen, expires time.Time) error
	// DeleteSession removes one session (logout). Missing is not an error.
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions removes every session of a user except the one
	// with ID except (may be empty), e.g. after a password change.
	DeleteUserSessions(ctx context.Context, userID, except string) (int, error)
	// PurgeExpiredSessions deletes sessions expired before now.
	PurgeExpiredSessions(ctx context.Context, now time.Time) (int, error)
}

type actorKey struct{}

// NewContextWithActor returns ctx carrying who is acting ("user ID" of a
// staff account, or "cli" / "system"), so services can record authors
// (version history, timeline) without an extra parameter on every method.
func NewContextWithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFromContext returns the actor carried by ctx, "" when none.
func ActorFromContext(ctx context.Context) string {
	a, _ := ctx.Value(actorKey{}).(string)
	return a
}
