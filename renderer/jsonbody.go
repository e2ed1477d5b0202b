package renderer

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/modulario/modulario"
)

// maxJSONDepth bounds the nesting of API documents.
const maxJSONDepth = 32

// maxJSONValues bounds the values (scalars, objects and arrays, not keys)
// of an API document, so validating it and listing its errors stays cheap.
const maxJSONValues = 10000

// errTooManyValues is checkJSON's answer to a document over maxJSONValues.
var errTooManyValues = errors.New("too many values")

// badRequestError is an EINVALID error answered with 400 rather than 422:
// the document could not be read at all.
type badRequestError struct{ Message string }

// Error implements error.
func (e *badRequestError) Error() string { return "bad request: " + e.Message }

// badRequest returns a badRequestError with detail for the reader.
func badRequest(detail string) error {
	return &badRequestError{Message: detail}
}

// decodeJSONObject parses an API document: one JSON object, nested at most
// maxJSONDepth levels, without duplicate keys.
func decodeJSONObject(body []byte, lang string) (map[string]any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest(msg.T(lang, "api.empty"))
	}
	if err := checkJSON(body); errors.Is(err, errTooManyValues) {
		return nil, modulario.Errorf(modulario.ETOOLARGE, "%s", msg.T(lang, "api.too_many", maxJSONValues))
	} else if err != nil {
		return nil, badRequest(msg.T(lang, "api.malformed", err.Error()))
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, badRequest(msg.T(lang, "api.malformed", err.Error()))
	}
	// encoding/json silently turns invalid UTF-8 into U+FFFD; NUL has no
	// place in an answer and breaks downstream systems.
	if !utf8.Valid(body) || hasNUL(v) {
		return nil, badRequest(msg.T(lang, "api.malformed", "invalid UTF-8 or NUL character"))
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest(msg.T(lang, "api.not_object"))
	}
	return obj, nil
}

// hasNUL reports whether a decoded document has a NUL in a key or string.
func hasNUL(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.ContainsRune(v, 0)
	case []any:
		for _, e := range v {
			if hasNUL(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range v {
			if strings.ContainsRune(k, 0) || hasNUL(e) {
				return true
			}
		}
	}
	return false
}

// jsonFrame is one open container while checking a document.
type jsonFrame struct {
	object    bool
	keys      map[string]bool
	expectKey bool
}

// checkJSON walks the tokens of a document, refusing deep nesting,
// duplicate keys and trailing data, which encoding/json would accept, and
// documents of more than maxJSONValues values (errTooManyValues).
func checkJSON(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	var stack []*jsonFrame
	values, total := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if len(stack) == 0 {
			if values++; values > 1 {
				return errors.New("trailing data after the document")
			}
		}
		if top := last(stack); top != nil && top.object && top.expectKey {
			if tok == json.Delim('}') {
				stack = closeFrame(stack)
				continue
			}
			key, _ := tok.(string)
			if top.keys[key] {
				return errors.New("duplicate key " + strconvQuote(key))
			}
			top.keys[key], top.expectKey = true, false
			continue
		}
		if d, ok := tok.(json.Delim); !ok || d == '{' || d == '[' {
			if total++; total > maxJSONValues {
				return errTooManyValues
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if len(stack) >= maxJSONDepth {
				return errors.New("document nested too deeply")
			}
			stack = append(stack, &jsonFrame{object: tok == json.Delim('{'), keys: map[string]bool{}, expectKey: true})
		case json.Delim('}'), json.Delim(']'):
			stack = closeFrame(stack)
		default:
			if top := last(stack); top != nil {
				top.expectKey = true
			}
		}
	}
}

func last(stack []*jsonFrame) *jsonFrame {
	if len(stack) == 0 {
		return nil
	}
	return stack[len(stack)-1]
}

// closeFrame pops a container; its parent object then expects a key.
func closeFrame(stack []*jsonFrame) []*jsonFrame {
	stack = stack[:len(stack)-1]
	if top := last(stack); top != nil {
		top.expectKey = true
	}
	return stack
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func jsonMarshal(v any) (json.RawMessage, error) { return json.Marshal(v) }

// jsonEncode writes v as JSON.
func jsonEncode(w http.ResponseWriter, v any) error { return json.NewEncoder(w).Encode(v) }
