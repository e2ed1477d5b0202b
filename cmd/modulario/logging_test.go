package main

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Personal values of the test citizen: none may reach the log.
var personal = []string{
	"Gianfranca", "Zappacosta", "RSSMRA85T10A562S", "gianfranca.zappacosta@example.it",
	"3331234567", "Ottavino", "IT60X0542811101000000123456",
}

// logSession is one HTTP exchange of the logging test.
type logSession struct {
	t      *testing.T
	addr   string
	logs   *syncBuffer
	client *http.Client
	ids    map[string]bool
}

// do sends req, checks the status, then waits for the request's access-log
// line (written once the handler returns, possibly after the client has
// the answer) and checks every line logged meanwhile: each carries the
// request id of the X-Request-Id header, or belongs to a background job.
func (s *logSession) do(req *http.Request, status int) *http.Response {
	s.t.Helper()
	from := len(s.logs.String())
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != status {
		s.t.Fatalf("%s %s: %d, want %d\n%s", req.Method, req.URL.Path, resp.StatusCode, status, body)
	}
	id := resp.Header.Get("X-Request-Id")
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) || s.ids[id] {
		s.t.Fatalf("%s %s: request id %q is not a new 16-hex-digit id", req.Method, req.URL.Path, id)
	}
	s.ids[id] = true
	lines := s.linesUntilAccess(from, id)
	for _, l := range lines {
		if l["job"] != nil || l["listener"] != nil {
			continue
		}
		if l["request_id"] != id {
			s.t.Errorf("%s %s: line without the request id %s: %v", req.Method, req.URL.Path, id, l)
		}
	}
	return resp
}

// linesUntilAccess returns the lines logged from offset from up to the
// access-log line of request id.
func (s *logSession) linesUntilAccess(from int, id string) []map[string]any {
	s.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		lines := decodeLines(s.t, s.logs.String()[from:])
		for i, l := range lines {
			if l["msg"] == "request" && l["request_id"] == id {
				return lines[:i+1]
			}
		}
	}
	s.t.Fatalf("no access-log line for request %s:\n%s", id, s.logs.String()[from:])
	return nil
}

// decodeLines parses every line of s as a JSON object.
func decodeLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
		lines = append(lines, m)
	}
	return lines
}

func (s *logSession) get(path string, status int) *http.Response {
	req, _ := http.NewRequest(http.MethodGet, "http://"+s.addr+path, nil)
	return s.do(req, status)
}

func (s *logSession) post(path string, form url.Values, status int) *http.Response {
	req, _ := http.NewRequest(http.MethodPost, "http://"+s.addr+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(req, status)
}

// refusingMailbox is an SMTP server that refuses every recipient with a
// reply quoting the address, as real servers do: the dispatcher must not
// copy that into the log.
type refusingMailbox struct{}

func (refusingMailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return refusingSession{}, nil }

type refusingSession struct{}

func (refusingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (refusingSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<" + to + ">: mailbox unavailable"}
}
func (refusingSession) Data(io.Reader) error { return errors.New("no recipients") }
func (refusingSession) Reset()               {}
func (refusingSession) Logout() error        { return nil }

// TestNoPersonalDataInLogs runs the real server with JSON logs, goes
// through a whole form with a citizen's personal data, a validation error,
// the tracking page and a 404, and lets the e-mail to the citizen fail;
// then checks that every log line is JSON, that every line of a request
// carries its request id, and that no personal value or token is logged.
func TestNoPersonalDataInLogs(t *testing.T) {
	smtpAddr := freeAddr(t)
	ln, err := net.Listen("tcp", smtpAddr)
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(refusingMailbox{})
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	addr, logs := serveInProcess(t, func(c *Config) {
		c.SMTPURL = "smtp://" + smtpAddr + "?tls=none"
		c.MailFrom = "moduli@comune.example"
		c.NotifyMinBackoff = 50 * time.Millisecond
		c.NotifyMaxBackoff = 100 * time.Millisecond
	})
	s := &logSession{t: t, addr: addr, logs: logs, ids: map[string]bool{},
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}

	const slug = "iscrizione-mensa-scolastica"
	s.get("/servizi/"+slug+"/privacy", http.StatusOK)
	step1 := s.post("/servizi/"+slug+"/privacy", url.Values{"consenso": {"1"}}, http.StatusSeeOther).Header.Get("Location")
	m := regexp.MustCompile(`^/servizi/` + slug + `/([^/]+)/passo/1$`).FindStringSubmatch(step1)
	if m == nil {
		t.Fatalf("consent redirected to %q", step1)
	}
	draft, b := m[1], strings.TrimSuffix(step1, "/passo/1")
	s.post(step1, url.Values{"/genitore/nome": {"Gianfranca"}, "/genitore/cognome": {"Zappacosta"},
		"/genitore/codice_fiscale": {"RSSMRA85T10A562S"}, "/genitore/email": {"gianfranca.zappacosta@example.it"},
		"/genitore/telefono": {"3331234567"}, "_action": {"next"}}, http.StatusSeeOther)
	child := url.Values{"/figli/0/nome": {"Ottavino"}, "/figli/0/cognome": {"Zappacosta"},
		"/figli/0/codice_fiscale": {"RSSMRA85T10A562X"}, "/figli/0/scuola": {"primaria-manzoni"},
		"/figli/0/classe": {"3B"}, "_action": {"next"}}
	s.post(b+"/passo/2", child, http.StatusUnprocessableEntity) // wrong check character
	child.Set("/figli/0/codice_fiscale", "RSSMRA85T10A562S")
	s.post(b+"/passo/2", child, http.StatusSeeOther)
	s.post(b+"/passo/3", url.Values{"/iban": {"IT60X0542811101000000123456"}, "_action": {"next"}}, http.StatusSeeOther)
	s.get(b+"/riepilogo", http.StatusOK)
	receipt := s.post(b+"/invia", nil, http.StatusSeeOther).Header.Get("Location")
	tracking := strings.TrimSuffix(receipt, "/ricevuta")
	token := strings.TrimPrefix(tracking, "/pratiche/")
	if token == tracking || token == "" {
		t.Fatalf("receipt at %q", receipt)
	}
	s.get(receipt, http.StatusOK)
	s.get(tracking, http.StatusOK)
	s.get("/pratiche/"+token+"x", http.StatusNotFound)
	s.get("/non-esiste", http.StatusNotFound)

	// The e-mails are refused (550, quoting the address): wait for the
	// dispatcher to log both.
	refused := regexp.MustCompile(`"msg":"notification (dead|failed, will retry)"`)
	for deadline := time.Now().Add(20 * time.Second); len(refused.FindAllString(logs.String(), -1)) < 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the refused e-mail was not logged:\n%s", logs)
		}
	}
	all := logs.String()
	decodeLines(t, all)
	for _, secret := range append(personal, draft, token) {
		if strings.Contains(all, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
	if t.Failed() {
		t.Logf("log:\n%s", all)
	}
}
