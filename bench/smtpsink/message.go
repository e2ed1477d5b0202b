package main

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// maxParts bounds how many MIME parts one message may have, so a hostile
// message cannot make the sink walk without end.
const maxParts = 64

// Message is a received message as GET /messages shows it.
type Message struct {
	From        string   `json:"from"`        // envelope sender (MAIL FROM)
	To          []string `json:"to"`          // envelope recipients (RCPT TO)
	Header      Header   `json:"header"`      // a few decoded header fields
	Subject     string   `json:"subject"`     // decoded (RFC 2047)
	Text        string   `json:"text"`        // the text/plain body, decoded
	HTML        string   `json:"html"`        // the text/html body, decoded
	Attachments []string `json:"attachments"` // file names of the other parts
	// Calendars are the decoded text/calendar parts (ICS files), in order.
	Calendars []string  `json:"calendars"`
	Received  time.Time `json:"received"`
	Size      int       `json:"size"`  // bytes of the raw message
	Error     string    `json:"error"` // why the message could not be parsed, if so
}

// Header holds the decoded header fields tests look at.
type Header struct {
	From    string `json:"from"`
	To      string `json:"to"`
	ReplyTo string `json:"replyTo"`
}

// sentTo reports whether addr is one of the envelope recipients.
func (m Message) sentTo(addr string) bool {
	for _, t := range m.To {
		if strings.EqualFold(strings.Trim(t, "<>"), strings.Trim(addr, "<>")) {
			return true
		}
	}
	return false
}

// parseMessage decodes raw; a message it cannot parse is kept with Error set.
func parseMessage(from string, to []string, raw []byte) Message {
	m := Message{From: from, To: append([]string{}, to...), Attachments: []string{}, Calendars: []string{}, Received: time.Now().UTC(), Size: len(raw)}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		m.Error = err.Error()
		return m
	}
	dec := new(mime.WordDecoder)
	decode := func(s string) string {
		if d, err := dec.DecodeHeader(s); err == nil {
			return d
		}
		return s
	}
	m.Subject = decode(msg.Header.Get("Subject"))
	m.Header = Header{From: decode(msg.Header.Get("From")), To: decode(msg.Header.Get("To")),
		ReplyTo: decode(msg.Header.Get("Reply-To"))}
	parts := 0
	if err := m.walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"),
		msg.Header.Get("Content-Disposition"), msg.Body, &parts); err != nil {
		m.Error = err.Error()
	}
	return m
}

// walk decodes one part (the whole message at first) and, for multipart
// content, every part inside it.
func (m *Message) walk(ctype, encoding, disposition string, body io.Reader, parts *int) error {
	*parts++
	if *parts > maxParts {
		return nil
	}
	if ctype == "" {
		ctype = "text/plain; charset=utf-8"
	}
	media, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		media = "application/octet-stream"
	}
	if strings.HasPrefix(media, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := m.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"),
				p.Header.Get("Content-Disposition"), p, parts); err != nil {
				return err
			}
		}
	}
	_, dparams, _ := mime.ParseMediaType(disposition)
	attached := strings.HasPrefix(strings.ToLower(disposition), "attachment") || dparams["filename"] != ""
	if attached || (media != "text/plain" && media != "text/html") {
		name := dparams["filename"]
		if name == "" {
			name = params["name"]
		}
		m.Attachments = append(m.Attachments, name)
		if media == "text/calendar" {
			ics, err := io.ReadAll(transferDecoder(encoding, body))
			if err != nil {
				return err
			}
			m.Calendars = append(m.Calendars, string(ics))
		}
		return nil
	}
	text, err := io.ReadAll(transferDecoder(encoding, body))
	if err != nil {
		return err
	}
	if media == "text/html" {
		m.HTML += string(text)
	} else {
		m.Text += string(text)
	}
	return nil
}

// transferDecoder undoes a Content-Transfer-Encoding.
func transferDecoder(encoding string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, newlineStripper{r})
	}
	return r
}

// newlineStripper drops CR and LF, which base64 bodies wrap lines with.
type newlineStripper struct{ r io.Reader }

func (n newlineStripper) Read(p []byte) (int, error) {
	for {
		k, err := n.r.Read(p)
		out := p[:0]
		for _, c := range p[:k] {
			if c != '\r' && c != '\n' {
				out = append(out, c)
			}
		}
		if len(out) > 0 || err != nil {
			return len(out), err
		}
	}
}
