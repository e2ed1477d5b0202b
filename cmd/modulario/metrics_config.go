package main

import (
	"flag"
	"unicode"
)

// minMetricsToken is the shortest accepted metrics token: anyone who can
// reach the site may try to guess it.
const minMetricsToken = 16

// MetricsConfig says where GET /metrics is served. With neither setting,
// /metrics answers 404: the figures are operational, not public.
type MetricsConfig struct {
	// MetricsAddr is a separate listener serving only /metrics, meant for
	// a private interface (127.0.0.1:9090 or the monitoring network).
	MetricsAddr string
	// MetricsToken, when set, also serves /metrics on the main address to
	// requests with "Authorization: Bearer <token>", and is required on
	// MetricsAddr too. It is never logged.
	MetricsToken string
}

// registerMetricsFlags binds the metrics settings to fs.
func registerMetricsFlags(fs *flag.FlagSet, c *MetricsConfig) {
	fs.StringVar(&c.MetricsAddr, "metrics-addr", c.MetricsAddr, "separate `host:port` serving only /metrics (for example 127.0.0.1:9090)")
	fs.StringVar(&c.MetricsToken, "metrics-token", c.MetricsToken, "Bearer `token` that unlocks /metrics (also on the main address)")
}

// validate reports invalid metrics settings through bad; addr is the main
// listener, which the metrics listener must not take.
func (c *MetricsConfig) validate(addr string, bad func(name, format string, args ...any)) {
	if c.MetricsAddr != "" {
		if err := validateAddr(c.MetricsAddr); err != nil {
			bad("metrics-addr", "%v", err)
		} else if c.MetricsAddr == addr {
			bad("metrics-addr", "must differ from --addr")
		}
	}
	if c.MetricsToken == "" {
		return
	}
	// The token is not echoed back: error messages end up in logs.
	if len(c.MetricsToken) < minMetricsToken {
		bad("metrics-token", "must be at least %d characters (for example the output of `openssl rand -hex 32`)", minMetricsToken)
	}
	for _, r := range c.MetricsToken {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' {
			bad("metrics-token", "must be printable ASCII without spaces")
			return
		}
	}
}
