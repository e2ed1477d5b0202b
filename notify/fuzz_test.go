package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// fuzzForm has two free-text answers and a choice, and a template that
// places them inline, in brackets, on their own line and in {{risposte}}.
const fuzzForm = `{"slug":"fuzz","title":"Modulo <b>fuzz</b>","privacy":"P","schema":{"type":"object","properties":{
 "a":{"type":"string","title":"Primo"},"b":{"type":"string","title":"Secondo"},
 "c":{"type":"string","title":"Scelta","enum":["uno","due"]}}},
 "ui":{"steps":[{"title":"Uno","fields":["a","b","c"]}]}}`

var fuzzTemplate = schemas.Template{
	Subject: "{{numero}} {{risposta.a}} {{ufficio}}",
	Body:    "Prima {{risposta.a}} dopo.\n\n[{{risposta.b}}] **{{modulo}}** {{ufficio}}\n\n{{risposta.a}}\n\n{{risposte}}\n\n{{link}}",
}

// htmlShape returns the element names of doc and fails on an event
// handler, an attribute other than href, or an href that is not http(s).
func htmlShape(t testing.TB, doc string) map[string]bool {
	t.Helper()
	tags := map[string]bool{}
	z := html.NewTokenizer(strings.NewReader(doc))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		tags[tok.Data] = true
		for _, a := range tok.Attr {
			href := strings.ToLower(strings.TrimSpace(a.Val))
			if a.Key != "href" || !(strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://") ||
				strings.HasPrefix(href, "mailto:")) {
				t.Fatalf("attribute %s=%q in:\n%s", a.Key, a.Val, doc)
			}
		}
	}
	return tags
}

// renderFuzz renders fuzzTemplate with answers a and b and office name.
func renderFuzz(f *schemas.Form, a, b, office string) *Message {
	s := &modulario.Submission{Number: "2026-0000001", Token: "tok", Status: modulario.StatusReceived,
		FormSlug: "fuzz", CreatedAt: time.Date(2026, 3, 5, 9, 7, 0, 0, time.UTC)}
	s.Data, _ = json.Marshal(map[string]any{"a": a, "b": b, "c": "uno"})
	m := &Message{Submission: s}
	RenderMessage(m, fuzzTemplate, TemplateData{Form: f, Submission: s, Office: &modulario.Office{Name: office},
		TrackingURL: "https://moduli.comune.example/pratiche/tok"})
	return m
}

// FuzzTemplate renders a notification with hostile answers and office
// name: the subject stays one header line, the answers add no element
// (beyond an http(s) autolink) and no attribute, and plain answers come out
// as their literal text.
func FuzzTemplate(f *testing.F) {
	for _, s := range [][3]string{
		{"<script>alert(1)</script>", "[x](javascript:alert(1))", "URP"},
		{"**grassetto** _c_ `code`", "![i](https://evil.example/p.png)", "Ufficio\r\nBcc: spia@evil.example"},
		{"# titolo\n- voce\n1. uno\n> citazione", "<img src=x onerror=alert(1)>", "<b>URP</b>"},
		{"&lt;script&gt; &amp; \\* \\", "www.example.com javascript:alert(1)", "{{numero}}"},
		{"| a | b |\n|---|---|", "\x00\xff\u202e", "{{risposta.a}}"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	form, err := schemas.Load([]byte(fuzzForm))
	if err != nil {
		f.Fatal(err)
	}
	allowed := htmlShape(f, renderFuzz(form, "x", "y", "URP").HTML)
	allowed["a"], allowed["br"] = true, true // autolinks; line breaks in answers are hard breaks
	f.Fuzz(func(t *testing.T, a, b, office string) {
		m := renderFuzz(form, a, b, office)
		if strings.ContainsAny(m.Subject, "\r\n") {
			t.Fatalf("subject %q spans lines", m.Subject)
		}
		for tag := range htmlShape(t, m.HTML) {
			if !allowed[tag] {
				t.Fatalf("answers %q %q %q added <%s>:\n%s", a, b, office, tag, m.HTML)
			}
		}
		if plain(a) {
			text := strings.Join(strings.Fields(htmlText(m.HTML)), " ")
			if want := strings.Join(strings.Fields(a), " "); !strings.Contains(text, "Prima "+want+" dopo.") {
				t.Fatalf("answer %q not literal in:\n%s", a, m.HTML)
			}
		}
	})
}

// plain reports whether s is one line of printable ASCII, the case where
// the answer must appear verbatim.
func plain(s string) bool {
	for _, r := range s {
		if r < ' ' || r > '~' {
			return false
		}
	}
	return strings.TrimSpace(s) != ""
}

// htmlText is the text content of doc, entities decoded.
func htmlText(doc string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(doc))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		if tt == html.TextToken {
			b.Write(z.Text())
		}
	}
	return b.String()
}
