package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/modulario/modulario/password"
	"github.com/modulario/modulario/renderer"
)

// envPrefix starts the environment variable of every setting: flag
// --data-dir is MODULARIO_DATA_DIR.
const envPrefix = "MODULARIO_"

// Config is the configuration of `modulario serve`. Every field is a flag and
// an environment variable with the same name (flag wins, then env, then default).
type Config struct {
	Addr              string
	DataDir           string
	BaseURL           string
	Demo              bool
	DemoPassword      string // demo staff password (tests); empty: random, printed once
	TrustProxy        bool   // client address from X-Forwarded-For (behind our own proxy)
	SiteName          string
	DraftTTL          time.Duration
	DraftsPerIP       int // drafts one client address may start in 10 minutes; 0: no limit
	MaxBody           ByteSize
	LogLevel          string
	LogFormat         string
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	ShutdownTimeout   time.Duration
	// EmbedOrigins are the comune's sites allowed to show the forms in an
	// iframe (frame-ancestors of embed pages); empty: embedding is off.
	EmbedOrigins []string
	NotifyConfig
	MetricsConfig
}

// DefaultConfig returns the built-in defaults. BaseURL stays empty: it is
// derived from Addr by Resolve.
func DefaultConfig() Config {
	return Config{
		Addr:              ":8080",
		DataDir:           "./data",
		SiteName:          "Comune di Esempio",
		DraftTTL:          720 * time.Hour,
		DraftsPerIP:       30,
		MaxBody:           25 << 20,
		LogLevel:          "info",
		LogFormat:         "json", // one object per line for log collectors; text for a terminal
		ReadHeaderTimeout: 10 * time.Second,
		// The read timeout covers the whole body: a 25 MB upload over a slow
		// mobile uplink needs minutes. Slow headers are cut by ReadHeaderTimeout.
		ReadTimeout:     5 * time.Minute,
		WriteTimeout:    60 * time.Second,
		IdleTimeout:     120 * time.Second,
		ShutdownTimeout: 15 * time.Second,
		NotifyConfig:    defaultNotifyConfig(),
	}
}

// DBPath is the bbolt file inside the data directory.
func (c *Config) DBPath() string { return filepath.Join(c.DataDir, "modulario.db") }

// registerServeFlags binds every setting of c to fs, with c's values as defaults.
func registerServeFlags(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "`host:port` to listen on")
	registerDataDir(fs, c)
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public `URL` of the site (default http://localhost:<port of addr>)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "seed the demo services into an empty store")
	fs.StringVar(&c.DemoPassword, "demo-password", c.DemoPassword, "`password` of the demo staff accounts (default: random, printed once)")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", c.TrustProxy, "take the client address from X-Forwarded-For (only behind your own reverse proxy)")
	fs.StringVar(&c.SiteName, "site-name", c.SiteName, "name of the comune shown in the header")
	fs.DurationVar(&c.DraftTTL, "draft-ttl", c.DraftTTL, "how long an untouched draft is kept")
	fs.IntVar(&c.DraftsPerIP, "drafts-per-ip", c.DraftsPerIP, "drafts one client address may start in 10 minutes (0: no limit)")
	fs.Var(&c.MaxBody, "max-body", "maximum request body `size` (bytes, or 25MB, 10MiB)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "log `level`: debug, info, warn, error")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log `format`: text or json")
	fs.DurationVar(&c.ReadHeaderTimeout, "read-header-timeout", c.ReadHeaderTimeout, "time allowed to read request headers")
	fs.DurationVar(&c.ReadTimeout, "read-timeout", c.ReadTimeout, "time allowed to read a whole request")
	fs.DurationVar(&c.WriteTimeout, "write-timeout", c.WriteTimeout, "time allowed to write a response")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", c.IdleTimeout, "how long an idle keep-alive connection stays open")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "time allowed for requests in flight at shutdown")
	fs.Var((*listFlag)(&c.EmbedOrigins), "embed-origins", "comma-separated `origins` of the comune's sites allowed to embed the forms (for example https://www.comune.example)")
	registerNotifyFlags(fs, &c.NotifyConfig)
	registerMetricsFlags(fs, &c.MetricsConfig)
}

// registerDataDir binds only the data directory (form subcommands need no more).
func registerDataDir(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "`directory` of the database (file modulario.db)")
}

// EnvName returns the environment variable of a flag: data-dir → MODULARIO_DATA_DIR.
func EnvName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseFlags parses args into fs, then fills every flag named in envBacked
// that was not given on the command line from its environment variable.
func parseFlags(fs *flag.FlagSet, args []string, getenv func(string) string, envBacked map[string]bool) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || !envBacked[f.Name] {
			return
		}
		v, ok := lookupEnv(getenv, EnvName(f.Name))
		if !ok {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			errs = append(errs, fmt.Errorf("invalid value %q for %s: %v", v, EnvName(f.Name), explainSetError(f, err)))
		}
	})
	return errors.Join(errs...)
}

// lookupEnv treats an empty variable as unset.
func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := strings.TrimSpace(getenv(name))
	return v, v != ""
}

// explainSetError rewords the flag package's terse "parse error" by the
// kind of value the flag expects.
func explainSetError(f *flag.Flag, err error) error {
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case time.Duration:
			return errors.New("not a duration such as 30s, 15m or 720h")
		case bool:
			return errors.New("not a boolean: use 1, true, 0 or false")
		}
	}
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return ne.Err
	}
	return err
}

// flagNames lists the names of every flag defined on fs.
func flagNames(fs *flag.FlagSet) map[string]bool {
	names := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { names[f.Name] = true })
	return names
}

// Resolve fills derived defaults (BaseURL from Addr) and validates.
func (c *Config) Resolve() error {
	if c.BaseURL == "" {
		if _, port, err := net.SplitHostPort(c.Addr); err == nil {
			c.BaseURL = "http://" + net.JoinHostPort(baseHost(c.Addr), port)
		}
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return c.Validate()
}

// baseHost is the host of the default base URL: localhost unless addr names
// a specific interface.
func baseHost(addr string) string {
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		return "localhost"
	}
	return host
}

// Validate reports every invalid setting with a message naming it.
func (c *Config) Validate() error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("--%s (%s): %s", name, EnvName(name), fmt.Sprintf(format, args...)))
	}
	addrErr := validateAddr(c.Addr)
	if addrErr != nil {
		bad("addr", "%v", addrErr)
	}
	if strings.TrimSpace(c.DataDir) == "" {
		bad("data-dir", "must not be empty")
	}
	// With no base URL and an invalid addr, Resolve could not derive one:
	// the addr error says it all.
	if err := validateBaseURL(c.BaseURL); err != nil && (c.BaseURL != "" || addrErr == nil) {
		bad("base-url", "%v", err)
	}
	if strings.TrimSpace(c.SiteName) == "" {
		bad("site-name", "must not be empty")
	}
	if c.DemoPassword != "" && password.Check(c.DemoPassword) != nil {
		bad("demo-password", "must have at least %d characters and at most %d bytes, like every staff password", password.MinLength, password.MaxBytes)
	}
	if c.DraftsPerIP < 0 {
		bad("drafts-per-ip", "must be 0 (no limit) or more, not %d", c.DraftsPerIP)
	}
	if c.MaxBody <= 0 {
		bad("max-body", "must be more than 0 bytes")
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		bad("log-level", "%v", err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("log-format", "%q is not text or json", c.LogFormat)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"draft-ttl", c.DraftTTL}, {"read-header-timeout", c.ReadHeaderTimeout},
		{"read-timeout", c.ReadTimeout}, {"write-timeout", c.WriteTimeout},
		{"idle-timeout", c.IdleTimeout}, {"shutdown-timeout", c.ShutdownTimeout},
	} {
		if d.v <= 0 {
			bad(d.name, "must be a positive duration such as 30s or 720h, not %s", d.v)
		}
	}
	for _, o := range c.EmbedOrigins {
		if err := renderer.CheckEmbedOrigin(o); err != nil {
			bad("embed-origins", "%v", err)
		}
	}
	c.NotifyConfig.validate(bad)
	c.MetricsConfig.validate(c.Addr, bad)
	return errors.Join(errs...)
}

func validateAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port (for example :8080 or 127.0.0.1:8080)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q has no valid port number (0-65535)", addr)
	}
	return nil
}

func validateBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http or https URL (for example https://moduli.comune.example)", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q must not have a query, fragment or user information", raw)
	}
	// Pages link with root-relative paths, so Modulario must own the host's
	// root: serving under a sub-path would break every link.
	if u.Path != "" && u.Path != "/" {
		return fmt.Errorf("%q must not have a path: serve Modulario at the root of its own host name (for example https://moduli.comune.example)", raw)
	}
	return nil
}

// parseLevel maps a log-level name to a slog.Level.
func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	switch strings.ToLower(s) {
	case "debug", "info", "warn", "error":
		err := l.UnmarshalText([]byte(s))
		return l, err
	}
	return l, fmt.Errorf("%q is not one of debug, info, warn, error", s)
}

// rendererLimit turns a per-address limit of the command line (0: no
// limit) into renderer.Config's (0: the default, negative: no limit).
func rendererLimit(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
