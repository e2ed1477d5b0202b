//go:build bench

// Command pagelimit serves captured pages from memory through the citizen
// side's own router and middleware (renderer.Server with the bench-only
// ServeBytes route), so `make bench` can set page rendering against the
// cost of routing, security headers and writing the same bytes.
//
//	go run -tags bench ./bench/pagelimit -addr 127.0.0.1:9000 /limit/service=page.html /limit/step=step.html
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
	"github.com/modulario/modulario/themes"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	dir, err := os.MkdirTemp("", "pagelimit")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := storage.Open(filepath.Join(dir, "limit.db"), storage.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	assets, err := themes.LoadAssets()
	if err != nil {
		log.Fatal(err)
	}
	s, err := renderer.New(renderer.Config{
		Forms: storage.NewFormService(db), Drafts: storage.NewDraftService(db),
		Submissions: storage.NewSubmissionService(db), Attachments: storage.NewAttachmentService(db),
		Assets: assets, BaseURL: "http://" + *addr, SiteName: "Comune di Esempio",
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, arg := range flag.Args() {
		path, file, ok := strings.Cut(arg, "=")
		if !ok {
			log.Fatalf("argument %q: want /path=file", arg)
		}
		body, err := os.ReadFile(file)
		if err != nil {
			log.Fatal(err)
		}
		s.ServeBytes(path, "text/html; charset=UTF-8", body)
	}
	// The same server settings as modulario serve's defaults.
	srv := &http.Server{Addr: *addr, Handler: s, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 5 * time.Minute, WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	fmt.Fprintln(os.Stderr, "pagelimit listening on", *addr)
	log.Fatal(srv.ListenAndServe())
}
