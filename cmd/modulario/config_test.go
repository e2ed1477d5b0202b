package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// parseServeConfig parses serve flags the way runServe does.
func parseServeConfig(args []string, environ map[string]string) (Config, error) {
	cfg := DefaultConfig()
	fs := newFlagSet("serve", "serve", env{stdout: io.Discard, stderr: io.Discard})
	registerServeFlags(fs, &cfg)
	if err := parseFlags(fs, args, func(k string) string { return environ[k] }, flagNames(fs)); err != nil {
		return cfg, err
	}
	return cfg, cfg.Resolve()
}

func TestConfigPrecedence(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(c Config) bool
	}{
		{"defaults", nil, nil, func(c Config) bool {
			return c.Addr == ":8080" && c.DataDir == "./data" && c.BaseURL == "http://localhost:8080" &&
				!c.Demo && c.SiteName == "Comune di Esempio" && c.DraftTTL == 720*time.Hour &&
				c.MaxBody == 25<<20 && c.LogLevel == "info" && c.DBPath() == "data/modulario.db"
		}},
		{"env over default", nil, map[string]string{"MODULARIO_DATA_DIR": "/srv/m", "MODULARIO_DEMO": "1"}, func(c Config) bool {
			return c.DataDir == "/srv/m" && c.Demo
		}},
		{"flag over env", []string{"--data-dir", "/flag"}, map[string]string{"MODULARIO_DATA_DIR": "/env"}, func(c Config) bool {
			return c.DataDir == "/flag"
		}},
		{"bool flag false over env true", []string{"--demo=false"}, map[string]string{"MODULARIO_DEMO": "true"}, func(c Config) bool {
			return !c.Demo
		}},
		{"base url follows addr port", []string{"-addr", "127.0.0.1:9090"}, nil, func(c Config) bool {
			return c.BaseURL == "http://127.0.0.1:9090"
		}},
		{"unspecified host is localhost", nil, map[string]string{"MODULARIO_ADDR": "0.0.0.0:7000"}, func(c Config) bool {
			return c.BaseURL == "http://localhost:7000"
		}},
		{"explicit base url, trailing slash dropped", nil, map[string]string{"MODULARIO_BASE_URL": "https://moduli.comune.example/"}, func(c Config) bool {
			return c.BaseURL == "https://moduli.comune.example"
		}},
		{"max body units", []string{"--max-body", "10MiB"}, nil, func(c Config) bool { return c.MaxBody == 10<<20 }},
		{"max body decimal from env", nil, map[string]string{"MODULARIO_MAX_BODY": "25MB"}, func(c Config) bool { return c.MaxBody == 25_000_000 }},
		{"max body bytes", []string{"--max-body=1048576"}, nil, func(c Config) bool { return c.MaxBody == 1<<20 }},
		{"durations", nil, map[string]string{"MODULARIO_DRAFT_TTL": "48h", "MODULARIO_WRITE_TIMEOUT": "5s"}, func(c Config) bool {
			return c.DraftTTL == 48*time.Hour && c.WriteTimeout == 5*time.Second
		}},
		{"empty env is unset", nil, map[string]string{"MODULARIO_ADDR": ""}, func(c Config) bool { return c.Addr == ":8080" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseServeConfig(tt.args, tt.env)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !tt.check(c) {
				t.Errorf("unexpected config: %+v", c)
			}
		})
	}
}

func TestConfigInvalid(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // part of the message
	}{
		{"addr without port", []string{"--addr", "localhost"}, nil, "--addr (MODULARIO_ADDR)"},
		{"bad port", nil, map[string]string{"MODULARIO_ADDR": ":99999"}, "valid port"},
		{"relative base url", []string{"--base-url", "moduli.comune.it"}, nil, "MODULARIO_BASE_URL"},
		{"base url with a path", []string{"--base-url", "https://www.comune.example/moduli"}, nil, "must not have a path"},
		{"ftp base url", nil, map[string]string{"MODULARIO_BASE_URL": "ftp://x.it"}, "http or https"},
		{"bad duration env", nil, map[string]string{"MODULARIO_DRAFT_TTL": "thirty days"}, `"thirty days" for MODULARIO_DRAFT_TTL: not a duration`},
		{"bad duration flag", []string{"--read-timeout", "soon"}, nil, "read-timeout"},
		{"negative duration", []string{"--idle-timeout", "-1s"}, nil, "positive duration"},
		{"bad size", nil, map[string]string{"MODULARIO_MAX_BODY": "lots"}, "MODULARIO_MAX_BODY"},
		{"zero size", []string{"--max-body", "0"}, nil, "more than 0"},
		{"bad bool env", nil, map[string]string{"MODULARIO_DEMO": "yes please"}, "MODULARIO_DEMO: not a boolean"},
		{"bad log level", nil, map[string]string{"MODULARIO_LOG_LEVEL": "loud"}, "debug, info, warn, error"},
		{"bad log format", []string{"--log-format", "xml"}, nil, "text or json"},
		{"empty site name", []string{"--site-name", " "}, nil, "site-name"},
		{"unknown flag", []string{"--colour", "blue"}, nil, "colour"},
		{"short demo password", nil, map[string]string{"MODULARIO_DEMO_PASSWORD": "short"},
			"--demo-password (MODULARIO_DEMO_PASSWORD): must have at least 12 characters"},
		{"long demo password", []string{"--demo-password", strings.Repeat("p", 73)}, nil, "at most 72 bytes"},
		{"negative drafts per ip", nil, map[string]string{"MODULARIO_DRAFTS_PER_IP": "-1"},
			"--drafts-per-ip (MODULARIO_DRAFTS_PER_IP): must be 0 (no limit) or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseServeConfig(tt.args, tt.env)
			if err == nil {
				t.Fatal("want an error, got none")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

// TestConfigInvalidAddrAlone: an invalid --addr is reported alone, not
// with a base-url error for the base URL it left underived; a base URL
// that was set is still checked.
func TestConfigInvalidAddrAlone(t *testing.T) {
	_, err := parseServeConfig([]string{"--addr", "nope"}, nil)
	if err == nil || !strings.Contains(err.Error(), "--addr (MODULARIO_ADDR)") || strings.Contains(err.Error(), "base-url") {
		t.Errorf("error %q: want the addr error alone", err)
	}
	_, err = parseServeConfig([]string{"--addr", "nope", "--base-url", "moduli.comune.it"}, nil)
	if err == nil || !strings.Contains(err.Error(), "--addr") || !strings.Contains(err.Error(), "--base-url") {
		t.Errorf("error %q: want both errors", err)
	}
}

// TestServeInvalidConfigExitsTwo checks the exit code and message of start-up.
func TestServeInvalidConfigExitsTwo(t *testing.T) {
	var stderr bytes.Buffer
	e := env{stdout: io.Discard, stderr: &stderr, getenv: func(k string) string {
		return map[string]string{"MODULARIO_BASE_URL": "not a url"}[k]
	}}
	if code := run(context.Background(), []string{"serve"}, e); code != exitUsage {
		t.Fatalf("exit code %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), "--base-url (MODULARIO_BASE_URL)") {
		t.Errorf("message does not name the setting: %s", stderr.String())
	}
}

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want ByteSize
		ok   bool
	}{
		{"512", 512, true}, {"25MB", 25_000_000, true}, {"10MiB", 10 << 20, true},
		{"1 GiB", 1 << 30, true}, {"64kb", 64_000, true}, {"7B", 7, true},
		{"", 0, false}, {"MB", 0, false}, {"-1MB", 0, false}, {"1.5MB", 0, false}, {"9999999999GiB", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseByteSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestRunUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	e := env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	if code := run(context.Background(), []string{"help"}, e); code != exitOK {
		t.Errorf("help exit code %d", code)
	}
	for _, want := range []string{"serve", "form validate", "form import", "form export", "version"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("usage lacks %q", want)
		}
	}
	if code := run(context.Background(), []string{"frobnicate"}, e); code != exitUsage {
		t.Errorf("unknown command exit code %d, want %d", code, exitUsage)
	}
	out.Reset()
	if code := run(context.Background(), []string{"version"}, e); code != exitOK || !strings.HasPrefix(out.String(), "modulario ") {
		t.Errorf("version: code %d, output %q", code, out.String())
	}
}

// TestDraftsPerIP checks the default and that 0 turns the limit off in the
// renderer (whose 0 means its default).
func TestDraftsPerIP(t *testing.T) {
	cfg, err := parseServeConfig(nil, nil)
	if err != nil || cfg.DraftsPerIP != 30 {
		t.Fatalf("default = %d (%v), want 30", cfg.DraftsPerIP, err)
	}
	cfg, err = parseServeConfig([]string{"--drafts-per-ip", "0"}, nil)
	if err != nil || rendererLimit(cfg.DraftsPerIP) >= 0 {
		t.Fatalf("0 gives the renderer %d (%v), want a negative limit", rendererLimit(cfg.DraftsPerIP), err)
	}
	if rendererLimit(12) != 12 {
		t.Fatal("a positive limit is not passed on")
	}
}
