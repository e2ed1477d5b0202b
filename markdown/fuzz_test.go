package markdown

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// checkSafeHTML parses out as a browser would and fails on a script or
// other active element, an on* event-handler attribute, or a URL attribute
// with a javascript:, vbscript: or data:text/html target.
func checkSafeHTML(t *testing.T, src, out string) {
	t.Helper()
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Fatalf("output of %q contains <script:\n%s", src, out)
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script", "iframe", "object", "embed", "style", "form", "input", "button", "base", "meta", "link", "svg", "math":
			t.Fatalf("output of %q has a <%s> element:\n%s", src, tok.Data, out)
		}
		for _, a := range tok.Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") {
				t.Fatalf("output of %q has event handler %s=%q:\n%s", src, a.Key, a.Val, out)
			}
			if dangerousURL(a.Val) {
				t.Fatalf("output of %q has %s=%q:\n%s", src, a.Key, a.Val, out)
			}
		}
	}
}

// dangerousURL reports whether v, as a browser reads a URL attribute
// (whitespace and control characters dropped, case folded), runs script.
func dangerousURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToLower(v))
	return strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") ||
		strings.HasPrefix(v, "data:text/html") || strings.HasPrefix(v, "data:image/svg")
}

// FuzzMarkdown renders arbitrary staff Markdown (with and without the memo,
// inline too) and checks that nothing active ever reaches the page.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{
		"**ciao** [link](https://comune.example) <script>alert(1)</script>",
		"[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) [z](&#106;avascript:alert(1))",
		"![img](data:text/html;base64,PHNjcmlwdD4=) ![i](vbscript:msgbox)",
		"<img src=x onerror=alert(1)>\n\n<a href=\"javascript:x\" onclick=\"y\">a</a>",
		"[a](java\tscript:alert(1)) [b](<javascript:alert(1)>) <javascript:alert(1)>",
		"www.example.com/?q=<script> http://x.example/\"onmouseover=\"alert(1)",
		"| a | b |\n|---|---|\n| <b onclick=x>1</b> | `<script>` |",
		"[ref]\n\n[ref]: javascript:alert(1) \"t\"",
		"<!-- --><svg/onload=alert(1)>\n~~del~~ <details open ontoggle=alert(1)>",
		"\x00\xff\xfe [x](\x01javascript:alert(1))",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkSafeHTML(t, src, string(ToHTMLOnce(src)))
		checkSafeHTML(t, src, string(ToInlineHTML(src)))
		if a, b := string(ToHTML(src)), string(ToHTMLOnce(src)); a != b {
			t.Fatalf("memoised and fresh renders of %q differ:\n%s\n%s", src, a, b)
		}
	})
}
