package schemas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// maxRefDepth bounds $ref chains while reading the schema (loops included).
const maxRefDepth = 32

// node is a schema object with its $ref targets merged in: keywords written
// next to a $ref win over the target's. loc records, per keyword, the
// schema pointer of the object that holds it.
type node struct {
	m   map[string]any
	loc map[string]string
}

// at returns the schema pointer of keyword kw of n.
func (n node) at(kw string) string { return joinPointer(n.loc[kw], kw) }

// obj returns keyword kw as an object, or nil.
func (n node) obj(kw string) map[string]any {
	m, _ := n.m[kw].(map[string]any)
	return m
}

// arr returns keyword kw as an array, or nil.
func (n node) arr(kw string) []any {
	a, _ := n.m[kw].([]any)
	return a
}

// str returns keyword kw as a string, or "".
func (n node) str(kw string) string {
	s, _ := n.m[kw].(string)
	return s
}

// schemaDoc is a decoded form schema with the key order of its objects.
type schemaDoc struct {
	root  any
	order map[string][]string // schema pointer → keys in document order
}

// newSchemaDoc decodes raw (numbers as json.Number) and records key order.
func newSchemaDoc(raw []byte) (*schemaDoc, error) {
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, err
	}
	order := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	_ = recordOrder(dec, "", order)
	return &schemaDoc{root: v, order: order}, nil
}

// recordOrder reads one JSON value from dec, storing object key orders.
func recordOrder(dec *json.Decoder, ptr string, order map[string][]string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{':
		var keys []string
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return err
			}
			k, _ := kt.(string)
			keys = append(keys, k)
			if err := recordOrder(dec, joinPointer(ptr, k), order); err != nil {
				return err
			}
		}
		order[ptr] = keys
	case '[':
		for i := 0; dec.More(); i++ {
			if err := recordOrder(dec, ptr+"/"+itoa(i), order); err != nil {
				return err
			}
		}
	}
	_, err = dec.Token()
	return err
}

// keys returns the keys of the object m found at schema pointer ptr, in
// document order (sorted when the order is unknown).
func (d *schemaDoc) keys(m map[string]any, ptr string) []string {
	if ks, ok := d.order[ptr]; ok && len(ks) == len(m) {
		return ks
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// resolve returns the schema object v at ptr with its internal $ref chain
// merged in. Non-object schemas (true/false) give an empty node.
func (d *schemaDoc) resolve(v any, ptr string) node {
	return d.resolveDepth(v, ptr, 0)
}

func (d *schemaDoc) resolveDepth(v any, ptr string, depth int) node {
	n := node{m: map[string]any{}, loc: map[string]string{}}
	m, ok := v.(map[string]any)
	if !ok {
		return n
	}
	if ref, ok := m["$ref"].(string); ok && strings.HasPrefix(ref, "#") && depth < maxRefDepth {
		target := refPointer(ref)
		if tv, ok := GetPointer(d.root, target); ok {
			t := d.resolveDepth(tv, target, depth+1)
			n.m, n.loc = t.m, t.loc
		}
	}
	for k, x := range m {
		if k == "$ref" {
			continue
		}
		n.m[k] = x
		n.loc[k] = ptr
	}
	return n
}

// refPointer turns "#/$defs/a%20b" into the JSON pointer "/$defs/a b".
func refPointer(ref string) string {
	frag := strings.TrimPrefix(ref, "#")
	if u, err := url.PathUnescape(frag); err == nil {
		return u
	}
	return frag
}

// merge overlays other onto n: keywords n already has are kept.
func (n node) merge(other node) node {
	out := node{m: map[string]any{}, loc: map[string]string{}}
	for _, src := range []node{n, other} {
		for k, v := range src.m {
			if _, ok := out.m[k]; !ok {
				out.m[k] = v
				out.loc[k] = src.loc[k]
			}
		}
	}
	return out
}

// walkSchema calls visit for every object in the schema document v, with
// its pointer. Data keywords (const, enum, default, examples) hold values,
// not schemas, and are skipped.
func walkSchema(v any, ptr string, visit func(m map[string]any, ptr string)) {
	switch t := v.(type) {
	case map[string]any:
		visit(t, ptr)
		for k, x := range t {
			switch k {
			case "const", "enum", "default", "examples":
				continue
			}
			walkSchema(x, joinPointer(ptr, k), visit)
		}
	case []any:
		for i, x := range t {
			walkSchema(x, ptr+"/"+itoa(i), visit)
		}
	}
}

// externalRefs lists the schema pointers of $ref/$dynamicRef values that do
// not point inside the document.
func externalRefs(root any) []string {
	var out []string
	walkSchema(root, "", func(m map[string]any, ptr string) {
		for _, k := range []string{"$ref", "$dynamicRef"} {
			if s, ok := m[k].(string); ok && !strings.HasPrefix(s, "#") {
				out = append(out, joinPointer(ptr, k))
			}
		}
	})
	return out
}

// ifPointers lists the schema pointers of every "if" subschema.
func ifPointers(root any) []string {
	var out []string
	walkSchema(root, "", func(m map[string]any, ptr string) {
		if _, ok := m["if"]; ok {
			out = append(out, joinPointer(ptr, "if"))
		}
	})
	return out
}

// checkRefs reports $ref values that leave the document or point at
// nothing in it, with the pointer of the $ref itself, and returns the
// schema pointers of those $refs.
func (d *schemaDoc) checkRefs(problems map[string]string) []string {
	bad := externalRefs(d.root)
	for _, p := range bad {
		problems["/schema"+p] = "must be an internal reference such as #/$defs/name"
	}
	walkSchema(d.root, "", func(m map[string]any, ptr string) {
		ref, ok := m["$ref"].(string)
		if !ok || !strings.HasPrefix(ref, "#/") && ref != "#" {
			return // "#name" anchors are left to the library
		}
		if _, ok := GetPointer(d.root, refPointer(ref)); !ok {
			p := joinPointer(ptr, "$ref")
			problems["/schema"+p] = fmt.Sprintf("refers to %s, which does not exist", ref)
			bad = append(bad, p)
		}
	})
	return bad
}

// without returns a copy of root without the keywords at pointers.
func without(root any, pointers []string) any {
	out := deepCopy(root)
	if m, ok := out.(map[string]any); ok {
		for _, p := range pointers {
			DeletePointer(m, p)
		}
	}
	return out
}
