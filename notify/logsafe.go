package notify

import (
	"net/url"
	"regexp"
	"strings"
)

// Patterns logSafe removes. A channel's error quotes what the remote side
// said, and SMTP servers, SMS gateways and webhook receivers echo the
// recipient: an e-mail address, a phone number, a codice fiscale, or a URL
// whose path or query holds a secret.
var (
	logSafeURL   = regexp.MustCompile(`(?i)\bhttps?://[^\s"'<>]+`)
	logSafeEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+`)
	logSafeCF    = regexp.MustCompile(`(?i)\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b`)
	// A phone number: digits, optionally after +country code, in groups
	// of two or more separated by one space or dot ("+39 333 123 4567",
	// "333.123.4567", "+393331234567"). A match is redacted when it has
	// at least 9 digits and is not an IPv4 address.
	logSafePhone = regexp.MustCompile(`(?:\+\d{1,3}[ .]?)?\d{2,}(?:[ .]\d{2,})*`)
	logSafeIPv4  = regexp.MustCompile(`^\d{1,3}(?:\.\d{1,3}){3}$`)
)

// logSafe returns an error text fit for the log: personal data, and URL
// paths and queries, replaced by "[redacted]". The attempt stored in the
// outbox keeps the full text for the staff, who see the request anyway.
func logSafe(s string) string {
	s = logSafeURL.ReplaceAllStringFunc(s, func(m string) string {
		// Punctuation after an unquoted URL ("https://h/p: status 404")
		// belongs to the sentence; a "]" closing a "[" of the URL (an IPv6
		// host, a "[redacted]" already there) belongs to the URL.
		trimmed := strings.TrimRight(m, ":.,;)]")
		for strings.Count(trimmed, "[") > strings.Count(trimmed, "]") && len(trimmed) < len(m) && m[len(trimmed)] == ']' {
			trimmed = m[:len(trimmed)+1]
		}
		u, err := url.Parse(trimmed)
		if err != nil {
			return "[redacted]" + m[len(trimmed):]
		}
		return redactURL(u) + m[len(trimmed):]
	})
	s = logSafeEmail.ReplaceAllString(s, "[redacted]")
	s = logSafeCF.ReplaceAllString(s, "[redacted]")
	return logSafePhone.ReplaceAllStringFunc(s, func(m string) string {
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits < 9 || logSafeIPv4.MatchString(m) {
			return m
		}
		return "[redacted]"
	})
}
