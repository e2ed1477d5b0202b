package schemas

import (
	"encoding/json"
	"fmt"
	"strings"
)

// propDef collects everything the schema says about one property of an
// object, across unconditional properties and conditional branches.
type propDef struct {
	name        string
	n           node
	schemaPtr   string
	conditional bool // declared in a branch (or dependentRequired)
	branchOnly  bool // declared only inside branches
	triggers    []Trigger
	complexCond bool // some branch condition is not expressible as triggers
	required    bool
}

// condCtx is the condition under which a part of the schema applies.
type condCtx struct {
	active   bool // false at the unconditional level
	triggers []Trigger
	complex  bool
}

// with returns the context extended by more triggers (or made complex).
func (c condCtx) with(t []Trigger, complexCond bool) condCtx {
	out := condCtx{active: true, complex: c.complex || complexCond}
	out.triggers = append(append([]Trigger{}, c.triggers...), t...)
	return out
}

// objectProps gathers the properties of the object schema n, whose fields
// have JSON pointers below base, in document order.
type objectProps struct {
	doc   *schemaDoc
	base  string
	list  []*propDef
	byKey map[string]*propDef
	// required and depRequired are applied once every declaration is known.
	required    map[string]bool
	depRequired map[string]bool
}

func (d *schemaDoc) collectProps(n node, base string) []*propDef {
	op := &objectProps{doc: d, base: base, byKey: map[string]*propDef{},
		required: map[string]bool{}, depRequired: map[string]bool{}}
	op.visit(n, condCtx{}, 0)
	for _, p := range op.list {
		p.required = op.required[p.name]
		p.conditional = p.conditional || op.depRequired[p.name]
	}
	return op.list
}

// visit walks an object schema and its branches.
func (op *objectProps) visit(n node, cond condCtx, depth int) {
	if depth > maxRefDepth {
		return
	}
	if props := n.obj("properties"); props != nil {
		pp := n.at("properties")
		for _, name := range op.doc.keys(props, pp) {
			sp := joinPointer(pp, name)
			op.add(name, op.doc.resolve(props[name], sp), sp, cond)
		}
	}
	if !cond.active {
		for _, r := range n.arr("required") {
			if s, ok := r.(string); ok {
				op.required[s] = true
			}
		}
	}
	for i, sub := range n.arr("allOf") {
		sp := n.at("allOf") + "/" + itoa(i)
		op.visit(op.doc.resolve(sub, sp), cond, depth+1)
	}
	if _, ok := n.m["if"]; ok {
		t, simple := op.triggers(op.doc.resolve(n.m["if"], n.at("if")))
		if th, ok := n.m["then"]; ok {
			op.visit(op.doc.resolve(th, n.at("then")), cond.with(t, !simple), depth+1)
		}
		if el, ok := n.m["else"]; ok {
			neg := negate(t)
			op.visit(op.doc.resolve(el, n.at("else")), cond.with(neg, !simple || neg == nil), depth+1)
		}
	}
	if deps := n.obj("dependentSchemas"); deps != nil {
		dp := n.at("dependentSchemas")
		for _, x := range op.doc.keys(deps, dp) {
			t := []Trigger{{Pointer: joinPointer(op.base, x)}}
			op.visit(op.doc.resolve(deps[x], joinPointer(dp, x)), cond.with(t, false), depth+1)
		}
	}
	for _, list := range n.obj("dependentRequired") {
		arr, _ := list.([]any)
		for _, r := range arr {
			if s, ok := r.(string); ok {
				op.depRequired[s] = true
			}
		}
	}
}

// add records one declaration of a property.
func (op *objectProps) add(name string, n node, sp string, cond condCtx) {
	p := op.byKey[name]
	if p == nil {
		p = &propDef{name: name, n: n, schemaPtr: sp, branchOnly: true}
		op.byKey[name] = p
		op.list = append(op.list, p)
		if cond.active {
			p.triggers, p.complexCond = cond.triggers, cond.complex
		}
	} else {
		p.n = p.n.merge(n)
		if cond.active && p.branchOnly && !sameTriggers(p.triggers, cond.triggers) {
			p.complexCond = true // shown under several different conditions
		}
	}
	if cond.active {
		p.conditional = true
		p.complexCond = p.complexCond || cond.complex
	} else {
		p.branchOnly = false
	}
}

// triggers reads a simple "if": properties {x: {const: v}} or {x: {enum:
// [...]}} with every such x required. It reports false for anything else.
func (op *objectProps) triggers(ifn node) ([]Trigger, bool) {
	required := map[string]bool{}
	for _, r := range ifn.arr("required") {
		if s, ok := r.(string); ok {
			required[s] = true
		}
	}
	for k := range ifn.m {
		switch k {
		case "properties", "required", "title", "description", "$comment":
		default:
			return nil, false
		}
	}
	props := ifn.obj("properties")
	var out []Trigger
	for _, x := range op.doc.keys(props, ifn.at("properties")) {
		pn := op.doc.resolve(props[x], joinPointer(ifn.at("properties"), x))
		if !required[x] || len(pn.m) != 1 {
			return nil, false
		}
		t := Trigger{Pointer: joinPointer(op.base, x)}
		if c, ok := pn.m["const"]; ok {
			t.Values = []string{postedString(c)}
		} else if e := pn.arr("enum"); e != nil {
			for _, v := range e {
				t.Values = append(t.Values, postedString(v))
			}
		} else {
			return nil, false
		}
		out = append(out, t)
	}
	return out, len(out) > 0
}

// negate returns the negation of a single trigger, or nil when the
// negation of a conjunction cannot be written as triggers.
func negate(t []Trigger) []Trigger {
	if len(t) != 1 {
		return nil
	}
	n := t[0]
	n.Negate = !n.Negate
	return []Trigger{n}
}

// sameTriggers compares two trigger lists.
func sameTriggers(a, b []Trigger) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// postedString is how an HTML control posts value v.
func postedString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}
