package modulario

import (
	"context"
	"time"
)

// TokenScope is what an API token may do.
type TokenScope string

// Scopes: read lists and reads requests; write also changes status and
// adds notes.
const (
	ScopeRead  TokenScope = "read"
	ScopeWrite TokenScope = "write"
)

// Valid reports whether s is a known scope.
func (s TokenScope) Valid() bool { return s == ScopeRead || s == ScopeWrite }

// APIToken lets a back-office system use /api/v1 on the requests of some
// offices. Only the SHA-256 of its secret is stored; the secret is shown
// once, when it is created.
type APIToken struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Offices the token may see; at least one unless Pages. A token with
	// Pages and no office sees no requests and no forms.
	Offices []string   `json:"offices"`
	Scope   TokenScope `json:"scope"`
	// Pages lets the token read landing pages, published or not, and, with
	// the write scope, create and change them. Pages belong to no office.
	Pages bool `json:"pages,omitempty"`
	// Hash is the hex SHA-256 of the secret.
	Hash       string     `json:"hash"`
	CreatedBy  string     `json:"created_by,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// CanSeeOffice reports whether the token may see requests of office slug.
func (t *APIToken) CanSeeOffice(slug string) bool {
	for _, o := range t.Offices {
		if o == slug {
			return true
		}
	}
	return false
}

// TokenService stores API tokens.
type TokenService interface {
	// CreateToken assigns ID, CreatedAt and Hash, stores t and returns the
	// secret ("mod_" followed by 43 URL-safe characters), which is never
	// stored. Returns EINVALID for an empty name, no office (unless
	// Pages), an unknown office or a bad scope.
	CreateToken(ctx context.Context, t *APIToken) (secret string, err error)
	// AuthenticateToken returns the live token whose secret this is and
	// records LastUsedAt (at most once a minute). Returns EUNAUTHORIZED,
	// the same way, for an unknown, malformed or revoked secret.
	AuthenticateToken(ctx context.Context, secret string) (*APIToken, error)
	// ListTokens returns every token (revoked ones too), newest first.
	ListTokens(ctx context.Context) ([]*APIToken, error)
	// RevokeToken revokes a token for good. Returns ENOTFOUND.
	RevokeToken(ctx context.Context, id string) error
}
