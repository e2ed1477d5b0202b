package schemas

import (
	"strconv"
	"strings"
)

// EscapeToken escapes one JSON pointer reference token (RFC 6901):
// "~" becomes "~0" and "/" becomes "~1".
func EscapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// unescapeToken reverses EscapeToken.
func unescapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// splitPointer returns the unescaped tokens of a JSON pointer ("" → none).
func splitPointer(pointer string) []string {
	if pointer == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	for i, p := range parts {
		parts[i] = unescapeToken(p)
	}
	return parts
}

// joinPointer appends escaped tokens to a pointer.
func joinPointer(base string, tokens ...string) string {
	var b strings.Builder
	b.WriteString(base)
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(EscapeToken(t))
	}
	return b.String()
}

// arrayIndex parses a pointer token as an array index.
func arrayIndex(tok string) (int, bool) {
	if tok == "" || len(tok) > 1 && tok[0] == '0' {
		return 0, false
	}
	n, err := strconv.Atoi(tok)
	return n, err == nil && n >= 0
}

// GetPointer returns the value at a JSON pointer, and whether it exists.
func GetPointer(data any, pointer string) (any, bool) {
	cur := data
	for _, tok := range splitPointer(pointer) {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, ok := arrayIndex(tok)
			if !ok || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// SetPointer sets the value at a JSON pointer, creating objects on the way.
// Arrays on the way are extended with empty objects up to the index. It
// modifies data in place and returns it (a new map when data is nil).
func SetPointer(data map[string]any, pointer string, v any) map[string]any {
	if data == nil {
		data = map[string]any{}
	}
	toks := splitPointer(pointer)
	if len(toks) == 0 {
		return data
	}
	setIn(data, toks, v)
	return data
}

// setIn sets v at toks below container and returns the (possibly new) container.
func setIn(container any, toks []string, v any) any {
	tok := toks[0]
	switch c := container.(type) {
	case map[string]any:
		if len(toks) == 1 {
			c[tok] = v
			return c
		}
		c[tok] = setIn(childContainer(c[tok], toks[1]), toks[1:], v)
		return c
	case []any:
		i, ok := arrayIndex(tok)
		if !ok || i > 10000 {
			return c
		}
		for len(c) <= i {
			c = append(c, map[string]any{})
		}
		if len(toks) == 1 {
			c[i] = v
			return c
		}
		c[i] = setIn(childContainer(c[i], toks[1]), toks[1:], v)
		return c
	}
	return container
}

// childContainer returns existing if it is a container, or a new one suited
// to the next token (an array for an index, an object otherwise).
func childContainer(existing any, next string) any {
	switch existing.(type) {
	case map[string]any, []any:
		return existing
	}
	if _, ok := arrayIndex(next); ok {
		return []any{}
	}
	return map[string]any{}
}

// DeletePointer removes the value at pointer in place; it reports whether
// it existed. Removing an array element shifts the following ones.
func DeletePointer(data map[string]any, pointer string) bool {
	toks := splitPointer(pointer)
	if len(toks) == 0 {
		return false
	}
	parentPtr := pointer[:strings.LastIndex(pointer, "/")]
	parent, ok := GetPointer(data, parentPtr)
	if !ok {
		return false
	}
	last := toks[len(toks)-1]
	switch p := parent.(type) {
	case map[string]any:
		_, ok := p[last]
		delete(p, last)
		return ok
	case []any:
		i, ok := arrayIndex(last)
		if !ok || i >= len(p) {
			return false
		}
		shrunk := append(p[:i:i], p[i+1:]...)
		if parentPtr == "" {
			return false
		}
		SetPointer(data, parentPtr, shrunk)
		return true
	}
	return false
}

// deepCopy copies JSON-like values so callers never share nested maps.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = deepCopy(x)
		}
		return s
	}
	return v
}

// copyData returns a deep copy of data (an empty map for nil).
func copyData(data map[string]any) map[string]any {
	if data == nil {
		return map[string]any{}
	}
	return deepCopy(data).(map[string]any)
}

// AddItem appends an empty item to the repeatable group at pointer and
// returns the new data. It does not know the form's MaxItems: use
// Form.AddItem to respect it.
func AddItem(data map[string]any, pointer string) map[string]any {
	out := copyData(data)
	cur, _ := GetPointer(out, pointer)
	arr, _ := cur.([]any)
	return SetPointer(out, pointer, append(arr, map[string]any{}))
}

// AddItem appends an item to the repeatable group at pointer unless the
// field's MaxItems is reached, and returns the new data. The item starts
// with the defaults of its fields.
func (f *Form) AddItem(data map[string]any, pointer string) map[string]any {
	fl := f.FieldAt(pointer)
	cur, _ := GetPointer(data, pointer)
	arr, _ := cur.([]any)
	if fl != nil && fl.MaxItems != nil && len(arr) >= *fl.MaxItems {
		return copyData(data)
	}
	out := AddItem(data, pointer)
	if fl != nil && fl.Kind == KindRepeat {
		out = newItemDefaults(out, fl, pointer+"/"+itoa(len(arr)))
	}
	return out
}

// RemoveItem removes the item at pointer ("/membri/1") and returns the new data.
func RemoveItem(data map[string]any, pointer string) map[string]any {
	out := copyData(data)
	DeletePointer(out, pointer)
	return out
}

// itoa formats an array index.
func itoa(i int) string { return strconv.Itoa(i) }
