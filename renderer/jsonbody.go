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
// maxJSONDepth levels, without duplicate keys. A document that cannot be
// read is a 400 whose message names the reason in the reader's language.
func decodeJSONObject(body []byte, lang string) (map[string]any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest(msg.T(lang, "api.empty"))
	}
	// encoding/json silently turns invalid UTF-8 into U+FFFD; NUL has no
	// place in an answer and breaks downstream systems.
	if !utf8.Valid(body) {
		return nil, badRequest(msg.T(lang, "api.encoding"))
	}
	var bad *jsonReadError
	if err := checkJSON(body); errors.Is(err, errTooManyValues) {
		return nil, modulario.Errorf(modulario.ETOOLARGE, "%s", msg.T(lang, "api.too_many", maxJSONValues))
	} else if errors.As(err, &bad) {
		return nil, badRequest(msg.T(lang, bad.key, bad.args...))
	} else if err != nil {
		return nil, badRequest(msg.T(lang, "api.malformed"))
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, badRequest(msg.T(lang, "api.malformed"))
	}
	if hasNUL(v) {
		return nil, badRequest(msg.T(lang, "api.encoding"))
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest(msg.T(lang, "api.not_object"))
	}
	return obj, nil
}

// jsonReadError is why checkJSON cannot read a document: a key of the
// catalogue and its arguments.
type jsonReadError struct {
	key  string
	args []any
}

// Error implements error, in English for logs.
func (e *jsonReadError) Error() string { return msg.T("en", e.key, e.args...) }

// maxQuoted bounds the runes of a key or number quoted back to the client.
const maxQuoted = 40

// quoteBack returns s for a message, shortened to maxQuoted runes.
func quoteBack(s string) string {
	if r := []rune(s); len(r) > maxQuoted {
		return string(r[:maxQuoted]) + "…"
	}
	return s
}

// syntaxError locates the first syntax error of body as line and column
// (in characters, from 1). Decoder.Token reports offsets that vary with the
// kind of token, so the position comes from encoding/json's scanner.
func syntaxError(body []byte) *jsonReadError {
	var se *json.SyntaxError
	if !errors.As(json.Unmarshal(body, new(json.RawMessage)), &se) {
		return &jsonReadError{key: "api.malformed"}
	}
	before := body[:min(se.Offset, int64(len(body)))]
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	line := bytes.Count(before, []byte("\n")) + 1
	return &jsonReadError{key: "api.syntax", args: []any{line, utf8.RuneCount(before[lineStart:])}}
}

// tokenError turns an error of Decoder.Token into a jsonReadError.
func tokenError(body []byte, err error, stack []*jsonFrame, values int) error {
	var numErr *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return &jsonReadError{key: "api.incomplete"}
	case len(stack) == 0 && values > 0:
		return &jsonReadError{key: "api.trailing"}
	case errors.As(err, &numErr):
		return &jsonReadError{key: "api.number_range", args: []any{quoteBack(strings.TrimPrefix(numErr.Value, "number "))}}
	}
	return syntaxError(body)
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
// documents of more than maxJSONValues values (errTooManyValues). Any other
// error is a *jsonReadError.
func checkJSON(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	var stack []*jsonFrame
	values, total := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF && len(stack) == 0 {
			return nil
		} else if err != nil {
			return tokenError(body, err, stack, values)
		}
		if len(stack) == 0 {
			if values++; values > 1 {
				return &jsonReadError{key: "api.trailing"}
			}
		}
		if top := last(stack); top != nil && top.object && top.expectKey {
			if tok == json.Delim('}') {
				stack = closeFrame(stack)
				continue
			}
			key, _ := tok.(string)
			if top.keys[key] {
				return &jsonReadError{key: "api.duplicate_key", args: []any{quoteBack(key)}}
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
				return &jsonReadError{key: "api.too_deep", args: []any{maxJSONDepth}}
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

func jsonMarshal(v any) (json.RawMessage, error) { return json.Marshal(v) }

// jsonEncode writes v as JSON.
func jsonEncode(w http.ResponseWriter, v any) error { return json.NewEncoder(w).Encode(v) }
