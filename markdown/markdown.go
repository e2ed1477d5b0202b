// Package markdown renders the Markdown that staff write (descriptions, help
// texts, privacy notices, confirmations) to safe HTML: raw HTML is not
// rendered and links or images with dangerous URL schemes are dropped.
package markdown

import (
	"bytes"
	"html/template"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// md is safe for concurrent use. goldmark escapes raw HTML unless WithUnsafe
// is set, and its renderer already refuses javascript:/vbscript:/data: links;
// the transformer below also drops any other non-allowlisted scheme.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(safeLinks{}, 100))),
)

// cacheLimit bounds the memo of rendered texts. Staff texts are few and
// rendered on every page view; when the memo is full it starts over.
const cacheLimit = 4096

var cache struct {
	sync.RWMutex
	m map[memoKey]template.HTML
}

// memoKey is a text and the heading level it is rendered under (0: none).
type memoKey struct {
	src   string
	level int
}

// ToHTML renders src as safe HTML. Results are memoised: the same help
// texts and descriptions are drawn on every page view.
func ToHTML(src string) template.HTML { return memo(src, 0) }

// ToHTMLUnder renders src as ToHTML does, for a text shown inside a page
// section whose heading has the given level (1-5): the text's headings move
// so that its shallowest one becomes level+1, the others keep their
// distance from it, and none goes past h6. Editors may start a privacy
// notice or a confirmation with "# Titolo" or "## Titolo": it still nests
// under the page's own heading, never beside or above it.
func ToHTMLUnder(level int, src string) template.HTML {
	return memo(src, min(max(level, 1), 5))
}

func memo(src string, level int) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	key := memoKey{src, level}
	cache.RLock()
	out, ok := cache.m[key]
	cache.RUnlock()
	if ok {
		return out
	}
	out = render(src, level)
	cache.Lock()
	if len(cache.m) >= cacheLimit || cache.m == nil {
		cache.m = make(map[memoKey]template.HTML, 64)
	}
	cache.m[key] = out
	cache.Unlock()
	return out
}

// ToHTMLOnce renders src as safe HTML without memoising it: for texts seen
// once (a notification with its answers), which would only push the staff
// texts out of the memo.
func ToHTMLOnce(src string) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	return render(src, 0)
}

// plain is md without Linkify, for ToHTMLOnceNoLinkify.
var plain = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(safeLinks{}, 100))),
)

// ToHTMLOnceNoLinkify is ToHTMLOnce without Linkify: a bare URL, www.
// name or e-mail address stays text; only <…> autolinks and [text](url)
// are links. For notifications, whose citizen answers must not become
// clickable links in the office's mailbox.
func ToHTMLOnceNoLinkify(src string) template.HTML {
	var buf bytes.Buffer
	if err := plain.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src)) // never: bytes.Buffer
	}
	return template.HTML(buf.String())
}

// render converts src; with level > 0 its headings nest under a heading of
// that level (see ToHTMLUnder).
func render(src string, level int) template.HTML {
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	if level > 0 {
		nestHeadings(doc, level)
	}
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, source, doc); err != nil {
		// goldmark only fails on writer errors; a bytes.Buffer has none.
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(buf.String())
}

// nestHeadings shifts every heading of doc by the same amount so that the
// shallowest becomes level+1, capping at 6.
func nestHeadings(doc ast.Node, level int) {
	var headings []*ast.Heading
	top := 7
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			headings = append(headings, h)
			top = min(top, h.Level)
		}
		return ast.WalkContinue, nil
	})
	shift := level + 1 - top
	for _, h := range headings {
		h.Level = min(max(h.Level+shift, 1), 6)
	}
}

// ToInlineHTML renders a one-paragraph text without the wrapping <p>.
func ToInlineHTML(src string) template.HTML {
	s := strings.TrimSpace(string(ToHTML(src)))
	if strings.HasPrefix(s, "<p>") && strings.HasSuffix(s, "</p>") && strings.Count(s, "<p>") == 1 {
		s = s[3 : len(s)-4]
	}
	return template.HTML(s)
}

type safeLinks struct{}

// Transform replaces links and images whose destination is not http(s),
// mailto, tel, a relative path or a fragment with their plain text.
func (safeLinks) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	var unsafe []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *ast.Link:
			if !SafeURL(string(v.Destination)) {
				unsafe = append(unsafe, n)
			}
		case *ast.Image:
			if !SafeURL(string(v.Destination)) {
				unsafe = append(unsafe, n)
			}
		case *ast.AutoLink:
			if !SafeURL(string(v.URL(reader.Source()))) {
				unsafe = append(unsafe, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range unsafe {
		parent := n.Parent()
		if parent == nil {
			continue
		}
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}

// SafeURL reports whether u is a relative URL, a fragment, or uses one of
// the schemes http, https, mailto, tel.
func SafeURL(u string) bool {
	u = strings.TrimSpace(u)
	lower := strings.ToLower(u)
	for _, p := range []string{"http://", "https://", "mailto:", "tel:"} {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	// No scheme at all: relative path, query or fragment.
	colon := strings.IndexByte(u, ':')
	return colon < 0 || strings.ContainsAny(u[:colon], "/?#")
}
