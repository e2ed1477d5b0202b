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
	subs     map[string]*jsonschema.Schema // subschemas ("if", properties) by schema pointer

	rules []*Rule // compiled rules, in order
}

// Compile builds the field model and compiles the schema (refusing remote
// $ref). Returns *modulario.Error EINVALID with pointer errors: every
// check that can still run does, so errors of several kinds (a schema
// keyword, a step, a rule) are reported together.
//
// Compile also runs the authoring checks: definitions that would compile
// but cannot work as meant (a required name that is not a property, an
// unknown format, a widget that does not fit its field, an invalid
// default, ...). Versions stored before a check existed are loaded with
// LoadStored, which skips them.
func Compile(def *Definition) (*Form, error) {
	return compile(def, true)
}

// compile is Compile; strict adds the authoring checks' findings.
func compile(def *Definition, strict bool) (*Form, error) {
	doc, err := newSchemaDoc(def.Schema)
	if err != nil {
		return nil, prefixErrors(err, "/schema")
	}
	problems, lint := map[string]string{}, map[string]string{}
	c := &compiled{doc: doc, top: map[string]*Field{}, subs: map[string]*jsonschema.Schema{}}
	if badRefs := doc.checkRefs(problems); len(badRefs) > 0 {
		// The library would stop at the first bad reference, without a
		// pointer: check the rest of the schema without them.
		checkSchema(without(doc.root, badRefs), problems)
	} else {
		c.compileSchema(problems)
	}
	f := &Form{Def: def, c: c}
	f.Steps = c.buildSteps(def, problems, lint)
	f.compileRules(problems)
	checkFormats(doc, lint)
	if c.schema != nil {
		c.checkDefaults(lint)
	}
	if strict {
		for p, msg := range lint {
			if _, ok := problems[p]; !ok {
				problems[p] = msg
			}
		}
	}
	if len(problems) > 0 {
		return nil, invalid("The form definition is not valid.", problems)
	}
	return f, nil
}

// LoadStored is Load for a version that was accepted when it was saved:
// the authoring checks added since then do not stop it from loading.
func LoadStored(doc []byte) (*Form, error) {
	def, err := Parse(doc)
	if err != nil {
		return nil, err
	}
	return compile(def, false)
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
	for _, f := range formFormats {
		comp.RegisterFormat(f)
	}
	return comp
}

// checkSchema compiles root only to report its errors.
func checkSchema(root any, problems map[string]string) {
	_, _ = compileRoot(root, problems)
}

// compileRoot compiles a form schema, adding pointer errors to problems.
func compileRoot(root any, problems map[string]string) (*jsonschema.Compiler, *jsonschema.Schema) {
	comp := newFormCompiler()
	if err := comp.AddResource(formURL, root); err != nil {
		problems["/schema"] = err.Error()
		return nil, nil
	}
	sch, err := comp.Compile(formURL)
	if err != nil {
		schemaCompileError(err, problems)
		return nil, nil
	}
	return comp, sch
}

// compileSchema compiles the whole schema and every "if" subschema,
// adding pointer errors to problems.
func (c *compiled) compileSchema(problems map[string]string) {
	comp, sch := compileRoot(c.doc.root, problems)
	if sch == nil {
		return
	}
	c.schema, c.compiler = sch, comp
	for _, p := range ifPointers(c.doc.root) {
		if _, err := c.schemaAt(p); err != nil {
			problems["/schema"+p] = err.Error()
		}
	}
	// Answers are validated with dependent* written as conditions on a
	// given, non-false answer (the document's own pointers stay for
	// schemaAt and for errors about the definition).
	if rewritten, changed := dependentAsConditions(c.doc.root); changed {
		_, c.schema = compileRoot(rewritten, problems)
	}
}

// schemaAt returns the compiled subschema at schema pointer p, compiling
// it on first use with the same compiler (so $defs resolve).
func (c *compiled) schemaAt(p string) (*jsonschema.Schema, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.subs[p]; ok {
		return s, nil
	}
	s, err := c.compiler.Compile(formURL + "#" + (&url.URL{Fragment: p}).EscapedFragment())
	if err != nil {
		return nil, err
	}
	c.subs[p] = s
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
