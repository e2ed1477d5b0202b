package password

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestHashAndCheck(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost([]byte(h)); err != nil || cost != Cost {
		t.Fatalf("cost = %d, %v; want %d", cost, err, Cost)
	}
	if !CheckPassword(h, "correct horse battery") {
		t.Error("right password refused")
	}
	for _, wrong := range []string{"", "wrong horse battery", "Correct horse battery", strings.Repeat("a", 73)} {
		if CheckPassword(h, wrong) {
			t.Errorf("%q accepted", wrong)
		}
	}
	if CheckPassword("", "") || CheckPassword("not-a-hash", "x") {
		t.Error("bad hash accepted")
	}
	if !IsHash(h) || IsHash("") || IsHash("not-a-hash") {
		t.Error("IsHash is wrong")
	}
	if _, err := HashPassword(strings.Repeat("a", 73)); !errors.Is(err, ErrTooLong) {
		t.Errorf("long password: err = %v, want ErrTooLong", err)
	}
}

func TestCheck(t *testing.T) {
	if err := Check("short pw 11"); !errors.Is(err, ErrTooShort) {
		t.Errorf("11 characters: %v", err)
	}
	// 12 characters are enough even when some take two bytes.
	if err := Check("àèìòùàèìòùàè"); err != nil {
		t.Errorf("12 accented characters: %v", err)
	}
	if err := Check(strings.Repeat("a", 73)); !errors.Is(err, ErrTooLong) {
		t.Errorf("73 bytes: %v", err)
	}
}
