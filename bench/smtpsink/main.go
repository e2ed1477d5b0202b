// Command smtpsink is an SMTP server for benchmarks and browser tests: it
// accepts every message and reports how many over HTTP (GET /count). With
// -keep N it also keeps the last N messages, decoded, and serves them:
//
//	GET    /messages        the kept messages as JSON, oldest first
//	GET    /messages?to=ADR only those with ADR among the envelope recipients
//	DELETE /messages        forgets the kept messages
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/emersion/go-smtp"
)

var received atomic.Int64

// inbox holds the last messages received when -keep is set.
type inbox struct {
	mu   sync.Mutex
	max  int
	msgs []Message
}

// add keeps m, dropping the oldest message beyond the limit.
func (b *inbox) add(m Message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.msgs = append(b.msgs, m)
	if over := len(b.msgs) - b.max; over > 0 {
		b.msgs = append([]Message(nil), b.msgs[over:]...)
	}
}

// list returns the kept messages sent to `to` (all when empty).
func (b *inbox) list(to string) []Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := []Message{}
	for _, m := range b.msgs {
		if to == "" || m.sentTo(to) {
			out = append(out, m)
		}
	}
	return out
}

func (b *inbox) clear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.msgs = nil
}

type backend struct{ box *inbox }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{box: b.box}, nil }

type session struct {
	box  *inbox
	from string
	to   []string
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	if s.box == nil {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return err
		}
		received.Add(1)
		return nil
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	received.Add(1)
	s.box.add(parseMessage(s.from, s.to, raw))
	return nil
}

func (s *session) Reset() {
	s.from, s.to = "", nil
}

func (s *session) Logout() error { return nil }

// messagesHandler serves GET and DELETE /messages.
func messagesHandler(box *inbox) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(box.list(strings.TrimSpace(r.URL.Query().Get("to"))))
		case http.MethodDelete:
			box.clear()
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Allow", "GET, DELETE")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	}
}

func main() {
	smtpAddr := flag.String("smtp", "127.0.0.1:2525", "SMTP listen address")
	httpAddr := flag.String("http", "127.0.0.1:2580", "HTTP address for GET /count (and /messages with -keep)")
	keep := flag.Int("keep", 0, "keep the last `N` messages and serve them at /messages (0: count only)")
	flag.Parse()
	var box *inbox
	if *keep > 0 {
		box = &inbox{max: *keep}
		http.HandleFunc("/messages", messagesHandler(box))
	}
	http.HandleFunc("/count", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, received.Load())
	})
	go func() { log.Fatal(http.ListenAndServe(*httpAddr, nil)) }()
	srv := smtp.NewServer(backend{box: box})
	srv.Addr, srv.Domain, srv.AllowInsecureAuth = *smtpAddr, "localhost", true
	srv.MaxMessageBytes = 32 << 20
	log.Fatal(srv.ListenAndServe())
}
