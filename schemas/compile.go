package schemas

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/modulario/modulario"
)

// formURL is the base URI the form schema is compiled under.
const formURL = "https://modulario.invalid/form.schema.json"

// compiled holds what Compile derives from the schema.
type compiled struct {
	doc    *schemaDoc
	schema *jsonschema.Schema
	fields []*Field          // depth-first, in step order
	top    map[string]*Field // top-level fields by name

	mu       sync.Mutex
	compiler *jsonschema.Compiler
	ifs      map[string]*jsonschema.Schema // "if" subschemas by schema pointer

	rules []*Rule // compiled rules, in order
}

// Compile builds the field model and compiles the schema (refusing remote
// $ref). Returns *modulario.Error EINVALID with pointer errors.
func Compile(def *Definition) (*Form, error) {
	doc, err := newSchemaDoc(def.Schema)
	if err != nil {
		return nil, prefixErrors(err, "/schema")
	}
	problems := map[string]string{}
	for _, p := range externalRefs(doc.root) {
		problems["/schema"+p] = "must be an internal reference such as #/$defs/name"
	}
	if len(problems) > 0 {
		return nil, invalid("The form schema is not valid.", problems)
	}
	c := &compiled{doc: doc, top: map[string]*Field{}, ifs: map[string]*jsonschema.Schema{}}
	if err := c.compileSchema(problems); err != nil {
		return nil, err
	}
	f := &Form{Def: def, c: c}
	f.Steps = c.buildSteps(def, problems)
	f.compileRules(problems)
	if len(problems) > 0 {
		return nil, invalid("The form definition is not valid.", problems)
	}
	return f, nil
}

// newFormCompiler returns a compiler for form schemas and rule conditions:
// draft 2020-12, formats asserted (the Italian ones included), and every
// remote or file $ref refused. One place, so a rule's "when" checks formats
// exactly as the form does.
func newFormCompiler() *jsonschema.Compiler {
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft2020)
	comp.AssertFormat()
	comp.UseLoader(refuseLoader{})
	for _, f := range italianFormats {
		comp.RegisterFormat(f)
	}
	return comp
}

// compileSchema compiles the whole schema and every "if" subschema.
func (c *compiled) compileSchema(problems map[string]string) error {
	comp := newFormCompiler()
	if err := comp.AddResource(formURL, c.doc.root); err != nil {
		problems["/schema"] = err.Error()
		return invalid("The form schema is not valid.", problems)
	}
	sch, err := comp.Compile(formURL)
	if err != nil {
		schemaCompileError(err, problems)
		return invalid("The form schema is not valid.", problems)
	}
	c.schema, c.compiler = sch, comp
	for _, p := range ifPointers(c.doc.root) {
		if _, err := c.ifSchema(p); err != nil {
			problems["/schema"+p] = err.Error()
		}
	}
	if len(problems) > 0 {
		return invalid("The form schema is not valid.", problems)
	}
	return nil
}

// ifSchema returns the compiled subschema at schema pointer p, compiling
// it on first use with the same compiler (so $defs resolve).
func (c *compiled) ifSchema(p string) (*jsonschema.Schema, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.ifs[p]; ok {
		return s, nil
	}
	s, err := c.compiler.Compile(formURL + "#" + (&url.URL{Fragment: p}).EscapedFragment())
	if err != nil {
		return nil, err
	}
	c.ifs[p] = s
	return s, nil
}

// schemaCompileError turns a library compile error into pointer errors.
func schemaCompileError(err error, problems map[string]string) {
	var sve *jsonschema.SchemaValidationError
	var verr *jsonschema.ValidationError
	if errors.As(err, &sve) && errors.As(sve.Err, &verr) {
		inner := map[string]string{}
		collectMetaErrors(verr, inner)
		for p, m := range inner {
			problems["/schema"+p] = m
		}
		return
	}
	var re *jsonschema.InvalidRegexError
	if errors.As(err, &re) {
		problems["/schema"+fragmentOf(re.URL)] = fmt.Sprintf("has an invalid regular expression %q", re.Regex)
		return
	}
	problems["/schema"] = err.Error()
}

// fragmentOf returns the JSON pointer in the fragment of a schema URL.
func fragmentOf(u string) string {
	if pu, err := url.Parse(u); err == nil {
		return pu.Fragment
	}
	return ""
}

// prefixErrors prefixes the pointers of an EINVALID error.
func prefixErrors(err error, prefix string) error {
	var me *modulario.Error
	if !errors.As(err, &me) || me.Fields == nil {
		return err
	}
	out := map[string]string{}
	for p, msg := range me.Fields {
		out[prefix+p] = msg
	}
	return invalid(me.Message, out)
}

// Fields returns every field of every step, depth-first, in order.
func (f *Form) Fields() []*Field { return f.c.fields }

// FieldAt returns the field answering the JSON pointer (indices of repeat
// items are allowed: "/membri/2/nome"), or nil. The pointer of a repeat
// item ("/membri/2") gives the repeat field.
func (f *Form) FieldAt(pointer string) *Field {
	toks := splitPointer(pointer)
	if len(toks) == 0 {
		return nil
	}
	cur := f.c.top[toks[0]]
	for i := 1; cur != nil && i < len(toks); i++ {
		if cur.Kind == KindRepeat {
			if _, ok := arrayIndex(toks[i]); !ok {
				return nil
			}
			if i++; i == len(toks) {
				return cur
			}
		}
		cur = childNamed(cur.Children, toks[i])
	}
	return cur
}

// childNamed finds a field by name among children.
func childNamed(children []*Field, name string) *Field {
	for _, c := range children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// StepOf returns the step number of the field answering pointer, or 0.
func (f *Form) StepOf(pointer string) int {
	if fl := f.FieldAt(pointer); fl != nil {
		return fl.Step
	}
	return 0
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
