package schemas_test

import (
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// The fuzz targets below run their seed corpus (f.Add plus
// testdata/fuzz/<Target>/) on every plain `go test`; `make fuzz` runs each
// one with -fuzz for FUZZTIME.

// pointerRE is a JSON pointer: empty, or "/"-separated tokens.
var pointerRE = regexp.MustCompile(`^(/[^/]*)*$`)

// checkDefinitionError fails unless err is an EINVALID *modulario.Error
// whose every problem is keyed by a JSON pointer and has a message.
func checkDefinitionError(t *testing.T, err error) {
	t.Helper()
	var e *modulario.Error
	if !errors.As(err, &e) {
		t.Fatalf("error is %T (%v), want *modulario.Error", err, err)
	}
	if e.Code != modulario.EINVALID || e.Message == "" {
		t.Fatalf("error code %q message %q, want EINVALID with a message", e.Code, e.Message)
	}
	for ptr, m := range e.Fields {
		if !pointerRE.MatchString(ptr) {
			t.Fatalf("problem key %q is not a JSON pointer", ptr)
		}
		if strings.TrimSpace(m) == "" {
			t.Fatalf("problem at %q has no message", ptr)
		}
	}
}

func readSeed(f *testing.F, path string) []byte {
	f.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// FuzzParseDefinition feeds whole documents to Parse and Compile: they
// never panic, and every refusal is EINVALID with JSON-pointer problems.
func FuzzParseDefinition(f *testing.F) {
	f.Add(readSeed(f, "testdata/segnalazione.json"))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"slug":"a","title":"T","privacy":"p","schema":{"type":"object","properties":{"x":{"$ref":"#/properties/x"}}},"ui":{}}`))
	f.Add([]byte(`{"slug":"a","title":"T","privacy":"p","schema":{"$ref":"http://169.254.169.254/"},"ui":{}}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]`))
	f.Add([]byte("{\"slug\":\"\xff\xfe\",\"title\":\"\x00\"}"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		def, err := schemas.Parse(doc)
		if err != nil {
			checkDefinitionError(t, err)
			return
		}
		form, err := schemas.Compile(def)
		if err != nil {
			checkDefinitionError(t, err)
			return
		}
		if form.Def != def {
			t.Fatal("compiled form lost its definition")
		}
	})
}

// definitionWith wraps a schema and steps in an otherwise valid definition.
func definitionWith(schema, steps []byte) []byte {
	return []byte(`{"slug":"fuzz","title":"Fuzz","privacy":"Informativa.","schema":` + string(schema) +
		`,"ui":{"steps":` + string(steps) + `}}`)
}

// FuzzFieldModel compiles arbitrary schemas and step lists and checks the
// field model's invariants: every field sits in a real step, pointers
// resolve back to their field, and evaluating, pruning, validating and
// summarising any answers never panics.
func FuzzFieldModel(f *testing.F) {
	f.Add([]byte(`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer","minimum":1}},"required":["a"]}`),
		[]byte(`[{"title":"Uno","fields":["a","b"]}]`), []byte(`{"a":"x","b":2}`))
	f.Add([]byte(`{"type":"object","properties":{"t":{"enum":["x","y"]},"g":{"type":"object","properties":{"c":{"type":"string","format":"cap"}}},"r":{"type":"array","items":{"type":"object","properties":{"n":{"type":"string"}}}}},"allOf":[{"if":{"properties":{"t":{"const":"x"}},"required":["t"]},"then":{"properties":{"s":{"type":"string"}},"required":["s"]}}]}`),
		[]byte(`[{"title":"Uno","fields":["t","s"]},{"title":"Due","fields":["g","r"]}]`), []byte(`{"t":"x","g":{"c":"00100"},"r":[{"n":"a"},{}]}`))
	f.Add([]byte(`{"type":"object","properties":{"d":{"type":"string","format":"date"},"m":{"type":"array","items":{"enum":[1,2,true]},"uniqueItems":true}},"dependentRequired":{"d":["m"]}}`),
		[]byte(`[{"title":"Uno","fields":["d","m"]}]`), []byte(`{"d":"2026-02-30","m":[1,1]}`))
	f.Add([]byte(`{"$defs":{"x":{"$ref":"#/$defs/x"}},"type":"object","properties":{"a":{"$ref":"#/$defs/x"}}}`),
		[]byte(`[{"title":"Uno","fields":["a"]}]`), []byte(`{"a":[[[[]]]]}`))
	f.Fuzz(fieldModelIteration)
}

// fieldModelIteration is one FuzzFieldModel iteration.
func fieldModelIteration(t *testing.T, schema, steps, answers []byte) {
	{
		def, err := schemas.Parse(definitionWith(schema, steps))
		if err != nil {
			checkDefinitionError(t, err)
			return
		}
		form, err := schemas.Compile(def)
		if err != nil {
			checkDefinitionError(t, err)
			return
		}
		for i, st := range form.Steps {
			if st.Number != i+1 {
				t.Fatalf("step %d numbered %d", i+1, st.Number)
			}
			for _, fl := range st.Fields {
				if fl.Step != st.Number {
					t.Fatalf("field %q of step %d says step %d", fl.Pointer, st.Number, fl.Step)
				}
				if got := form.FieldAt(fl.Pointer); got == nil || got.Pointer != fl.Pointer {
					t.Fatalf("FieldAt(%q) = %v", fl.Pointer, got)
				}
			}
		}
		var data map[string]any
		if json.Unmarshal(answers, &data) != nil || data == nil {
			data = map[string]any{}
		}
		st := form.Evaluate(data)
		for _, fl := range form.Fields() {
			st.Visible(fl.Pointer)
			st.Required(fl.Pointer)
		}
		pruned := form.Prune(data)
		for _, e := range form.Validate(pruned, "it") {
			if !pointerRE.MatchString(e.Pointer) || e.Message == "" {
				t.Fatalf("validation error %+v lacks a pointer or a message", e)
			}
		}
		form.Summary(pruned, "it", nil)
	}
}

// TestRecursiveSchemaRefused pins what FuzzFieldModel found: a $ref back to
// the root once made the field model grow until memory ran out.
func TestRecursiveSchemaRefused(t *testing.T) {
	wide := `{"type":"object","properties":{"a":{"$ref":"#"},"b":{"$ref":"#"},"c":{"$ref":"#"},"d":{"$ref":"#"},"e":{"$ref":"#"},"f":{"$ref":"#"}}}`
	for _, schema := range []string{
		`{"$defs":{"x":{"$ref":"#"}},"type":"object","properties":{"a":{"$ref":"#/$defs/x"}}}`,
		`{"type":"object","properties":{"a":{"type":"array","items":{"$ref":"#"}}}}`,
		wide,
	} {
		done := make(chan error, 1)
		go func() {
			_, err := schemas.Load(definitionWith([]byte(schema), []byte(`[{"title":"Uno","fields":["a"]}]`)))
			done <- err
		}()
		select {
		case err := <-done:
			checkDefinitionError(t, err)
			var e *modulario.Error
			errors.As(err, &e)
			if !strings.Contains(e.Fields["/schema"], "recursive") {
				t.Fatalf("%s: problems %v, want one at /schema about recursion", schema, e.Fields)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: compiling did not finish in 10 s", schema)
		}
	}
}
