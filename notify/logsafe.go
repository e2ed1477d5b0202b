package notify

import "regexp"

// Patterns logSafe removes. A channel's error quotes what the remote side
// said, and SMTP servers, SMS gateways and webhook receivers echo the
// recipient: an e-mail address, a phone number, a codice fiscale, or a URL
// whose query holds a secret.
var (
	logSafeEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+`)
	logSafeQuery = regexp.MustCompile(`(https?://[^\s"'?#]*)[?#][^\s"']*`)
	logSafeCF    = regexp.MustCompile(`(?i)\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b`)
	logSafePhone = regexp.MustCompile(`\+?\d{9,15}`)
)

// logSafe returns an error text fit for the log: personal data and URL
// queries replaced by "[redacted]". The attempt stored in the outbox keeps
// the full text for the staff, who see the request anyway.
func logSafe(s string) string {
	s = logSafeEmail.ReplaceAllString(s, "[redacted]")
	s = logSafeQuery.ReplaceAllString(s, "$1?[redacted]")
	s = logSafeCF.ReplaceAllString(s, "[redacted]")
	return logSafePhone.ReplaceAllString(s, "[redacted]")
}
