package modulario

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// SignPreview returns a URL-safe token that lets staff walk through
// version `version` of a form as a citizen would, until exp, without
// publishing it. The builder signs, the renderer verifies (VerifyPreview);
// both are given the same key by cmd/modulario.
func SignPreview(key []byte, slug string, version int, exp time.Time) string {
	return signLink(key, "preview", exp, slug, strconv.Itoa(version))
}

// VerifyPreview checks a token made by SignPreview and returns what it
// grants. Returns EUNAUTHORIZED for a forged token and EGONE for an expired one.
func VerifyPreview(key []byte, token string, now time.Time) (slug string, version int, err error) {
	parts, err := verifyLink(key, "preview", token, 2, now)
	if err != nil {
		return "", 0, err
	}
	version, err = strconv.Atoi(parts[1])
	if err != nil || version < 1 {
		return "", 0, Errorf(EUNAUTHORIZED, "invalid preview link")
	}
	return parts[0], version, nil
}

// SignEntry returns a URL-safe token that lets staff member userID enter a
// request on the published form slug for a citizen who phoned
// (ChannelPhone) or came to the counter (ChannelCounter), through the same
// steps and checks as the citizen, until exp. The builder signs, the
// renderer verifies (VerifyEntry) and stores the request with that channel
// and EnteredBy.
func SignEntry(key []byte, slug string, channel Channel, userID string, exp time.Time) string {
	return signLink(key, "entry", exp, slug, string(channel), userID)
}

// VerifyEntry checks a token made by SignEntry. Returns EUNAUTHORIZED for a
// forged token or a channel other than phone or counter, and EGONE for an
// expired one.
func VerifyEntry(key []byte, token string, now time.Time) (slug string, channel Channel, userID string, err error) {
	parts, err := verifyLink(key, "entry", token, 3, now)
	if err != nil {
		return "", "", "", err
	}
	channel = Channel(parts[1])
	if channel != ChannelPhone && channel != ChannelCounter || parts[2] == "" {
		return "", "", "", Errorf(EUNAUTHORIZED, "invalid entry link")
	}
	return parts[0], channel, parts[2], nil
}

// signLink signs parts (which must not contain "\x1f") and exp for purpose.
func signLink(key []byte, purpose string, exp time.Time, parts ...string) string {
	payload := strings.Join(append(parts, strconv.FormatInt(exp.Unix(), 10)), "\x1f")
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + linkMAC(key, purpose, payload)
}

// verifyLink checks a signLink token of purpose with n parts and returns
// the parts.
func verifyLink(key []byte, purpose, token string, n int, now time.Time) ([]string, error) {
	bad := Errorf(EUNAUTHORIZED, "invalid %s link", purpose)
	enc, mac, ok := strings.Cut(token, ".")
	if !ok || len(key) == 0 {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return nil, bad
	}
	payload := string(raw)
	if !hmac.Equal([]byte(mac), []byte(linkMAC(key, purpose, payload))) {
		return nil, bad
	}
	parts := strings.Split(payload, "\x1f")
	if len(parts) != n+1 {
		return nil, bad
	}
	exp, err := strconv.ParseInt(parts[n], 10, 64)
	if err != nil {
		return nil, bad
	}
	if now.Unix() > exp {
		return nil, Errorf(EGONE, "%s link expired", purpose)
	}
	return parts[:n], nil
}

func linkMAC(key []byte, purpose, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("modulario-" + purpose + "\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
