package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
	gomail "github.com/wneessen/go-mail"
)

// sendWithGoMail delivers one message built by go-mail, the library the
// server sends with, to a sink keeping messages; it returns the sink.
func sendWithGoMail(t *testing.T, build func(*gomail.Msg)) *inbox {
	t.Helper()
	box := &inbox{max: 2}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(backend{box: box})
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	msg := gomail.NewMsg()
	if err := msg.From("Comune di Esempio <noreply@comune.example>"); err != nil {
		t.Fatal(err)
	}
	if err := msg.To("maria.rossi@example.it"); err != nil {
		t.Fatal(err)
	}
	build(msg)
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	c, err := gomail.NewClient(host, gomail.WithPort(p), gomail.WithTLSPolicy(gomail.NoTLS))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DialAndSend(msg); err != nil {
		t.Fatal(err)
	}
	return box
}

func TestKeepsDecodedMessage(t *testing.T) {
	box := sendWithGoMail(t, func(m *gomail.Msg) {
		m.Subject("Richiesta 2026-0000001: è stata presa in carico")
		m.SetBodyString(gomail.TypeTextPlain, "Gentile Maria,\nla richiesta è presa in carico. "+strings.Repeat("àèìòù ", 30)+"\nhttp://x.example/pratiche/abc")
		m.AddAlternativeString(gomail.TypeTextHTML, "<p>Gentile Maria, è presa in carico</p>")
		m.AttachReader("nota.txt", strings.NewReader("allegato"))
	})
	got := box.list("maria.rossi@example.it")
	if len(got) != 1 {
		t.Fatalf("kept %d messages for the recipient, want 1", len(got))
	}
	m := got[0]
	if m.Error != "" || m.From != "noreply@comune.example" {
		t.Fatalf("from %q, error %q", m.From, m.Error)
	}
	if m.Subject != "Richiesta 2026-0000001: è stata presa in carico" {
		t.Errorf("subject %q", m.Subject)
	}
	if !strings.Contains(m.Text, "la richiesta è presa in carico") || !strings.Contains(m.Text, "http://x.example/pratiche/abc") ||
		!strings.Contains(m.Text, strings.Repeat("àèìòù ", 30)) {
		t.Errorf("text body not decoded: %q", m.Text)
	}
	if !strings.Contains(m.HTML, "<p>Gentile Maria, è presa in carico</p>") {
		t.Errorf("html body %q", m.HTML)
	}
	if len(m.Attachments) != 1 || m.Attachments[0] != "nota.txt" {
		t.Errorf("attachments %q", m.Attachments)
	}
	if n := len(box.list("altro@example.it")); n != 0 {
		t.Errorf("filter by recipient kept %d messages for someone else", n)
	}
}

func TestMessagesEndpoint(t *testing.T) {
	box := &inbox{max: 2}
	for _, s := range []string{"uno", "due", "tre"} {
		box.add(parseMessage("a@x.example", []string{"<b@x.example>"}, []byte("Subject: "+s+"\r\n\r\ncorpo "+s+"\r\n")))
	}
	h := messagesHandler(box)
	rec := httptest.NewRecorder()
	h(rec, httptest.NewRequest(http.MethodGet, "/messages?to=B@x.example", nil))
	var got []Message
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Subject != "due" || got[1].Text != "corpo tre\r\n" {
		t.Fatalf("want the last two messages, got %+v", got)
	}
	rec = httptest.NewRecorder()
	h(rec, httptest.NewRequest(http.MethodDelete, "/messages", nil))
	if rec.Code != http.StatusNoContent || len(box.list("")) != 0 {
		t.Fatalf("DELETE: status %d, %d messages left", rec.Code, len(box.list("")))
	}
	rec = httptest.NewRecorder()
	h(rec, httptest.NewRequest(http.MethodPost, "/messages", bytes.NewReader(nil)))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d", rec.Code)
	}
}

// TestKeepsCalendarParts: an ICS attachment is listed by name and its
// decoded text is kept, so browser tests can read the e-mailed appointment.
func TestKeepsCalendarParts(t *testing.T) {
	ics := "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\nDTSTART:20261203T083000Z\r\nSUMMARY:Appuntamento è confermato\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	box := sendWithGoMail(t, func(m *gomail.Msg) {
		m.Subject("Richiesta 2026-0000002 ricevuta")
		m.SetBodyString(gomail.TypeTextPlain, "Appuntamento confermato")
		if err := m.AttachReader("appuntamento.ics", strings.NewReader(ics), gomail.WithFileContentType("text/calendar; charset=utf-8")); err != nil {
			t.Fatal(err)
		}
	})
	got := box.list("maria.rossi@example.it")
	if len(got) != 1 {
		t.Fatalf("kept %d messages, want 1", len(got))
	}
	m := got[0]
	if len(m.Attachments) != 1 || m.Attachments[0] != "appuntamento.ics" {
		t.Errorf("attachments %q", m.Attachments)
	}
	if len(m.Calendars) != 1 || m.Calendars[0] != ics {
		t.Errorf("calendars %q, want the decoded ICS", m.Calendars)
	}
}
