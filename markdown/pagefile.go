package markdown

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/modulario/modulario"
)

// frontMatterDelim opens and closes the front matter of a page file.
const frontMatterDelim = "---"

// MarshalPage writes a landing page as a Markdown file with front matter
// (title, slug, description, category, menu_order, published), the format
// pages are exported in and kept in git. Strings are double-quoted JSON
// strings, so the front matter is also valid YAML.
func MarshalPage(p *modulario.Page) []byte {
	var b bytes.Buffer
	q := func(s string) string { out, _ := json.Marshal(s); return string(out) }
	b.WriteString(frontMatterDelim + "\n")
	fmt.Fprintf(&b, "title: %s\nslug: %s\n", q(p.Title), q(p.Slug))
	if p.Description != "" {
		fmt.Fprintf(&b, "description: %s\n", q(p.Description))
	}
	if p.Category != "" {
		fmt.Fprintf(&b, "category: %s\n", q(p.Category))
	}
	fmt.Fprintf(&b, "menu_order: %d\npublished: %t\n", p.MenuOrder, p.Published)
	b.WriteString(frontMatterDelim + "\n")
	b.WriteString(strings.TrimLeft(p.Body, "\n"))
	return b.Bytes()
}

// UnmarshalPage reads a file written by MarshalPage (or by hand in the same
// shape). Returns EINVALID, naming the line, for a malformed file.
func UnmarshalPage(src []byte) (*modulario.Page, error) {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	rest, ok := strings.CutPrefix(text, frontMatterDelim+"\n")
	if !ok {
		return nil, modulario.Errorf(modulario.EINVALID, "page file must start with a %q line", frontMatterDelim)
	}
	head, body, ok := strings.Cut(rest, "\n"+frontMatterDelim+"\n")
	if !ok {
		if head, ok = strings.CutSuffix(rest, "\n"+frontMatterDelim); !ok {
			return nil, modulario.Errorf(modulario.EINVALID, "page file: front matter is not closed by %q", frontMatterDelim)
		}
	}
	p := &modulario.Page{Body: body}
	for i, line := range strings.Split(head, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if err := setField(p, line); err != nil {
			return nil, modulario.Errorf(modulario.EINVALID, "page file line %d: %v", i+2, err)
		}
	}
	return p, nil
}

// setField applies one "key: value" line of front matter.
func setField(p *modulario.Page, line string) error {
	key, raw, ok := strings.Cut(line, ":")
	if !ok {
		return fmt.Errorf("want key: value")
	}
	raw = strings.TrimSpace(raw)
	str := func() (string, error) {
		if strings.HasPrefix(raw, `"`) {
			var s string
			err := json.Unmarshal([]byte(raw), &s)
			return s, err
		}
		return raw, nil
	}
	var err error
	switch strings.TrimSpace(key) {
	case "title":
		p.Title, err = str()
	case "slug":
		p.Slug, err = str()
	case "description":
		p.Description, err = str()
	case "category":
		p.Category, err = str()
	case "menu_order":
		p.MenuOrder, err = strconv.Atoi(raw)
	case "published":
		p.Published, err = strconv.ParseBool(raw)
	default:
		return fmt.Errorf("unknown key %q", strings.TrimSpace(key))
	}
	return err
}
