package main

import (
	"io"
	"log/slog"
	"regexp"

	"github.com/modulario/modulario/web"
)

// newLogger builds the process logger: one JSON object per line by
// default (what log collectors read), text with --log-format text for a
// terminal. Every line logged with a request's context carries that
// request's id (request_id); background jobs log with a job attribute
// instead. Lines hold request metadata only, never answers, names,
// e-mail addresses, tokens or paths with tokens.
func newLogger(w io.Writer, cfg Config) *slog.Logger {
	level, _ := parseLevel(cfg.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(web.NewLogHandler(h))
}

// jobLogger is the logger of a background job.
func jobLogger(logger *slog.Logger, job string) *slog.Logger { return logger.With("job", job) }

// clientAddr matches an IP address with its port as net/http writes it
// in its error log ("http: TLS handshake error from 1.2.3.4:5555: EOF",
// "[2001:db8::1]:5555").
var clientAddr = regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}:\d+\b|\[[0-9A-Fa-f:.]+(?:%[0-9A-Za-z_.\-]+)?\]:\d+`)

// addrRedactor is the writer of http.Server.ErrorLog: net/http's lines
// carry the client's address (personal data) and no request id to relate
// them to, so IP:port is replaced by "[redacted]".
type addrRedactor struct{ w io.Writer }

func (a addrRedactor) Write(p []byte) (int, error) {
	if _, err := a.w.Write(clientAddr.ReplaceAll(p, []byte("[redacted]"))); err != nil {
		return 0, err
	}
	return len(p), nil
}
