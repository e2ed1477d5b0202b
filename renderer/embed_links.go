package renderer

import (
	"bytes"
	"html/template"
	"io"
	"net/url"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// markLeavingLinks rewrites a page drawn in embed mode so that no link
// loads a page without embed mode into the frame: links written by staff in
// Markdown (the privacy notice, help texts, the confirmation) and any other
// link that does not carry embed=1 open a new window instead, with note
// (the visually hidden "(si apre in una nuova finestra)") at their end.
// Links of the flow, in-page anchors, downloads, mailto: and tel: are left
// alone. A page the tokenizer cannot read is returned unchanged.
func markLeavingLinks(page []byte, note template.HTML) []byte {
	z := html.NewTokenizer(bytes.NewReader(page))
	var out bytes.Buffer
	out.Grow(len(page) + 512)
	inLeaving := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				return page
			}
			return out.Bytes()
		}
		if tt != html.StartTagToken && tt != html.EndTagToken {
			out.Write(z.Raw())
			continue
		}
		// Token and TagName reuse (and lower-case) the buffer Raw points
		// into: keep the tag's bytes as written.
		raw := append([]byte(nil), z.Raw()...)
		switch tt {
		case html.StartTagToken:
			if tok := z.Token(); tok.DataAtom == atom.A && leavesFlow(tok.Attr) {
				tok.Attr = setAttr(setAttr(tok.Attr, "target", "_blank"), "rel", "noopener")
				out.WriteString(tok.String())
				inLeaving = true
				continue
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); inLeaving && atom.Lookup(name) == atom.A {
				out.WriteString(string(note))
				inLeaving = false
			}
		}
		out.Write(raw)
	}
}

// leavesFlow reports whether a link with attrs would load, in the frame, a
// web page outside embed mode.
func leavesFlow(attrs []html.Attribute) bool {
	href, found := "", false
	for _, a := range attrs {
		switch a.Key {
		case "target", "download":
			return false
		case "href":
			href, found = a.Val, true
		}
	}
	if !found || href == "" || href[0] == '#' {
		return false
	}
	u, err := url.Parse(href)
	if err != nil {
		return true
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return false
	}
	return u.Query().Get(embedParam) != "1"
}

// setAttr sets attribute key to val, replacing an existing one.
func setAttr(attrs []html.Attribute, key, val string) []html.Attribute {
	for i := range attrs {
		if attrs[i].Key == key {
			attrs[i].Val = val
			return attrs
		}
	}
	return append(attrs, html.Attribute{Key: key, Val: val})
}
