package renderer

import "testing"

func TestHTMLIDIsOneToOne(t *testing.T) {
	for ptr, want := range map[string]string{
		"/email":          "f-email",
		"/indirizzo/via":  "f-indirizzo-via",
		"/indirizzo-via":  "f-indirizzo--via",
		"/a--b":           "f-a----b",
		"/a/b/c":          "f-a-b-c",
		"/figli/0/nome":   "f-figli-0-nome",
		"/codice_fiscale": "f-codice_fiscale",
		"/città":          "f-citt_u00E0",
	} {
		if got := htmlID(ptr); got != want {
			t.Errorf("htmlID(%q) = %q, want %q", ptr, got, want)
		}
	}
	seen := map[string]string{}
	for _, ptr := range []string{"/a/b", "/a-b", "/a--b", "/a-/b", "/a/b-", "/a-b-", "/a/b/c", "/a-b/c", "/a/b-c", "/a-b-c"} {
		id := htmlID(ptr)
		if other, dup := seen[id]; dup {
			t.Errorf("%q and %q share the id %q", ptr, other, id)
		}
		seen[id] = ptr
	}
}
