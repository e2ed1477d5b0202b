package markdown

import (
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"regexp"
	"strconv"
	"strings"
)

// shortcode matches {{< modulo "slug" >}} (the quotes may be straight or
// absent): the short code that places a service card in a page.
var shortcode = regexp.MustCompile(`\{\{<\s*modulo\s+"?([a-z0-9][a-z0-9-]*)"?\s*>\}\}`)

// Expander turns the slug of a {{< modulo "slug" >}} short code into the
// HTML that replaces it; ok false drops the short code. The HTML is trusted:
// the expander builds it from templates, never from author text.
type Expander func(slug string) (html template.HTML, ok bool)

// ShortcodeSlugs returns the slugs of the short codes in src, in order.
func ShortcodeSlugs(src string) []string {
	var out []string
	for _, m := range shortcode.FindAllStringSubmatch(src, -1) {
		out = append(out, m[1])
	}
	return out
}

// Shortcode returns the short code that places the form slug in a page.
func Shortcode(slug string) string { return `{{< modulo "` + slug + `" >}}` }

// ToHTMLWithShortcodes renders src as safe HTML like ToHTML, replacing each
// short code with what expand returns. Short codes are swapped for random
// placeholders before Markdown runs, so authors can neither forge an
// expansion nor smuggle raw HTML through one.
func ToHTMLWithShortcodes(src string, expand Expander) template.HTML {
	if !shortcode.MatchString(src) {
		return ToHTML(src)
	}
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	prefix := "mdsc" + hex.EncodeToString(nonce) + "x"
	var slugs []string
	text := shortcode.ReplaceAllStringFunc(src, func(m string) string {
		slugs = append(slugs, shortcode.FindStringSubmatch(m)[1])
		// Blank lines around make the placeholder a paragraph of its own.
		return "\n\n" + prefix + strconv.Itoa(len(slugs)-1) + "\n\n"
	})
	out := string(render(text, 0))
	for i := len(slugs) - 1; i >= 0; i-- { // backwards: "…x1" is a prefix of "…x10"
		ph := prefix + strconv.Itoa(i)
		html, ok := expand(slugs[i])
		if !ok {
			html = ""
		}
		out = strings.ReplaceAll(out, "<p>"+ph+"</p>", string(html))
		out = strings.ReplaceAll(out, ph, string(html))
	}
	return template.HTML(out)
}
