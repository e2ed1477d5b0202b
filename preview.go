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
	payload := slug + "." + strconv.Itoa(version) + "." + strconv.FormatInt(exp.Unix(), 10)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + previewMAC(key, payload)
}

// VerifyPreview checks a token made by SignPreview and returns what it
// grants. Returns EUNAUTHORIZED for a forged token and EGONE for an expired one.
func VerifyPreview(key []byte, token string, now time.Time) (slug string, version int, err error) {
	bad := Errorf(EUNAUTHORIZED, "invalid preview link")
	enc, mac, ok := strings.Cut(token, ".")
	if !ok || len(key) == 0 {
		return "", 0, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return "", 0, bad
	}
	payload := string(raw)
	if !hmac.Equal([]byte(mac), []byte(previewMAC(key, payload))) {
		return "", 0, bad
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 3 {
		return "", 0, bad
	}
	version, err1 := strconv.Atoi(parts[1])
	exp, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || version < 1 {
		return "", 0, bad
	}
	if now.Unix() > exp {
		return "", 0, Errorf(EGONE, "preview link expired")
	}
	return parts[0], version, nil
}

func previewMAC(key []byte, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("modulario-preview\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
