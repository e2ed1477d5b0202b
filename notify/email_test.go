package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// envelope is one message the test SMTP server accepted.
type envelope struct {
	From string
	To   []string
	Data []byte
	User string
}

// smtpBackend records envelopes; rejectRcpt makes RCPT fail with 550;
// needAuth requires PLAIN auth with user/pass.
type smtpBackend struct {
	mu         sync.Mutex
	got        []envelope
	rejectRcpt string
	user, pass string
}

func (b *smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &smtpSession{b: b}, nil
}

func (b *smtpBackend) envelopes() []envelope {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]envelope(nil), b.got...)
}

type smtpSession struct {
	b    *smtpBackend
	env  envelope
	user string
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.b.user || pass != s.b.pass {
			return errors.New("invalid credentials")
		}
		s.user = user
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.b.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.env.From = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == s.b.rejectRcpt {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.env.To = append(s.env.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.env.Data, s.env.User = data, s.user
	s.b.mu.Lock()
	s.b.got = append(s.b.got, s.env)
	s.b.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset()        { s.env = envelope{} }
func (s *smtpSession) Logout() error { return nil }

// startSMTP runs an in-process SMTP server on loopback and returns its port.
func startSMTP(t *testing.T, b *smtpBackend) int {
	t.Helper()
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

func testEmail(t *testing.T, raw string) *Email {
	t.Helper()
	cfg, err := ParseSMTPURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	cfg.From = "Comune di Prova <noreply@comune.example.it>"
	cfg.Timeout = 5 * time.Second
	e, err := NewEmail(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func testEmailMessage() *Message {
	return &Message{
		ID:         "0a1b2c3d4e5f",
		Recipients: []string{"mario.rossi@example.org", "urp@comune.example.it"},
		Subject:    "Richiesta 2026-0000001 ricevuta",
		Text:       "Gentile cittadino, numero 2026-0000001. Segui: https://comune.example.it/r/abc",
		HTML:       "<p>Gentile cittadino, numero <strong>2026-0000001</strong>.</p>",
		Files:      []File{{Name: "planimetria.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4 test")}},
	}
}

// parts returns the text and HTML bodies and attachment file names of a
// raw message.
func parts(t *testing.T, msg *mail.Message) (text, html string, files []string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		t.Fatalf("content type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	walkParts(t, multipart.NewReader(msg.Body, params["boundary"]), &text, &html, &files)
	return text, html, files
}

func walkParts(t *testing.T, r *multipart.Reader, text, html *string, files *[]string) {
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		mt, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if strings.HasPrefix(mt, "multipart/") {
			walkParts(t, multipart.NewReader(p, params["boundary"]), text, html, files)
			continue
		}
		body, _ := io.ReadAll(p) // multipart.Part decodes quoted-printable
		switch {
		case p.FileName() != "":
			*files = append(*files, p.FileName())
		case mt == "text/plain":
			*text = string(body)
		case mt == "text/html":
			*html = string(body)
		}
	}
}

func TestEmailSend(t *testing.T) {
	b := &smtpBackend{}
	port := startSMTP(t, b)
	e := testEmail(t, "smtp://127.0.0.1:"+strconv.Itoa(port)+"?tls=none")
	if _, err := e.Send(context.Background(), testEmailMessage()); err != nil {
		t.Fatal(err)
	}
	got := b.envelopes()
	if len(got) != 1 {
		t.Fatalf("got %d messages, want 1", len(got))
	}
	env := got[0]
	if env.From != "noreply@comune.example.it" || strings.Join(env.To, ",") != "mario.rossi@example.org,urp@comune.example.it" {
		t.Fatalf("envelope from %q to %q", env.From, env.To)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(env.Data)))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subject != "Richiesta 2026-0000001 ricevuta" {
		t.Errorf("subject %q", subject)
	}
	if id := msg.Header.Get("Message-ID"); id != "<0a1b2c3d4e5f@comune.example.it>" {
		t.Errorf("Message-ID %q", id)
	}
	text, html, files := parts(t, msg)
	if !strings.Contains(text, "2026-0000001") || !strings.Contains(text, "https://comune.example.it/r/abc") {
		t.Errorf("text part %q", text)
	}
	if !strings.Contains(html, `<html lang="it">`) || !strings.Contains(html, "<strong>2026-0000001</strong>") {
		t.Errorf("html part %q", html)
	}
	if len(files) != 1 || files[0] != "planimetria.pdf" {
		t.Errorf("attachments %q", files)
	}
}

func TestEmailAuthPlain(t *testing.T) {
	b := &smtpBackend{user: "modulario", pass: "s3gr3t@!"}
	port := startSMTP(t, b)
	e := testEmail(t, "smtp://modulario:s3gr3t%40%21@127.0.0.1:"+strconv.Itoa(port)+"?tls=none")
	if _, err := e.Send(context.Background(), testEmailMessage()); err != nil {
		t.Fatal(err)
	}
	if got := b.envelopes(); len(got) != 1 || got[0].User != "modulario" {
		t.Fatalf("envelopes %+v", got)
	}
	bad := testEmail(t, "smtp://modulario:wrong@127.0.0.1:"+strconv.Itoa(port)+"?tls=none")
	_, err := bad.Send(context.Background(), testEmailMessage())
	if err == nil || errors.Is(err, ErrPermanent) {
		t.Fatalf("bad credentials: err %v, want a retryable error", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error reveals the password: %v", err)
	}
}

func TestEmailErrors(t *testing.T) {
	b := &smtpBackend{rejectRcpt: "urp@comune.example.it"}
	port := startSMTP(t, b)
	e := testEmail(t, "smtp://127.0.0.1:"+strconv.Itoa(port)+"?tls=none")
	_, err := e.Send(context.Background(), testEmailMessage())
	if !errors.Is(err, ErrPermanent) {
		t.Errorf("550 recipient: err %v, want permanent", err)
	}

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l.Addr().(*net.TCPAddr).Port
	l.Close()
	down := testEmail(t, "smtp://127.0.0.1:"+strconv.Itoa(closed)+"?tls=none")
	_, err = down.Send(context.Background(), testEmailMessage())
	if err == nil || errors.Is(err, ErrPermanent) {
		t.Errorf("connection refused: err %v, want retryable", err)
	}

	for name, mut := range map[string]func(*Message){
		"subject":   func(m *Message) { m.Subject = "Ciao\r\nBcc: x@evil.example" },
		"recipient": func(m *Message) { m.Recipients = []string{"a@example.org\r\nBcc: x@evil.example"} },
		"id":        func(m *Message) { m.ID = "a>\r\nX: y" },
	} {
		m := testEmailMessage()
		mut(m)
		if _, err := e.Send(context.Background(), m); !errors.Is(err, ErrPermanent) {
			t.Errorf("%s injection: err %v, want permanent", name, err)
		}
	}
	if n := len(b.envelopes()); n != 0 {
		t.Errorf("%d messages delivered, want none", n)
	}
}

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		raw      string
		host     string
		port     int
		tls      TLSMode
		user     string
		password string
		wantErr  bool
	}{
		{raw: "smtp://mail.example.it", host: "mail.example.it", port: 587, tls: TLSStartTLS},
		{raw: "smtps://mail.example.it", host: "mail.example.it", port: 465, tls: TLSImplicit},
		{raw: "smtp://localhost?tls=none", host: "localhost", port: 25, tls: TLSNone},
		{raw: "smtp://u%40x:p%3Aw@mail.example.it:2525?tls=tls", host: "mail.example.it", port: 2525, tls: TLSImplicit, user: "u@x", password: "p:w"},
		{raw: "http://mail.example.it", wantErr: true},
		{raw: "smtp://mail.example.it?tls=maybe", wantErr: true},
		{raw: "smtp://:25", wantErr: true},
		{raw: "smtp://mail.example.it:99999", wantErr: true},
	}
	for _, tt := range tests {
		c, err := ParseSMTPURL(tt.raw)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err %v", tt.raw, err)
			continue
		}
		if tt.wantErr {
			continue
		}
		if c.Host != tt.host || c.Port != tt.port || c.TLS != tt.tls || c.Username != tt.user || c.Password != tt.password {
			t.Errorf("%s: got %+v", tt.raw, c)
		}
	}
}

func TestEmailConfigRedactsAndValidates(t *testing.T) {
	c, err := ParseSMTPURL("smtp://user:hunter2@mail.example.it")
	if err != nil {
		t.Fatal(err)
	}
	c.From = "noreply@comune.example.it"
	if s := c.String(); strings.Contains(s, "hunter2") || !strings.Contains(s, "[redacted]") {
		t.Errorf("String() = %q", s)
	}
	if _, err := ParseSMTPURL("smtp://user:hunter2@mail.example.it:x"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("malformed URL error %v", err)
	}
	for _, from := range []string{"", "not an address", "a@b.it\r\nBcc: x@y.it"} {
		c.From = from
		if _, err := NewEmail(c); err == nil {
			t.Errorf("From %q accepted", from)
		}
	}
}

// TestEmailTLSModes delivers over STARTTLS and implicit TLS, with PLAIN
// auth chosen by discovery once the connection is encrypted.
func TestEmailTLSModes(t *testing.T) {
	certSrv := httptest.NewTLSServer(http.NotFoundHandler()) // borrows its 127.0.0.1 certificate
	defer certSrv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(certSrv.Certificate())
	for _, mode := range []TLSMode{TLSStartTLS, TLSImplicit} {
		b := &smtpBackend{user: "modulario", pass: "pw"}
		srv := smtp.NewServer(b)
		srv.Domain = "localhost"
		srv.TLSConfig = certSrv.TLS
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if mode == TLSImplicit {
			l = tls.NewListener(l, certSrv.TLS)
		}
		go func() { _ = srv.Serve(l) }()
		port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		cfg, err := ParseSMTPURL("smtp://modulario:pw@127.0.0.1:" + port + "?tls=" + string(mode))
		if err != nil {
			t.Fatal(err)
		}
		cfg.From, cfg.Timeout = "noreply@comune.example.it", 5*time.Second
		cfg.TLSConfig = &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"}
		e, err := NewEmail(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Send(context.Background(), testEmailMessage())
		_ = srv.Close()
		if err != nil {
			t.Fatalf("tls=%s: %v", mode, err)
		}
		if got := b.envelopes(); len(got) != 1 || got[0].User != "modulario" {
			t.Errorf("tls=%s: envelopes %+v", mode, got)
		}
	}
}

// TestEmailCapsHeaderValues: a huge subject or attachment name (from an
// answer) still makes a deliverable e-mail, with both shortened.
func TestEmailCapsHeaderValues(t *testing.T) {
	b := &smtpBackend{}
	port := startSMTP(t, b)
	e := testEmail(t, "smtp://127.0.0.1:"+strconv.Itoa(port)+"?tls=none")
	m := testEmailMessage()
	m.Subject = "Ciao " + strings.Repeat("parola ", 20000)
	m.Files[0].Name = strings.Repeat("planimetria-", 40) + ".pdf"
	if _, err := e.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := b.envelopes()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(got[0].Data)))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if n := utf8.RuneCountInString(subject); n > MaxSubject || !strings.HasPrefix(subject, "Ciao parola") {
		t.Errorf("subject of %d characters", n)
	}
	_, _, files := parts(t, msg)
	if len(files) != 1 || utf8.RuneCountInString(files[0]) > maxFileName || !strings.HasSuffix(files[0], ".pdf") {
		t.Errorf("attachment names %q", files)
	}
	for _, line := range strings.Split(string(got[0].Data), "\n") {
		if len(line) > 998 {
			t.Fatalf("a line of %d bytes", len(line))
		}
	}
}
