package schemas

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// KnownFormats are the values "format" may take in a form schema: each has
// a validator and a message for citizens. Any other format would be an
// annotation the server never checks (a typo such as "codice-fiscal").
var KnownFormats = func() []string {
	out := []string{"email", "date", "time", "date-time", "uri"}
	for _, f := range formFormats {
		if !slices.Contains(out, f.Name) {
			out = append(out, f.Name)
		}
	}
	sort.Strings(out)
	return out
}()

// checkFormats reports every "format" of the schema that is not known.
func checkFormats(doc *schemaDoc, lint map[string]string) {
	walkSchema(doc.root, "", func(m map[string]any, ptr string) {
		f, ok := m["format"].(string)
		if ok && !slices.Contains(KnownFormats, f) {
			lint["/schema"+joinPointer(ptr, "format")] = fmt.Sprintf("unknown format %q; known: %s",
				f, strings.Join(KnownFormats, ", "))
		}
	})
}

// checkDefaults reports a default that its own property would refuse (the
// draft would start with an answer the citizen must correct) and a
// required read-only field without a fixed value (const or default),
// which no one could ever answer.
func (c *compiled) checkDefaults(lint map[string]string) {
	for _, f := range c.fields {
		ptr := "/schema" + f.schemaPtr
		if f.ReadOnly && f.Required {
			if _, ok := f.fixedValue(); !ok {
				lint[ptr] = `is required and readOnly: give it a "const" or a "default", as citizens cannot type an answer`
			}
		}
		if f.Default == nil || f.Kind == KindFile || f.Kind == KindAppointment {
			continue
		}
		sch, err := c.schemaAt(f.schemaPtr)
		if err != nil {
			continue // reported by the schema's own compilation
		}
		if err := sch.Validate(f.Default); err != nil {
			why := map[string]string{}
			var verr *jsonschema.ValidationError
			if errors.As(err, &verr) {
				collectMetaErrors(verr, why)
			}
			lint[joinPointer(ptr, "default")] = "is not a valid answer for this field: " + firstMessage(why)
		}
	}
}

// firstMessage returns the message of the smallest pointer in m.
func firstMessage(m map[string]string) string {
	keys := sortedKeys(m)
	if len(keys) == 0 {
		return "it does not match the field's schema"
	}
	return m[keys[0]]
}

// checkMarkdownEntries reports "help" on the informative paragraphs of
// ui.fields that are not schema properties: it would never be shown.
func checkMarkdownEntries(def *Definition, top map[string]*Field, lint map[string]string) {
	for _, key := range sortedKeys(def.UI.Fields) {
		if u := def.UI.Fields[key]; u.Widget == "markdown" && u.Help != "" && top[key] == nil {
			lint[joinPointer("/ui/fields", key, "help")] = `is not shown on a markdown paragraph: put the text in "text"`
		}
	}
}

// subschemaMaps and subschemaLists are the keywords whose values hold
// schemas by name and by position; subschemaOne hold one schema.
var (
	subschemaMaps  = []string{"properties", "patternProperties", "$defs", "dependentSchemas"}
	subschemaLists = []string{"allOf", "anyOf", "oneOf", "prefixItems"}
	subschemaOne   = []string{"items", "additionalProperties", "not", "if", "then", "else", "contains",
		"propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema"}
)

// dependentAsConditions returns a copy of the schema v in which every
// dependentRequired and dependentSchemas entry is written as a condition
// that holds when its property is given and not false (see triggered):
// {"if": {"properties": {x: {"not": {"const": false}}}, "required": [x]},
// "then": ...} added to allOf. It reports whether anything changed. Only
// the schema validated against answers uses it: pointers in errors about
// the definition keep referring to the document as written.
func dependentAsConditions(v any) (any, bool) {
	changed := false
	var walk func(v any) any
	walk = func(v any) any {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := make(map[string]any, len(m))
		for k, x := range m {
			out[k] = x
		}
		for _, kw := range subschemaMaps {
			if sub, ok := m[kw].(map[string]any); ok {
				cp := make(map[string]any, len(sub))
				for name, s := range sub {
					cp[name] = walk(s)
				}
				out[kw] = cp
			}
		}
		for _, kw := range subschemaLists {
			if list, ok := m[kw].([]any); ok {
				cp := make([]any, len(list))
				for i, s := range list {
					cp[i] = walk(s)
				}
				out[kw] = cp
			}
		}
		for _, kw := range subschemaOne {
			if s, ok := m[kw]; ok {
				out[kw] = walk(s)
			}
		}
		var conds []any
		when := func(x string, then any) {
			conds = append(conds, map[string]any{
				"if": map[string]any{"properties": map[string]any{x: map[string]any{"not": map[string]any{"const": false}}},
					"required": []any{x}},
				"then": then,
			})
		}
		if deps, ok := out["dependentSchemas"].(map[string]any); ok {
			for _, x := range sortedKeys(deps) {
				when(x, deps[x])
			}
			delete(out, "dependentSchemas")
		}
		if deps, ok := out["dependentRequired"].(map[string]any); ok {
			for _, x := range sortedKeys(deps) {
				when(x, map[string]any{"required": deps[x]})
			}
			delete(out, "dependentRequired")
		}
		if len(conds) > 0 {
			changed = true
			list, _ := out["allOf"].([]any)
			out["allOf"] = append(append([]any{}, list...), conds...)
		}
		return out
	}
	out := walk(v)
	return out, changed
}
