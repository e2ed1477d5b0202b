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
	m map[string]template.HTML
}

// ToHTML renders src as safe HTML. Results are memoised: the same help
// texts and descriptions are drawn on every page view.
func ToHTML(src string) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	cache.RLock()
	out, ok := cache.m[src]
	cache.RUnlock()
	if ok {
		return out
	}
	out = render(src)
	cache.Lock()
	if len(cache.m) >= cacheLimit || cache.m == nil {
		cache.m = make(map[string]template.HTML, 64)
	}
	cache.m[src] = out
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
	return render(src)
}

func render(src string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		// goldmark only fails on writer errors; a bytes.Buffer has none.
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(buf.String())
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
