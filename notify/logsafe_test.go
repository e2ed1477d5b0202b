package notify

import (
	"strings"
	"testing"
)

func TestLogSafe(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`550 "5.1.1 <maria.rossi@example.it>: mailbox unavailable"`, `550 "5.1.1 <[redacted]>: mailbox unavailable"`},
		{`Post "https://hook.example/in?token=s3cret&x=1": dial tcp 10.0.0.1:443: refused`, `Post "https://hook.example/in?[redacted]": dial tcp 10.0.0.1:443: refused`},
		{`sms: 400 invalid recipient +393331234567`, `sms: 400 invalid recipient [redacted]`},
		{`appio: profile RSSMRA85T10A562S not found`, `appio: profile [redacted] not found`},
		{`email: dial tcp 127.0.0.1:2525: connection refused`, `email: dial tcp 127.0.0.1:2525: connection refused`},
	} {
		if got := logSafe(c.in); got != c.want {
			t.Errorf("logSafe(%q)\n = %q\nwant %q", c.in, got, c.want)
		}
		if strings.Contains(logSafe(c.in), "s3cret") {
			t.Error("secret kept")
		}
	}
}
