// Package password hashes and checks staff passwords with bcrypt. It is a
// package of its own because the root package imports only the standard
// library, and both the builder and the CLI need the same rules.
package password

import (
	"errors"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Cost is the bcrypt work factor (about 250 ms on a current core).
const Cost = 12

// MinLength is the shortest new password accepted, in characters.
const MinLength = 12

// MaxBytes is the longest password bcrypt accepts; longer ones are
// refused rather than silently truncated.
const MaxBytes = 72

// Errors of Check and HashPassword.
var (
	ErrTooShort = errors.New("password: shorter than 12 characters")
	ErrTooLong  = errors.New("password: longer than 72 bytes")
)

// Check reports whether pw is acceptable as a new password: at least
// MinLength characters and at most MaxBytes bytes.
func Check(pw string) error {
	if utf8.RuneCountInString(pw) < MinLength {
		return ErrTooShort
	}
	if len(pw) > MaxBytes {
		return ErrTooLong
	}
	return nil
}

// HashPassword returns the encoded bcrypt hash of pw. It refuses only
// passwords longer than MaxBytes; call Check first for a new password.
func HashPassword(pw string) (string, error) {
	if len(pw) > MaxBytes {
		return "", ErrTooLong
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), Cost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// CheckPassword reports whether pw matches hash, in constant time. A
// malformed or empty hash never matches.
func CheckPassword(hash, pw string) bool {
	if hash == "" || len(pw) > MaxBytes {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// IsHash reports whether s is a bcrypt hash this package can check.
func IsHash(s string) bool {
	_, err := bcrypt.Cost([]byte(s))
	return err == nil
}
