package main

import (
	"flag"
	"net/mail"
	"net/url"
	"os"
	"time"

	"github.com/modulario/modulario/notify"
)

// NotifyConfig configures the notification channels and the dispatcher.
// Channels left unconfigured keep their messages queued, with retries, so
// configuring them later and running `modulario outbox retry` loses nothing.
type NotifyConfig struct {
	// SMTPURL is smtp://user:pass@host:port?tls=none|starttls|tls. Secret:
	// never logged.
	SMTPURL  string
	MailFrom string
	AppIOURL string
	AppIOKey string
	// SMSProvider and WhatsAppProvider are paths of JSON provider files.
	SMSProvider      string
	WhatsAppProvider string
	// AllowNetworks lists CIDRs that webhooks and providers may reach even
	// though they are private or loopback (on-premises receivers, tests).
	AllowNetworks     string
	NotifyWorkers     int
	NotifyMaxAttempts int
	NotifyMinBackoff  time.Duration
	NotifyMaxBackoff  time.Duration
}

func defaultNotifyConfig() NotifyConfig {
	return NotifyConfig{
		AppIOURL:          "https://api.io.pagopa.it/api/v1",
		NotifyWorkers:     4,
		NotifyMaxAttempts: 8,
		NotifyMinBackoff:  5 * time.Second,
		NotifyMaxBackoff:  time.Hour,
	}
}

func registerNotifyFlags(fs *flag.FlagSet, c *NotifyConfig) {
	fs.StringVar(&c.SMTPURL, "smtp-url", c.SMTPURL, "SMTP server `URL`: smtp://user:pass@host:port?tls=none|starttls|tls (empty: email is queued, not sent)")
	fs.StringVar(&c.MailFrom, "mail-from", c.MailFrom, "sender `address` of notification emails, e.g. \"Comune di Esempio <noreply@comune.example>\"")
	fs.StringVar(&c.AppIOURL, "appio-url", c.AppIOURL, "App IO API base `URL`")
	fs.StringVar(&c.AppIOKey, "appio-key", c.AppIOKey, "App IO subscription `key` (empty: App IO messages are queued, not sent)")
	fs.StringVar(&c.SMSProvider, "sms-provider", c.SMSProvider, "JSON `file` describing the SMS gateway's HTTP API")
	fs.StringVar(&c.WhatsAppProvider, "whatsapp-provider", c.WhatsAppProvider, "JSON `file` describing the WhatsApp gateway's HTTP API")
	fs.StringVar(&c.AllowNetworks, "notify-allow-networks", c.AllowNetworks, "comma-separated `CIDRs` that webhooks and gateways may reach although private or loopback")
	fs.IntVar(&c.NotifyWorkers, "notify-workers", c.NotifyWorkers, "notifications sent at once")
	fs.IntVar(&c.NotifyMaxAttempts, "notify-max-attempts", c.NotifyMaxAttempts, "attempts before a notification goes to dead letter")
	fs.DurationVar(&c.NotifyMinBackoff, "notify-min-backoff", c.NotifyMinBackoff, "ceiling of the first retry delay, doubled for each further retry (the delay is random below it)")
	fs.DurationVar(&c.NotifyMaxBackoff, "notify-max-backoff", c.NotifyMaxBackoff, "longest wait between retries")
}

// validate reports invalid notification settings through bad.
func (c *NotifyConfig) validate(bad func(name, format string, args ...any)) {
	if c.SMTPURL != "" {
		if err := checkSMTPURL(c.SMTPURL); err != nil {
			bad("smtp-url", "%v", err)
		}
		if c.MailFrom == "" {
			bad("mail-from", "is required when --smtp-url is set")
		}
	}
	if c.MailFrom != "" {
		if _, err := mail.ParseAddress(c.MailFrom); err != nil {
			bad("mail-from", "%q is not an email address: %v", c.MailFrom, err)
		}
	}
	if u, err := url.Parse(c.AppIOURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("appio-url", "%q is not an absolute http or https URL", c.AppIOURL)
	}
	for _, p := range []struct{ name, path string }{{"sms-provider", c.SMSProvider}, {"whatsapp-provider", c.WhatsAppProvider}} {
		if p.path == "" {
			continue
		}
		if _, err := os.Stat(p.path); err != nil {
			bad(p.name, "%v", err)
		}
	}
	if _, err := notify.ParseAllowedNetworks(c.AllowNetworks); err != nil {
		bad("notify-allow-networks", "%v", err)
	}
	if c.NotifyWorkers < 1 || c.NotifyWorkers > 256 {
		bad("notify-workers", "must be between 1 and 256, not %d", c.NotifyWorkers)
	}
	if c.NotifyMaxAttempts < 1 {
		bad("notify-max-attempts", "must be at least 1, not %d", c.NotifyMaxAttempts)
	}
	if c.NotifyMinBackoff <= 0 || c.NotifyMaxBackoff < c.NotifyMinBackoff {
		bad("notify-min-backoff", "must be positive and not above --notify-max-backoff (%s, %s)", c.NotifyMinBackoff, c.NotifyMaxBackoff)
	}
}

// checkSMTPURL validates the SMTP URL with the email channel's own parser.
func checkSMTPURL(s string) error {
	_, err := notify.ParseSMTPURL(s)
	return err
}
