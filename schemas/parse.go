package schemas

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/modulario/modulario"
)

// Limits that keep a hostile or broken document from exhausting memory.
const (
	// MaxDocumentSize is the largest form document accepted, in bytes.
	MaxDocumentSize = 1 << 20
	// MaxDepth is the deepest nesting of JSON objects and arrays accepted.
	MaxDepth = 64
	// DefaultMaxSize is the default size cap of a file field.
	DefaultMaxSize int64 = 10 << 20
)

//go:embed meta/form.schema.json
var metaFS embed.FS

const metaURL = "https://modulario.invalid/meta/form.schema.json"

var (
	metaOnce   sync.Once
	metaSchema *jsonschema.Schema
	metaErr    error
)

// formMetaSchema compiles the embedded meta-schema once.
func formMetaSchema() (*jsonschema.Schema, error) {
	metaOnce.Do(func() {
		raw, err := metaFS.ReadFile("meta/form.schema.json")
		if err != nil {
			metaErr = err
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			metaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.UseLoader(refuseLoader{})
		if metaErr = c.AddResource(metaURL, doc); metaErr != nil {
			return
		}
		metaSchema, metaErr = c.Compile(metaURL)
	})
	return metaSchema, metaErr
}

// refuseLoader refuses every external reference: form schemas may only use
// internal "#/$defs/..." references.
type refuseLoader struct{}

// Load implements jsonschema.URLLoader.
func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("external reference %q is not allowed", url)
}

// Parse validates doc against the embedded meta-schema and decodes it.
// Errors are *modulario.Error EINVALID whose Fields map each offending JSON
// pointer of the document to an English sentence; every error is reported.
func Parse(doc []byte) (*Definition, error) {
	v, err := decodeJSON(doc)
	if err != nil {
		return nil, err
	}
	meta, err := formMetaSchema()
	if err != nil {
		return nil, &modulario.Error{Code: modulario.EINTERNAL, Message: "Meta-schema unavailable.", Err: err}
	}
	fields := map[string]string{}
	if err := meta.Validate(v); err != nil {
		var verr *jsonschema.ValidationError
		if !errors.As(err, &verr) {
			return nil, invalid("The form definition is not valid.", map[string]string{"": err.Error()})
		}
		collectMetaErrors(verr, fields)
	}
	if obj, ok := v.(map[string]any); ok {
		checkPropertyNames(obj["schema"], "/schema", fields)
	}
	if len(fields) > 0 {
		addCompileErrors(doc, v, fields)
		return nil, invalid("The form definition is not valid.", fields)
	}
	var def Definition
	if err := json.Unmarshal(doc, &def); err != nil {
		return nil, invalid("The form definition is not valid.", map[string]string{"": err.Error()})
	}
	return &def, nil
}

// addCompileErrors adds to the meta-schema's errors those Compile finds in
// what could be decoded, so that one round lists errors of every kind (a
// bad slug, a schema keyword, a field in no step). Where both report the
// same pointer, the meta-schema's sentence is kept.
func addCompileErrors(doc []byte, v any, fields map[string]string) {
	obj, ok := v.(map[string]any)
	if !ok || obj["schema"] == nil {
		return
	}
	var def Definition
	// Values of the wrong type are skipped; the rest is decoded.
	_ = json.Unmarshal(doc, &def)
	_, err := Compile(&def)
	var me *modulario.Error
	if !errors.As(err, &me) {
		return
	}
	for p, msg := range me.Fields {
		if _, dup := fields[p]; dup || strings.HasPrefix(msg, "json: ") && explainedBelow(p, fields) {
			continue
		}
		fields[p] = msg
	}
}

// explainedBelow reports whether fields has an error below pointer p: the
// meta-schema's sentence about the value that kept p from being decoded.
func explainedBelow(p string, fields map[string]string) bool {
	for q := range fields {
		if strings.HasPrefix(q, p+"/") {
			return true
		}
	}
	return false
}

// Load is Parse followed by Compile.
func Load(doc []byte) (*Form, error) {
	def, err := Parse(doc)
	if err != nil {
		return nil, err
	}
	return Compile(def)
}

// invalid builds an EINVALID error with per-pointer messages.
func invalid(msg string, fields map[string]string) *modulario.Error {
	return &modulario.Error{Code: modulario.EINVALID, Message: msg, Fields: fields}
}

// decodeJSON checks size and depth, then decodes doc with json.Number
// numbers, reporting syntax errors with their line, column and byte offset.
func decodeJSON(doc []byte) (any, error) {
	if len(doc) > MaxDocumentSize {
		return nil, invalid(fmt.Sprintf("The document is larger than %d bytes.", MaxDocumentSize),
			map[string]string{"": "is too large"})
	}
	if !utf8.Valid(doc) { // encoding/json would turn bad bytes into U+FFFD silently
		return nil, invalid("The document is not valid UTF-8.", map[string]string{"": "is not valid UTF-8"})
	}
	if d := jsonDepth(doc); d > MaxDepth {
		return nil, invalid(fmt.Sprintf("The document nests deeper than %d levels.", MaxDepth),
			map[string]string{"": "is nested too deeply"})
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil && dec.More() {
		err = fmt.Errorf("unexpected data after the JSON value at byte %d", dec.InputOffset())
	}
	if err != nil {
		offset := dec.InputOffset()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			offset = se.Offset
		}
		line, col := lineCol(doc, offset)
		msg := fmt.Sprintf("malformed JSON at line %d, column %d (byte %d): %v", line, col, offset, err)
		return nil, invalid("The document is not valid JSON.", map[string]string{"": msg})
	}
	return v, nil
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(doc []byte, offset int64) (int, int) {
	if offset > int64(len(doc)) {
		offset = int64(len(doc))
	}
	before := doc[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// jsonDepth returns the maximum nesting of objects and arrays in doc,
// ignoring brackets inside strings. It stops early past MaxDepth.
func jsonDepth(doc []byte) int {
	depth, maxDepth, inString, escaped := 0, 0, false, false
	for _, c := range doc {
		switch {
		case inString:
			if escaped {
				escaped = false
			} else if c == '\\' {
				escaped = true
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > maxDepth {
				maxDepth = depth
			}
			if maxDepth > MaxDepth {
				return maxDepth
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return maxDepth
}
