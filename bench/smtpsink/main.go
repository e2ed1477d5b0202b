// Command smtpsink is an SMTP server for benchmarks: it accepts every
// message, keeps only a count, and reports it over HTTP (GET /count).
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"sync/atomic"

	"github.com/emersion/go-smtp"
)

var received atomic.Int64

type backend struct{}

func (backend) NewSession(*smtp.Conn) (smtp.Session, error) { return session{}, nil }

type session struct{}

func (session) Mail(string, *smtp.MailOptions) error { return nil }
func (session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (session) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	received.Add(1)
	return nil
}
func (session) Reset()        {}
func (session) Logout() error { return nil }

func main() {
	smtpAddr := flag.String("smtp", "127.0.0.1:2525", "SMTP listen address")
	httpAddr := flag.String("http", "127.0.0.1:2580", "HTTP address for GET /count")
	flag.Parse()
	http.HandleFunc("/count", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, received.Load())
	})
	go func() { log.Fatal(http.ListenAndServe(*httpAddr, nil)) }()
	srv := smtp.NewServer(backend{})
	srv.Addr, srv.Domain, srv.AllowInsecureAuth = *smtpAddr, "localhost", true
	srv.MaxMessageBytes = 32 << 20
	log.Fatal(srv.ListenAndServe())
}
