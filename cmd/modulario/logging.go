package main

import (
	"io"
	"log/slog"

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
