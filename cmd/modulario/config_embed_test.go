package main

import (
	"slices"
	"strings"
	"testing"
)

func TestConfigEmbedOrigins(t *testing.T) {
	c, err := parseServeConfig(nil, nil)
	if err != nil || len(c.EmbedOrigins) != 0 {
		t.Fatalf("default: origins %q, err %v; want none (embedding off)", c.EmbedOrigins, err)
	}
	c, err = parseServeConfig(nil, map[string]string{"MODULARIO_EMBED_ORIGINS": "https://www.comune.example, http://localhost:8081"})
	if err != nil || !slices.Equal(c.EmbedOrigins, []string{"https://www.comune.example", "http://localhost:8081"}) {
		t.Fatalf("from env: origins %q, err %v", c.EmbedOrigins, err)
	}
	c, err = parseServeConfig([]string{"--embed-origins", "https://a.example", "--embed-origins=https://b.example:8443"},
		map[string]string{"MODULARIO_EMBED_ORIGINS": "https://env.example"})
	if err != nil || !slices.Equal(c.EmbedOrigins, []string{"https://a.example", "https://b.example:8443"}) {
		t.Fatalf("flags over env: origins %q, err %v", c.EmbedOrigins, err)
	}
	for _, bad := range []struct{ value, want string }{
		{"www.comune.example", "not an origin"},
		{"https://www.comune.example/servizi", "no path"},
		{"ftp://www.comune.example", "must start with https://"},
		{"https://www.comune.example 'unsafe-inline'", "MODULARIO_EMBED_ORIGINS"},
	} {
		_, err := parseServeConfig(nil, map[string]string{"MODULARIO_EMBED_ORIGINS": bad.value})
		if err == nil || !strings.Contains(err.Error(), "--embed-origins (MODULARIO_EMBED_ORIGINS)") ||
			!strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: err = %v, want it to name the setting and say %q", bad.value, err, bad.want)
		}
	}
}
