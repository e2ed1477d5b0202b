package storage

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage/storagetest"
	bolt "go.etcd.io/bbolt"
)

// tokenTestDB opens a store with the offices "tributi" and "anagrafe".
func tokenTestDB(t *testing.T) (*DB, *clock, *TokenService) {
	t.Helper()
	db, c := openTestDB(t, "")
	offices := NewOfficeService(db)
	for _, slug := range []string{"tributi", "anagrafe"} {
		if err := offices.SaveOffice(context.Background(), &modulario.Office{Slug: slug, Name: "Ufficio " + slug}); err != nil {
			t.Fatal(err)
		}
	}
	return db, c, NewTokenService(db)
}

func TestTokenCreateAuthenticateRevoke(t *testing.T) {
	ctx := context.Background()
	db, c, svc := tokenTestDB(t)
	tok := &modulario.APIToken{Name: " Protocollo ", Offices: []string{"tributi", "tributi", " anagrafe"}, Scope: modulario.ScopeWrite, CreatedBy: "cli"}
	secret, err := svc.CreateToken(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "mod_") || len(secret) != 47 || !wellFormedSecret(secret) {
		t.Fatalf("secret %q has the wrong shape", secret)
	}
	if tok.ID == "" || tok.Name != "Protocollo" || len(tok.Offices) != 2 || !tok.CreatedAt.Equal(storagetest.Start) {
		t.Fatalf("stored token %+v", tok)
	}
	if tok.Hash != hashSecret(secret) || len(tok.Hash) != 64 {
		t.Fatalf("hash %q is not the hex SHA-256 of the secret", tok.Hash)
	}
	// The secret is nowhere in the file's token buckets; the hash is.
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketTokens, bucketTokenHashes} {
			_ = tx.Bucket(name).ForEach(func(k, v []byte) error {
				if bytes.Contains(k, []byte(secret)) || bytes.Contains(v, []byte(secret[4:])) {
					t.Errorf("bucket %s stores the secret", name)
				}
				return nil
			})
		}
		if id := tx.Bucket(bucketTokenHashes).Get([]byte(tok.Hash)); string(id) != tok.ID {
			t.Errorf("hash index maps to %q, want %q", id, tok.ID)
		}
		return nil
	})

	got, err := svc.AuthenticateToken(ctx, secret)
	if err != nil || got.ID != tok.ID || got.Scope != modulario.ScopeWrite || !got.CanSeeOffice("anagrafe") {
		t.Fatalf("authenticate = %+v, %v", got, err)
	}
	if got.LastUsedAt == nil || !got.LastUsedAt.Equal(storagetest.Start) {
		t.Fatalf("LastUsedAt = %v, want %v", got.LastUsedAt, storagetest.Start)
	}

	if err := svc.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AuthenticateToken(ctx, secret); modulario.ErrorCode(err) != modulario.EUNAUTHORIZED {
		t.Fatalf("revoked token: err %v, want unauthorized", err)
	}
	c.Set(storagetest.Start.Add(time.Hour))
	if err := svc.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatalf("second revoke: %v", err)
	}
	list, err := svc.ListTokens(ctx)
	if err != nil || len(list) != 1 || list[0].RevokedAt == nil || !list[0].RevokedAt.Equal(storagetest.Start) {
		t.Fatalf("list after revoke = %+v, %v", list, err)
	}
	if err := svc.RevokeToken(ctx, "nope"); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Fatalf("revoke unknown: %v", err)
	}
}

func TestTokenLastUsedAtOncePerMinute(t *testing.T) {
	ctx := context.Background()
	_, c, svc := tokenTestDB(t)
	secret, err := svc.CreateToken(ctx, &modulario.APIToken{Name: "a", Offices: []string{"tributi"}, Scope: modulario.ScopeRead})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AuthenticateToken(ctx, secret); err != nil {
		t.Fatal(err)
	}
	c.Set(storagetest.Start.Add(30 * time.Second))
	got, err := svc.AuthenticateToken(ctx, secret)
	if err != nil || !got.LastUsedAt.Equal(storagetest.Start) {
		t.Fatalf("within a minute LastUsedAt = %v (%v), want unchanged", got.LastUsedAt, err)
	}
	later := storagetest.Start.Add(2 * time.Minute)
	c.Set(later)
	if got, err = svc.AuthenticateToken(ctx, secret); err != nil || !got.LastUsedAt.Equal(later) {
		t.Fatalf("after a minute LastUsedAt = %v (%v), want %v", got.LastUsedAt, err, later)
	}
	list, _ := svc.ListTokens(ctx)
	if len(list) != 1 || !list[0].LastUsedAt.Equal(later) {
		t.Fatalf("stored LastUsedAt = %v", list[0].LastUsedAt)
	}
}

func TestTokenRejectsBadSecrets(t *testing.T) {
	ctx := context.Background()
	_, _, svc := tokenTestDB(t)
	secret, err := svc.CreateToken(ctx, &modulario.APIToken{Name: "a", Offices: []string{"tributi"}, Scope: modulario.ScopeRead})
	if err != nil {
		t.Fatal(err)
	}
	other := "mod_" + strings.Repeat("A", 43)
	for _, bad := range []string{"", "mod_", secret[:46], secret + "x", "xod_" + secret[4:], secret[:46] + "!", other, strings.ToUpper(secret)} {
		_, err := svc.AuthenticateToken(ctx, bad)
		if modulario.ErrorCode(err) != modulario.EUNAUTHORIZED {
			t.Errorf("AuthenticateToken(%q) = %v, want unauthorized", bad, err)
		}
		if bad != "" && strings.Contains(modulario.ErrorMessage(err), bad) {
			t.Errorf("the error repeats the secret")
		}
	}
}

func TestTokenValidation(t *testing.T) {
	ctx := context.Background()
	_, _, svc := tokenTestDB(t)
	cases := []struct {
		tok   modulario.APIToken
		field string
	}{
		{modulario.APIToken{Name: " ", Offices: []string{"tributi"}, Scope: modulario.ScopeRead}, "/name"},
		{modulario.APIToken{Name: strings.Repeat("n", 101), Offices: []string{"tributi"}, Scope: modulario.ScopeRead}, "/name"},
		{modulario.APIToken{Name: "a\nb", Offices: []string{"tributi"}, Scope: modulario.ScopeRead}, "/name"},
		{modulario.APIToken{Name: "a", Scope: modulario.ScopeRead}, "/offices"},
		{modulario.APIToken{Name: "a", Offices: []string{"tributi", "nessuno"}, Scope: modulario.ScopeRead}, "/offices"},
		{modulario.APIToken{Name: "a", Offices: []string{"tributi"}, Scope: "admin"}, "/scope"},
	}
	for _, tc := range cases {
		tok := tc.tok
		secret, err := svc.CreateToken(ctx, &tok)
		if modulario.ErrorCode(err) != modulario.EINVALID || modulario.ErrorFields(err)[tc.field] == "" || secret != "" {
			t.Errorf("CreateToken(%+v) = %q, %v; want invalid %s", tc.tok, secret, err, tc.field)
		}
	}
	if list, _ := svc.ListTokens(ctx); len(list) != 0 {
		t.Fatalf("invalid tokens were stored: %+v", list)
	}
	// Pages belong to no office: a pages-only token is valid.
	tok := modulario.APIToken{Name: "sito", Scope: modulario.ScopeWrite, Pages: true}
	if secret, err := svc.CreateToken(ctx, &tok); err != nil || secret == "" || len(tok.Offices) != 0 || !tok.Pages {
		t.Fatalf("pages-only token: %q, %+v, %v", secret, tok, err)
	}
}

func TestTokenListNewestFirst(t *testing.T) {
	ctx := context.Background()
	_, c, svc := tokenTestDB(t)
	for i, name := range []string{"primo", "secondo", "terzo"} {
		c.Set(storagetest.Start.Add(time.Duration(i) * time.Hour))
		if _, err := svc.CreateToken(ctx, &modulario.APIToken{Name: name, Offices: []string{"anagrafe"}, Scope: modulario.ScopeRead}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := svc.ListTokens(ctx)
	if err != nil || len(list) != 3 || list[0].Name != "terzo" || list[2].Name != "primo" {
		t.Fatalf("list = %+v, %v", list, err)
	}
}
