package formedit

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// slot is one declaration of a property: parent is the object schema that
// holds "properties" and "required"; branch is the index of the schema's
// allOf entry whose "then" declares a top-level field, or -1.
type slot struct {
	parent *object
	name   string
	prop   *object
	branch int
}

// required reports whether the slot's parent requires the property.
func (s slot) required() bool {
	for _, r := range s.parent.strings("required") {
		if r == s.name {
			return true
		}
	}
	return false
}

// setRequired adds or removes the property from the parent's required.
func setRequired(parent *object, name string, on bool) {
	var out []any
	found := false
	for _, r := range parent.arr("required") {
		if r == name {
			found = true
			if !on {
				continue
			}
		}
		out = append(out, r)
	}
	if on && !found {
		out = append(out, name)
	}
	if len(out) == 0 {
		parent.del("required")
		return
	}
	parent.set("required", out)
}

// topSlots returns every declaration of a top-level property: in the
// schema's properties, in the "then" of an allOf entry, or elsewhere (a
// branch the editor does not model, reported with branch -2).
func (d *Doc) topSlots(name string) []slot {
	sch := d.schema()
	var out []slot
	if p := sch.obj("properties").obj(name); p != nil {
		out = append(out, slot{sch, name, p, -1})
	}
	for i, e := range sch.arr("allOf") {
		entry, _ := e.(*object)
		if th := entry.obj("then"); th.obj("properties").obj(name) != nil {
			out = append(out, slot{th, name, th.obj("properties").obj(name), i})
		}
		if el := entry.obj("else"); el.obj("properties").has(name) {
			out = append(out, slot{el, name, el.obj("properties").obj(name), -2})
		}
	}
	for _, kw := range []string{"then", "else"} {
		if b := sch.obj(kw); b.obj("properties").has(name) {
			out = append(out, slot{b, name, b.obj("properties").obj(name), -2})
		}
	}
	for _, k := range sch.obj("dependentSchemas").ks() {
		if b := sch.obj("dependentSchemas").obj(k); b.obj("properties").has(name) {
			out = append(out, slot{b, name, b.obj("properties").obj(name), -2})
		}
	}
	return out
}

// topNames returns every top-level property name, in declaration order.
func (d *Doc) topNames() []string {
	seen := map[string]bool{}
	var out []string
	add := func(o *object) {
		for _, k := range o.obj("properties").ks() {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sch := d.schema()
	add(sch)
	for _, e := range sch.arr("allOf") {
		entry, _ := e.(*object)
		add(entry.obj("then"))
		add(entry.obj("else"))
	}
	add(sch.obj("then"))
	add(sch.obj("else"))
	for _, k := range sch.obj("dependentSchemas").ks() {
		add(sch.obj("dependentSchemas").obj(k))
	}
	return out
}

// locate finds the main declaration of the field at path.
func (d *Doc) locate(path string) (slot, error) {
	toks := strings.Split(path, "/")
	slots := d.topSlots(toks[0])
	if len(slots) == 0 {
		return slot{}, notFoundf("field.not_found", path)
	}
	s := slots[0]
	for _, tok := range toks[1:] {
		holder := childHolder(s.prop)
		p := holder.obj("properties").obj(tok)
		if p == nil {
			return slot{}, notFoundf("field.not_found", path)
		}
		s = slot{holder, tok, p, -1}
	}
	return s, nil
}

// childHolder returns the object schema holding the children of a group
// (the property itself) or of a repeatable group (its items).
func childHolder(prop *object) *object {
	if schemaType(prop) == "array" {
		return prop.obj("items")
	}
	return prop
}

// slugName turns a label into a property name: lower-case ASCII letters,
// digits and underscores, starting with a letter, at most 40 characters.
func slugName(label string) string {
	var b strings.Builder
	under := false
	for _, r := range norm.NFD.String(strings.ToLower(label)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
		default:
			under = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	s := b.String()
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "campo_" + s
	}
	return strings.TrimRight(s, "_")
}

// uniqueName returns base, or base_2, base_3... when taken.
func uniqueName(base string, taken func(string) bool) string {
	name := base
	for i := 2; taken(name); i++ {
		name = base + "_" + strconv.Itoa(i)
	}
	return name
}

// topTaken reports whether a top-level name is used by a property or a
// ui entry.
func (d *Doc) topTaken(name string) bool {
	return len(d.topSlots(name)) > 0 || d.ui().obj("fields").has(name)
}
