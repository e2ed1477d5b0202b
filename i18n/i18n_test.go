package i18n

import "testing"

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct{ explicit, header, want string }{
		{"", "", "it"},
		{"en", "it-IT", "en"},
		{"fr", "", "it"},
		{"", "en-GB,en;q=0.9", "en"},
		{"", "de-DE, en;q=0.5, it;q=0.8", "it"},
		{"", "fr-FR", "it"},
		{"", "en;q=bogus, it;q=0.1", "it"},
		{"", "en;q=0", "it"},
		{"", "en-US,en;q=0.9,it;q=0.8", "en"},
		{"", "it-CH", "it"},
		{"", "*", "it"},
	} {
		if got := Negotiate(tc.explicit, tc.header); got != tc.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", tc.explicit, tc.header, got, tc.want)
		}
	}
}

func TestCatalog(t *testing.T) {
	c := Catalog{"it": {"hello": "Ciao %s", "only_it": "x"}, "en": {"hello": "Hello %s"}}
	if got := c.T("en", "hello", "Ada"); got != "Hello Ada" {
		t.Errorf("T en = %q", got)
	}
	if got := c.T("en", "only_it"); got != "x" {
		t.Errorf("fallback = %q", got)
	}
	if got := c.T("it", "nope"); got != "nope" {
		t.Errorf("missing key = %q", got)
	}
	if m := c.Missing(); len(m) != 1 || m[0] != "en:only_it" {
		t.Errorf("Missing = %v", m)
	}
}
