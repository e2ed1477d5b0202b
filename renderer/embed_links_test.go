package renderer

import (
	"strings"
	"testing"
)

func TestMarkLeavingLinks(t *testing.T) {
	const note = `<span class="visually-hidden"> (nuova finestra)</span>`
	in := `<!doctype html><html lang="it"><head><title>a <a href="/x"></title>` +
		`<script src="/static/js/m.js"></script><script>var s = '<a href="/y">';</script></head><body>` +
		`<a href="#main">salta</a>` +
		`<p><A HREF="http://www.garanteprivacy.it">www.garanteprivacy.it</A></p>` +
		`<a href="/servizi/x/t/passo/2?lang=en&amp;embed=1">avanti</a>` +
		`<a href="/privacy?lang=en&amp;x=1" rel="help">privacy</a>` +
		`<a href="/pratiche/t" target="_blank" rel="noopener">già segnato</a>` +
		`<a href="/allegati/t/1" download>file.pdf</a>` +
		`<a href="mailto:urp@comune.example">urp</a><a href="tel:+39061234">tel</a><a>senza href</a>` +
		`<textarea><a href="/z"></textarea></body></html>`
	got := string(markLeavingLinks([]byte(in), note))
	for _, want := range []string{
		`<a href="#main">salta</a>`,
		`<a href="http://www.garanteprivacy.it" target="_blank" rel="noopener">www.garanteprivacy.it` + note + `</A>`,
		`<a href="/servizi/x/t/passo/2?lang=en&amp;embed=1">avanti</a>`,
		`<a href="/privacy?lang=en&amp;x=1" rel="noopener" target="_blank">privacy` + note + `</a>`,
		`<a href="/pratiche/t" target="_blank" rel="noopener">già segnato</a>`,
		`<a href="/allegati/t/1" download>file.pdf</a>`,
		`<a href="mailto:urp@comune.example">urp</a><a href="tel:+39061234">tel</a><a>senza href</a>`,
		// Raw text is not markup: untouched.
		`<title>a <a href="/x"></title>`, `var s = '<a href="/y">';`, `<textarea><a href="/z"></textarea>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %s\n%s", want, got)
		}
	}
	if n := strings.Count(got, note); n != 2 {
		t.Errorf("%d notes, want 2:\n%s", n, got)
	}
}
