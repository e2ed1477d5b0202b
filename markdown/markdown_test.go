package markdown

import (
	"strings"
	"testing"
)

func TestToHTML(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		notWant  []string
	}{
		{"emphasis", "Ciao **mondo**", []string{"<strong>mondo</strong>"}, nil},
		{"raw html dropped", "<script>alert(1)</script>\n\ntesto", []string{"testo"}, []string{"<script"}},
		{"inline html dropped", "a <img src=x onerror=alert(1)> b", nil, []string{"<img", "onerror"}},
		{"javascript link", "[clic](javascript:alert(1))", []string{"clic"}, []string{"javascript:", "<a"}},
		{"mixed case scheme", "[clic](JaVaScRiPt:alert(1))", []string{"clic"}, []string{"<a"}},
		{"data image", "![x](data:text/html;base64,PHNjcmlwdD4=)", nil, []string{"data:", "<img"}},
		{"vbscript autolink", "<vbscript:msgbox>", nil, []string{"<a"}},
		{"https link kept", "[sito](https://www.comune.example/)", []string{`<a href="https://www.comune.example/">sito</a>`}, nil},
		{"relative link kept", "[privacy](/privacy)", []string{`href="/privacy"`}, nil},
		{"mailto kept", "<mailto:urp@comune.example>", []string{`href="mailto:urp@comune.example"`}, nil},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |", []string{"<table>"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(ToHTML(tc.in))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("output %q lacks %q", got, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(strings.ToLower(got), strings.ToLower(w)) {
					t.Errorf("output %q contains %q", got, w)
				}
			}
		})
	}
}

func TestToInlineHTML(t *testing.T) {
	if got := ToInlineHTML("solo *testo*"); got != "solo <em>testo</em>" {
		t.Errorf("got %q", got)
	}
	if got := ToHTML("   "); got != "" {
		t.Errorf("blank = %q", got)
	}
}

func TestToHTMLMemoStaysBounded(t *testing.T) {
	for i := 0; i < cacheLimit+10; i++ {
		ToHTML(strings.Repeat("x", i%50+1) + string(rune('a'+i%26)) + " " + string(rune(i)))
	}
	cache.RLock()
	n := len(cache.m)
	cache.RUnlock()
	if n > cacheLimit {
		t.Errorf("memo holds %d entries, limit %d", n, cacheLimit)
	}
	if got := ToHTML("**due**"); got != "<p><strong>due</strong></p>\n" || ToHTML("**due**") != got {
		t.Errorf("memoised output = %q", got)
	}
}

func BenchmarkToHTML(b *testing.B) {
	src := "Indica **via** e [numero civico](https://www.comune.example/)."
	for i := 0; i < b.N; i++ {
		ToHTML(src)
	}
}

func TestToHTMLOnceIsNotMemoised(t *testing.T) {
	src := "messaggio unico **42**"
	if got := ToHTMLOnce(src); got != "<p>messaggio unico <strong>42</strong></p>\n" {
		t.Errorf("ToHTMLOnce = %q", got)
	}
	cache.RLock()
	_, memoised := cache.m[memoKey{src: src}]
	cache.RUnlock()
	if memoised {
		t.Error("ToHTMLOnce stored its text in the memo")
	}
}

// Editor headings nest under the page section that shows the text: the
// shallowest becomes level+1, the others keep their distance (S6).
func TestToHTMLUnder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		level int
		in    string
		want  []string
	}{
		{"h2 under h2", 2, "## Informativa\n\ntesto\n\n### Diritti", []string{"<h3>Informativa</h3>", "<h4>Diritti</h4>"}},
		{"h1 under h1", 1, "# Richiesta inviata\n\nGrazie", []string{"<h2>Richiesta inviata</h2>", "<p>Grazie</p>"}},
		{"deep pulled up", 2, "#### Titolo\n\n##### Sotto", []string{"<h3>Titolo</h3>", "<h4>Sotto</h4>"}},
		{"capped at h6", 3, "# Uno\n\n## Due\n\n### Tre\n\n#### Quattro", []string{"<h4>Uno</h4>", "<h6>Tre</h6>", "<h6>Quattro</h6>"}},
		{"setext", 2, "Titolo\n======\n\ntesto", []string{"<h3>Titolo</h3>"}},
		{"no headings", 2, "solo **testo**", []string{"<p>solo <strong>testo</strong></p>"}},
		{"links still filtered", 2, "## A\n\n[x](javascript:alert(1))", []string{"<h3>A</h3>", "<p>x</p>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(ToHTMLUnder(tc.level, tc.in))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("output %q lacks %q", got, w)
				}
			}
		})
	}
	// The plain rendering of the same text is memoised apart.
	if got := string(ToHTML("## Informativa")); !strings.Contains(got, "<h2>Informativa</h2>") {
		t.Errorf("ToHTML after ToHTMLUnder = %q", got)
	}
	if got := string(ToHTMLUnder(2, "## Informativa")); !strings.Contains(got, "<h3>Informativa</h3>") {
		t.Errorf("ToHTMLUnder after ToHTML = %q", got)
	}
}
