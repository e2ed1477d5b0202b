package storage

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// Token secrets: "mod_" followed by base64url(32 random bytes) without
// padding, 43 characters.
const (
	tokenPrefix      = "mod_"
	tokenSecretBytes = 32
	tokenSecretLen   = len(tokenPrefix) + 43
	// tokenTouchEvery is how often AuthenticateToken writes LastUsedAt, so
	// a busy client does not cost a write per request.
	tokenTouchEvery = time.Minute
	maxTokenName    = 100
)

// TokenService stores API tokens: the record by ID and an index from the
// hex SHA-256 of the secret to the ID, so a presented secret is found by
// one lookup of its hash. The secret itself is never stored.
type TokenService struct {
	db *DB
}

var _ modulario.TokenService = (*TokenService)(nil)

// NewTokenService returns the TokenService of db.
func NewTokenService(db *DB) *TokenService { return &TokenService{db: db} }

// hashSecret returns the hex SHA-256 of secret.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// wellFormedSecret reports whether secret has the shape CreateToken gives.
func wellFormedSecret(secret string) bool {
	if len(secret) != tokenSecretLen || !strings.HasPrefix(secret, tokenPrefix) {
		return false
	}
	for _, r := range secret[len(tokenPrefix):] {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
		if !ok {
			return false
		}
	}
	return true
}

// errBadToken is the one answer for an unknown, malformed or revoked secret.
func errBadToken() error {
	return modulario.Errorf(modulario.EUNAUTHORIZED, "The API token is not valid or was revoked.")
}

// normalizeToken trims and checks what CreateToken accepts, except that
// the offices exist (checked in the transaction).
func normalizeToken(t *modulario.APIToken) (modulario.APIToken, map[string]string) {
	out := modulario.APIToken{
		Name:      strings.TrimSpace(t.Name),
		Scope:     t.Scope,
		Pages:     t.Pages,
		CreatedBy: strings.TrimSpace(t.CreatedBy),
	}
	fields := map[string]string{}
	switch {
	case out.Name == "":
		fields["/name"] = "The token needs a name."
	case utf8.RuneCountInString(out.Name) > maxTokenName:
		fields["/name"] = "The name is too long (at most 100 characters)."
	case strings.ContainsFunc(out.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		fields["/name"] = "The name contains control characters."
	}
	if !out.Scope.Valid() {
		fields["/scope"] = "The scope must be read or write."
	}
	seen := map[string]bool{}
	for _, o := range t.Offices {
		if o = strings.TrimSpace(o); o != "" && !seen[o] {
			seen[o] = true
			out.Offices = append(out.Offices, o)
		}
	}
	if len(out.Offices) == 0 && !out.Pages {
		fields["/offices"] = "Choose at least one office or the pages permission."
	}
	return out, fields
}

// CreateToken assigns ID, CreatedAt and Hash, stores t and returns the
// secret, which is never stored. On success t holds the stored values.
// Returns EINVALID for an empty name, no office (unless Pages), an unknown
// office or a bad scope.
func (s *TokenService) CreateToken(ctx context.Context, t *modulario.APIToken) (string, error) {
	out, fields := normalizeToken(t)
	secret := tokenPrefix + newToken(tokenSecretBytes)
	err := s.db.update(ctx, func(tx *bolt.Tx) error {
		offices := tx.Bucket(bucketOffices)
		for _, o := range out.Offices {
			if offices.Get([]byte(o)) == nil {
				fields["/offices"] = "Unknown office: " + o + "."
			}
		}
		if len(fields) > 0 {
			return &modulario.Error{Code: modulario.EINVALID, Message: "The API token is not valid.", Fields: fields}
		}
		tokens, hashes := tx.Bucket(bucketTokens), tx.Bucket(bucketTokenHashes)
		out.ID = newUserID()
		for tokens.Get([]byte(out.ID)) != nil {
			out.ID = newUserID()
		}
		out.Hash = hashSecret(secret)
		out.CreatedAt = s.db.now()
		if err := hashes.Put([]byte(out.Hash), []byte(out.ID)); err != nil {
			return err
		}
		return putJSON(tokens, []byte(out.ID), &out)
	})
	if err != nil {
		return "", err
	}
	*t = out
	return secret, nil
}

// AuthenticateToken returns the live token whose secret this is and
// records LastUsedAt at most once a minute. Returns EUNAUTHORIZED, the
// same way, for an unknown, malformed or revoked secret. Recording
// LastUsedAt is best effort: a store that cannot write right now (disk
// full) still lets clients read.
func (s *TokenService) AuthenticateToken(ctx context.Context, secret string) (*modulario.APIToken, error) {
	if !wellFormedSecret(secret) {
		return nil, errBadToken()
	}
	hash := hashSecret(secret)
	var tok modulario.APIToken
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketTokenHashes).Get([]byte(hash))
		if id == nil {
			return errBadToken()
		}
		found, err := getJSON(tx.Bucket(bucketTokens), id, &tok)
		if err != nil {
			return err
		}
		if !found || subtle.ConstantTimeCompare([]byte(tok.Hash), []byte(hash)) != 1 || tok.RevokedAt != nil {
			return errBadToken()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) >= tokenTouchEvery {
		if touched, err := s.touch(ctx, tok.ID, now); err == nil && touched != nil {
			tok = *touched
		}
	}
	return &tok, nil
}

// touch sets LastUsedAt of token id to now, unless another request did so
// less than a minute ago or the token went away.
func (s *TokenService) touch(ctx context.Context, id string, now time.Time) (*modulario.APIToken, error) {
	var tok modulario.APIToken
	err := s.db.batch(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTokens)
		tok = modulario.APIToken{} // fn may run again in a retried batch
		if err := getNamed(b, id, &tok, "API token not found."); err != nil {
			return err
		}
		if tok.LastUsedAt != nil && now.Sub(*tok.LastUsedAt) < tokenTouchEvery {
			return nil
		}
		tok.LastUsedAt = &now
		return putJSON(b, []byte(id), &tok)
	})
	if err != nil {
		return nil, err
	}
	return &tok, nil
}

// ListTokens returns every token (revoked ones too), newest first.
func (s *TokenService) ListTokens(ctx context.Context) ([]*modulario.APIToken, error) {
	list, err := listNamed[modulario.APIToken](ctx, s.db, bucketTokens, nil)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].CreatedAt.Equal(list[j].CreatedAt) {
			return list[i].CreatedAt.After(list[j].CreatedAt)
		}
		return list[i].ID < list[j].ID
	})
	return list, nil
}

// RevokeToken revokes a token for good: its secret stops working at once.
// Revoking a revoked token changes nothing. Returns ENOTFOUND.
func (s *TokenService) RevokeToken(ctx context.Context, id string) error {
	return s.db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTokens)
		var tok modulario.APIToken
		if err := getNamed(b, id, &tok, "API token not found."); err != nil {
			return err
		}
		if tok.RevokedAt != nil {
			return nil
		}
		now := s.db.now()
		tok.RevokedAt = &now
		if err := tx.Bucket(bucketTokenHashes).Delete([]byte(tok.Hash)); err != nil {
			return err
		}
		return putJSON(b, []byte(id), &tok)
	})
}
