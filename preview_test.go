package modulario_test

import (
	"testing"
	"time"

	"github.com/modulario/modulario"
)

func TestPreviewToken(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	now := time.Unix(1_800_000_000, 0)
	tok := modulario.SignPreview(key, "iscrizione-mensa", 3, now.Add(time.Hour))
	slug, v, err := modulario.VerifyPreview(key, tok, now)
	if err != nil || slug != "iscrizione-mensa" || v != 3 {
		t.Fatalf("VerifyPreview = %q, %d, %v", slug, v, err)
	}
	if _, _, err := modulario.VerifyPreview(key, tok, now.Add(2*time.Hour)); modulario.ErrorCode(err) != modulario.EGONE {
		t.Fatalf("expired token: %v, want EGONE", err)
	}
	if _, _, err := modulario.VerifyPreview([]byte("another key, same length......."), tok, now); modulario.ErrorCode(err) != modulario.EUNAUTHORIZED {
		t.Fatalf("other key: %v, want EUNAUTHORIZED", err)
	}
	forged := modulario.SignPreview(key, "other", 3, now.Add(time.Hour))
	if _, _, err := modulario.VerifyPreview(key, tok[:len(tok)-2]+forged[len(forged)-2:], now); err == nil {
		t.Fatal("tampered token accepted")
	}
	for _, bad := range []string{"", ".", "abc", "abc.def", "!!!.x"} {
		if _, _, err := modulario.VerifyPreview(key, bad, now); modulario.ErrorCode(err) != modulario.EUNAUTHORIZED {
			t.Errorf("VerifyPreview(%q) = %v, want EUNAUTHORIZED", bad, err)
		}
	}
}

func TestEntryToken(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	now := time.Unix(1_800_000_000, 0)
	tok := modulario.SignEntry(key, "segnalazione", modulario.ChannelPhone, "u1", now.Add(time.Hour))
	slug, ch, user, err := modulario.VerifyEntry(key, tok, now)
	if err != nil || slug != "segnalazione" || ch != modulario.ChannelPhone || user != "u1" {
		t.Fatalf("VerifyEntry = %q, %q, %q, %v", slug, ch, user, err)
	}
	if _, _, _, err := modulario.VerifyEntry(key, tok, now.Add(2*time.Hour)); modulario.ErrorCode(err) != modulario.EGONE {
		t.Fatalf("expired: %v", err)
	}
	// A preview token is not an entry token, and a web channel is refused.
	if _, _, _, err := modulario.VerifyEntry(key, modulario.SignPreview(key, "segnalazione", 1, now.Add(time.Hour)), now); err == nil {
		t.Fatal("preview token accepted as entry")
	}
	web := modulario.SignEntry(key, "segnalazione", modulario.ChannelWeb, "u1", now.Add(time.Hour))
	if _, _, _, err := modulario.VerifyEntry(key, web, now); modulario.ErrorCode(err) != modulario.EUNAUTHORIZED {
		t.Fatalf("web channel: %v", err)
	}
}
