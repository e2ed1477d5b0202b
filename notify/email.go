package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html"
	"net/mail"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/ics"
)

// TLSMode is how the SMTP connection is secured.
type TLSMode string

// TLS modes of an SMTP URL's "tls" parameter.
const (
	TLSNone     TLSMode = "none"     // plain text (local relays only)
	TLSStartTLS TLSMode = "starttls" // STARTTLS required
	TLSImplicit TLSMode = "tls"      // TLS from the first byte (SMTPS)
)

// EmailConfig configures the email channel.
type EmailConfig struct {
	Host string
	Port int
	// Username and Password enable SMTP AUTH when Username is set.
	Username string
	Password string
	TLS      TLSMode
	// From is the sender, "Comune di X <noreply@comune.example.it>"
	// (MODULARIO_MAIL_FROM); its domain also ends the Message-ID.
	From string
	// Timeout bounds one connection and delivery (default 30s).
	Timeout time.Duration
	// TLSConfig overrides the TLS settings (custom roots); nil uses the
	// system roots with ServerName = Host.
	TLSConfig *tls.Config
}

// ParseSMTPURL parses "smtp://user:pass@host:port?tls=none|starttls|tls"
// (MODULARIO_SMTP_URL). The tls mode defaults to starttls for smtp:// and
// tls for smtps://; the port defaults to 25, 587 or 465 for none,
// starttls and tls. From and Timeout are left for the caller to set.
func ParseSMTPURL(raw string) (EmailConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return EmailConfig{}, errors.New("smtp url: malformed") // err repeats the password
	}
	var c EmailConfig
	switch u.Scheme {
	case "smtp":
		c.TLS = TLSStartTLS
	case "smtps":
		c.TLS = TLSImplicit
	default:
		return EmailConfig{}, fmt.Errorf("smtp url: scheme %q is not smtp or smtps", u.Scheme)
	}
	if mode := u.Query().Get("tls"); mode != "" {
		c.TLS = TLSMode(mode)
	}
	defaultPort := map[TLSMode]int{TLSNone: 25, TLSStartTLS: 587, TLSImplicit: 465}[c.TLS]
	if defaultPort == 0 {
		return EmailConfig{}, fmt.Errorf("smtp url: tls=%s is not none, starttls or tls", c.TLS)
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return EmailConfig{}, errors.New("smtp url: missing host")
	}
	c.Port = defaultPort
	if p := u.Port(); p != "" {
		c.Port, err = strconv.Atoi(p)
		if err != nil || c.Port < 1 || c.Port > 65535 {
			return EmailConfig{}, fmt.Errorf("smtp url: bad port %q", p)
		}
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	return c, nil
}

// Validate reports a missing or malformed setting.
func (c EmailConfig) Validate() error {
	if c.Host == "" {
		return errors.New("email: missing SMTP host")
	}
	switch c.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return fmt.Errorf("email: unknown tls mode %q", c.TLS)
	}
	if _, err := senderDomain(c.From); err != nil {
		return err
	}
	return nil
}

// String describes the configuration with the password redacted.
func (c EmailConfig) String() string {
	auth := ""
	if c.Username != "" {
		auth = url.User(c.Username).String() + ":[redacted]@"
	}
	return fmt.Sprintf("smtp://%s%s:%d?tls=%s from=%q", auth, c.Host, c.Port, c.TLS, c.From)
}

// senderDomain validates a From value and returns its domain.
func senderDomain(from string) (string, error) {
	if strings.ContainsAny(from, "\r\n") {
		return "", errors.New("email: sender contains a line break")
	}
	a, err := mail.ParseAddress(from)
	if err != nil {
		return "", fmt.Errorf("email: invalid sender %q (MODULARIO_MAIL_FROM): %w", from, err)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 1 || at == len(a.Address)-1 {
		return "", fmt.Errorf("email: invalid sender %q: no domain", from)
	}
	return a.Address[at+1:], nil
}

// Email sends messages through an SMTP server, one connection per message.
type Email struct {
	cfg    EmailConfig
	domain string
}

// NewEmail returns the email channel after validating cfg.
func NewEmail(cfg EmailConfig) (*Email, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	domain, _ := senderDomain(cfg.From)
	return &Email{cfg: cfg, domain: domain}, nil
}

// Name implements Channel.
func (e *Email) Name() string { return modulario.ChannelEmailMsg }

// Send implements Channel: one mail to m.Recipients with a text and an
// HTML alternative and m.Files attached. The Message-ID is built from m.ID,
// so a resend after a crash can be recognised. A 5xx reply to the message
// (sender, recipient, data) is permanent; connection, TLS and
// authentication failures concern every message and are retried.
func (e *Email) Send(ctx context.Context, m *Message) (string, error) {
	msg, err := e.build(m)
	if err != nil {
		return "", permanent(err)
	}
	client, err := e.client()
	if err != nil {
		return "", permanent(err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && se.ErrorCode() >= 500 {
			return "", permanent(fmt.Errorf("email: %w", err))
		}
		return "", fmt.Errorf("email: %w", err)
	}
	return "", nil
}

func (e *Email) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(e.cfg.Port), gomail.WithTimeout(e.cfg.Timeout)}
	tc := e.cfg.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: e.cfg.Host, MinVersion: tls.VersionTLS12}
	}
	opts = append(opts, gomail.WithTLSConfig(tc))
	switch e.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	}
	if e.cfg.Username != "" {
		auth := gomail.SMTPAuthAutoDiscover
		if e.cfg.TLS == TLSNone {
			// The operator chose a plain connection (a local relay):
			// PLAIN is the mechanism such relays offer.
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth),
			gomail.WithUsername(e.cfg.Username), gomail.WithPassword(e.cfg.Password))
	}
	c, err := gomail.NewClient(e.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	return c, nil
}

// build composes the message, refusing header injection.
func (e *Email) build(m *Message) (*gomail.Msg, error) {
	if len(m.Recipients) == 0 {
		return nil, errors.New("email: no recipient")
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, errors.New("email: subject contains a line break")
	}
	if m.ID == "" || strings.ContainsAny(m.ID, "\r\n<>@ ") {
		return nil, fmt.Errorf("email: message id %q unusable in a Message-ID", m.ID)
	}
	for _, r := range m.Recipients {
		if strings.ContainsAny(r, "\r\n") {
			return nil, errors.New("email: recipient contains a line break")
		}
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(e.cfg.From); err != nil {
		return nil, fmt.Errorf("email: sender: %w", err)
	}
	if err := msg.To(m.Recipients...); err != nil {
		return nil, fmt.Errorf("email: recipients: %w", err)
	}
	msg.Subject(truncateWords(m.Subject, MaxSubject)) // header lines stay short whatever built m
	msg.SetMessageIDWithValue(m.ID + "@" + e.domain)
	msg.SetDate()
	msg.SetGenHeader(gomail.HeaderXMailer, "Modulario")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, htmlDocument(m.Subject, m.HTML))
	for _, f := range m.Files {
		if strings.ContainsAny(f.Name+f.ContentType, "\r\n") {
			return nil, errors.New("email: attachment name contains a line break")
		}
		ct := f.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		if err := msg.AttachReader(capFileName(f.Name), bytes.NewReader(f.Content),
			gomail.WithFileContentType(gomail.ContentType(ct))); err != nil {
			return nil, fmt.Errorf("email: attachment %q: %w", f.Name, err)
		}
	}
	if m.Calendar != nil {
		a := *m.Calendar
		if a.Organizer == "" {
			a.Organizer = e.cfg.From
		}
		method := "PUBLISH"
		if a.Cancelled {
			method = "CANCEL"
		}
		if err := msg.AttachReader(ICSFileName, bytes.NewReader(ics.Encode(a)),
			gomail.WithFileContentType(gomail.ContentType(ics.ContentType+"; method="+method))); err != nil {
			return nil, fmt.Errorf("email: calendar attachment: %w", err)
		}
	}
	return msg, nil
}

// maxFileName caps an attachment's name in the e-mail headers, in
// characters (the subject has MaxSubject).
const maxFileName = 100

// capFileName shortens a long file name, keeping its extension.
func capFileName(name string) string {
	if utf8.RuneCountInString(name) <= maxFileName {
		return name
	}
	ext := path.Ext(name)
	if utf8.RuneCountInString(ext) > 10 {
		ext = ""
	}
	return string([]rune(strings.TrimSuffix(name, ext))[:maxFileName-utf8.RuneCountInString(ext)]) + ext
}

// ICSFileName is the name of the calendar entry attached to e-mails about
// an appointment.
const ICSFileName = "appuntamento.ics"

// htmlDocument wraps an HTML fragment in a minimal Italian document
// without styles, which mail clients render predictably.
func htmlDocument(title, body string) string {
	return "<!DOCTYPE html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
		html.EscapeString(title) + "</title>\n</head>\n<body>\n" + body + "\n</body>\n</html>\n"
}
