package main

import (
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"regexp"
	"strings"
	"testing"
	"time"
)

// mailParts returns the decoded text/plain and text/html parts of a
// received message, however deeply they are nested in multipart parts.
func mailParts(t *testing.T, m received) (text, html string) {
	t.Helper()
	var walk func(contentType, encoding string, body io.Reader)
	walk = func(contentType, encoding string, body io.Reader) {
		mt, params, err := mime.ParseMediaType(contentType)
		if err != nil {
			t.Fatalf("Content-Type %q: %v", contentType, err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			r := multipart.NewReader(body, params["boundary"])
			for {
				p, err := r.NextPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				// multipart.Reader already decodes quoted-printable parts.
				walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			}
		}
		switch strings.ToLower(encoding) {
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, body)
		case "quoted-printable":
			body = quotedprintable.NewReader(body)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		switch mt {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		}
	}
	walk(m.header.Get("Content-Type"), m.header.Get("Content-Transfer-Encoding"), strings.NewReader(m.body))
	return text, html
}

// TestSubmissionEmailsOverSMTP: one submission through the JSON API gives
// the citizen's receipt and the office's notice, read back from a real
// SMTP server and checked one by one: envelope recipients, exact subject,
// request number and link in the text part and in the HTML part (as an
// href) separately. The receipt carries the private tracking link; the
// office notice the request's back-office page, never the citizen's link.
func TestSubmissionEmailsOverSMTP(t *testing.T) {
	skipWithoutBinary(t)
	bin, addr, smtpAddr := buildBinary(t), freeAddr(t), freeAddr(t)
	box := startMailbox(t, smtpAddr)
	startServer(t, bin, t.TempDir(), addr,
		"MODULARIO_SMTP_URL=smtp://"+smtpAddr+"?tls=none",
		"MODULARIO_MAIL_FROM=Comune di Esempio <noreply@comune.example>", "MODULARIO_LOG_LEVEL=warn")
	r := submitAssistenzaAs(t, addr, "maria.rossi@example.it")
	deadline := time.Now().Add(30 * time.Second)
	for len(box.all()) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	msgs := box.all()
	if len(msgs) != 2 {
		t.Fatalf("received %d emails, want 2", len(msgs))
	}
	byTo := map[string]received{}
	for _, m := range msgs {
		byTo[strings.Join(m.to, ",")] = m
	}
	staffLink := regexp.MustCompile(`http://` + regexp.QuoteMeta(addr) + `/admin/richieste/[0-9]+`)
	for _, c := range []struct {
		to, subject, link string
		linkRE            *regexp.Regexp
	}{
		{to: "maria.rossi@example.it", subject: "Richiesta " + r.Number + " ricevuta: Richiesta di assistenza", link: r.TrackingURL},
		{to: "urp@comune.example", subject: "Nuova richiesta " + r.Number + ": Richiesta di assistenza", linkRE: staffLink},
	} {
		m, ok := byTo[c.to]
		if !ok {
			t.Errorf("no email to %s (got %v)", c.to, msgs)
			continue
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(m.header.Get("Subject"))
		if err != nil || subject != c.subject {
			t.Errorf("to %s: subject %q (%v), want %q", c.to, subject, err, c.subject)
		}
		if to := m.header.Get("To"); !strings.Contains(to, c.to) || strings.Count(to, "@") != 1 {
			t.Errorf("to %s: To header %q", c.to, to)
		}
		text, html := mailParts(t, m)
		link := c.link
		if c.linkRE != nil {
			link = c.linkRE.FindString(text)
			if link == "" || c.linkRE.FindString(html) != link {
				t.Errorf("to %s: back-office link %q in text, %q in HTML", c.to, link, c.linkRE.FindString(html))
			}
			if strings.Contains(text+html, "/pratiche/") {
				t.Errorf("to %s: the office notice carries the citizen's private link", c.to)
			}
		}
		if !strings.HasPrefix(link, "http://"+addr+"/") {
			t.Errorf("to %s: link %q is not absolute", c.to, link)
		}
		if !strings.Contains(text, r.Number) || !strings.Contains(text, link) {
			t.Errorf("to %s: text part lacks the number %s or the link %s:\n%s", c.to, r.Number, link, text)
		}
		if !strings.Contains(html, r.Number) || !strings.Contains(html, `href="`+link+`"`) {
			t.Errorf("to %s: HTML part lacks the number %s or href %s:\n%s", c.to, r.Number, link, html)
		}
	}
}
