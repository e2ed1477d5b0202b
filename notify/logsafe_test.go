package notify

import (
	"net/url"
	"strings"
	"testing"
)

func TestLogSafe(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`550 "5.1.1 <maria.rossi@example.it>: mailbox unavailable"`, `550 "5.1.1 <[redacted]>: mailbox unavailable"`},
		{`Post "https://hook.example/in?token=s3cret&x=1": dial tcp 10.0.0.1:443: refused`, `Post "https://hook.example/[redacted]": dial tcp 10.0.0.1:443: refused`},
		{`Post "https://hooks.example/T0/B0/s3cret": EOF`, `Post "https://hooks.example/[redacted]": EOF`},
		{`POST https://user:s3cret@hooks.example:8443/services/s3cret#frag: status 404`, `POST https://hooks.example:8443/[redacted]: status 404`},
		{`Get "https://hook.example": timeout`, `Get "https://hook.example": timeout`},
		{`Get "https://hook.example/": timeout`, `Get "https://hook.example/": timeout`},
		{`sms: 400 invalid recipient +393331234567`, `sms: 400 invalid recipient [redacted]`},
		{`sms: 400 invalid recipient +39 333 123 4567 (rejected)`, `sms: 400 invalid recipient [redacted] (rejected)`},
		{`sms: number 333.123.4567 unknown`, `sms: number [redacted] unknown`},
		{`sms: number 0039.333.1234567 unknown`, `sms: number [redacted] unknown`},
		{`dial tcp 192.168.100.200:443: i/o timeout after 30s at 2024-05-01 12:30:00`, `dial tcp 192.168.100.200:443: i/o timeout after 30s at 2024-05-01 12:30:00`},
		{`421 4.7.0 try again in 300 seconds`, `421 4.7.0 try again in 300 seconds`},
		{`appio: profile RSSMRA85T10A562S not found`, `appio: profile [redacted] not found`},
		{`email: dial tcp 127.0.0.1:2525: connection refused`, `email: dial tcp 127.0.0.1:2525: connection refused`},
		// An error already redacted once (statusError) keeps one bracket.
		{`webhook hook: POST http://127.0.0.1:18931/[redacted]: status 503: x`, `webhook hook: POST http://127.0.0.1:18931/[redacted]: status 503: x`},
		{`see [http://[::1]:8080/a/b]`, `see [http://[::1]:8080/[redacted]]`},
	} {
		if got := logSafe(c.in); got != c.want {
			t.Errorf("logSafe(%q)\n = %q\nwant %q", c.in, got, c.want)
		}
		if strings.Contains(logSafe(c.in), "s3cret") {
			t.Error("secret kept")
		}
	}
}

// TestRedactURL: the URL shown in errors and configuration keeps scheme
// and host only, the same form logSafe writes.
func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://hooks.example/T0/B0/XXXX":         "https://hooks.example/[redacted]",
		"https://k:s3cret@api.example:8443/v1?k=1": "https://api.example:8443/[redacted]",
		"https://api.example":                      "https://api.example",
		"https://api.example/":                     "https://api.example/",
		"https://api.example?key=s3cret":           "https://api.example/[redacted]",
		"relative/s3cret":                          "[redacted]",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := redactURL(u); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
		if got := logSafe(in); u.Host != "" && got != want {
			t.Errorf("logSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
