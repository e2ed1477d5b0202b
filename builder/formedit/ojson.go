package formedit

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// object is a JSON object that remembers the order of its keys, so a
// document read and written back keeps the layout people wrote.
type object struct {
	keys []string
	vals map[string]any
}

// newObject returns an empty object.
func newObject() *object { return &object{vals: map[string]any{}} }

// objectOf builds an object from alternating keys and values.
func objectOf(kv ...any) *object {
	o := newObject()
	for i := 0; i+1 < len(kv); i += 2 {
		o.set(kv[i].(string), kv[i+1])
	}
	return o
}

// has reports whether key k is present.
func (o *object) has(k string) bool {
	if o == nil {
		return false
	}
	_, ok := o.vals[k]
	return ok
}

// get returns the value of k, or nil.
func (o *object) get(k string) any {
	if o == nil {
		return nil
	}
	return o.vals[k]
}

// set sets k, appending it when new.
func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

// setOrDel sets k to v, or deletes k when empty is true.
func (o *object) setOrDel(k string, v any, empty bool) {
	if empty {
		o.del(k)
		return
	}
	o.set(k, v)
}

// del removes k.
func (o *object) del(k string) {
	if !o.has(k) {
		return
	}
	delete(o.vals, k)
	for i, x := range o.keys {
		if x == k {
			o.keys = append(o.keys[:i:i], o.keys[i+1:]...)
			break
		}
	}
}

// obj returns the object at k, or nil.
func (o *object) obj(k string) *object {
	v, _ := o.get(k).(*object)
	return v
}

// ensure returns the object at k, creating it when missing.
func (o *object) ensure(k string) *object {
	if v := o.obj(k); v != nil {
		return v
	}
	v := newObject()
	o.set(k, v)
	return v
}

// str returns the string at k, or "".
func (o *object) str(k string) string {
	s, _ := o.get(k).(string)
	return s
}

// arr returns the array at k, or nil.
func (o *object) arr(k string) []any {
	a, _ := o.get(k).([]any)
	return a
}

// strings returns the strings of the array at k.
func (o *object) strings(k string) []string {
	var out []string
	for _, x := range o.arr(k) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// decodeOrdered decodes one JSON value keeping key order and numbers.
func decodeOrdered(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

// decodeValue reads the next value from dec.
func decodeValue(dec *json.Decoder, depth int) (any, error) {
	if depth > 80 {
		return nil, errors.New("the document nests too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			arr := []any{}
			for dec.More() {
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := dec.Token()
			return arr, err
		}
		o := newObject()
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			o.set(kt.(string), v)
		}
		_, err := dec.Token()
		return o, err
	}
	return tok, nil
}

// encodeOrdered writes v indented by two spaces, like json.MarshalIndent
// but without HTML escaping and with object keys in their order.
func encodeOrdered(v any) []byte {
	var b bytes.Buffer
	writeValue(&b, v, 0)
	b.WriteByte('\n')
	return b.Bytes()
}

func writeValue(b *bytes.Buffer, v any, depth int) {
	pad := func(d int) { b.WriteString("\n" + strings.Repeat("  ", d)) }
	switch t := v.(type) {
	case *object:
		if t == nil || len(t.keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			pad(depth + 1)
			writeString(b, k)
			b.WriteString(": ")
			writeValue(b, t.vals[k], depth+1)
		}
		pad(depth)
		b.WriteByte('}')
	case []any:
		if len(t) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, x := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			pad(depth + 1)
			writeValue(b, x, depth+1)
		}
		pad(depth)
		b.WriteByte(']')
	case string:
		writeString(b, t)
	default:
		raw, err := json.Marshal(t)
		if err != nil {
			raw = []byte("null")
		}
		b.Write(raw)
	}
}

// writeString writes a JSON string without escaping <, > and &.
func writeString(b *bytes.Buffer, s string) {
	var sb bytes.Buffer
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Write(bytes.TrimRight(sb.Bytes(), "\n"))
}

// clone deep-copies an ordered value.
func clone(v any) any {
	switch t := v.(type) {
	case *object:
		if t == nil {
			return (*object)(nil)
		}
		o := &object{keys: append([]string(nil), t.keys...), vals: make(map[string]any, len(t.vals))}
		for k, x := range t.vals {
			o.vals[k] = clone(x)
		}
		return o
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = clone(x)
		}
		return out
	}
	return v
}

// equalValues compares two ordered values by their JSON encoding.
func equalValues(a, b any) bool {
	return bytes.Equal(encodeOrdered(a), encodeOrdered(b))
}

// plain converts an ordered value into plain Go JSON values
// (map[string]any, []any, string, float64, bool, nil).
func plain(v any) any {
	switch t := v.(type) {
	case *object:
		m := make(map[string]any, len(t.keys))
		for _, k := range t.keys {
			m[k] = plain(t.vals[k])
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = plain(x)
		}
		return out
	case json.Number:
		f, _ := t.Float64()
		return f
	}
	return v
}

// ks returns the keys of o (none for nil).
func (o *object) ks() []string {
	if o == nil {
		return nil
	}
	return o.keys
}
