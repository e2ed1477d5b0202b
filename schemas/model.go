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
	// requiredWhenShown: a branch with the same triggers requires it.
	requiredWhenShown bool
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
	// names are the property names the object's keywords refer to
	// (required, dependentRequired, ...), checked once all are declared.
	names []nameRef
	// branchRequired are the names required inside conditional branches,
	// with the branch's condition.
	branchRequired []condRequired
}

// condRequired is a property name required under a branch condition.
type condRequired struct {
	name string
	cond condCtx
}

// nameRef is a property name written at schema pointer ptr.
type nameRef struct{ name, ptr string }

// collectProps returns the properties of the object schema n. When lint is
// not nil it also reports the names its keywords refer to that no
// property declares (such a required answer could never be given).
func (d *schemaDoc) collectProps(n node, base string, lint map[string]string) []*propDef {
	op := &objectProps{doc: d, base: base, byKey: map[string]*propDef{},
		required: map[string]bool{}, depRequired: map[string]bool{}}
	op.visit(n, condCtx{}, 0)
	for _, p := range op.list {
		p.required = op.required[p.name]
		p.conditional = p.conditional || op.depRequired[p.name]
		for _, r := range op.branchRequired {
			if r.name == p.name && !r.cond.complex && sameTriggers(r.cond.triggers, p.triggers) {
				p.requiredWhenShown = true
			}
		}
		op.tickTriggers(p)
	}
	if lint != nil {
		op.checkNames(lint)
	}
	return op.list
}

// tickTriggers makes the dependentSchemas triggers of p on a yes/no field
// hold only when it is true: false counts as not answered (see
// triggered), so ticking the box is what reveals the fields.
func (op *objectProps) tickTriggers(p *propDef) {
	for i, t := range p.triggers {
		name := strings.TrimPrefix(t.Pointer, op.base+"/")
		if len(t.Values) > 0 || t.Negate || op.byKey[name] == nil {
			continue
		}
		if typ, _ := schemaType(op.byKey[name].n); typ == "boolean" {
			p.triggers[i].Values = []string{"true"}
		}
	}
}

// checkNames reports names that are not properties of the object.
func (op *objectProps) checkNames(lint map[string]string) {
	for _, r := range op.names {
		if op.byKey[r.name] == nil {
			lint["/schema"+r.ptr] = fmt.Sprintf("%q is not a property of this object", r.name)
		}
	}
}

// refer records the property names of list (a "required" array) at ptr.
func (op *objectProps) refer(list []any, ptr string) {
	for i, r := range list {
		if s, ok := r.(string); ok {
			op.names = append(op.names, nameRef{s, ptr + "/" + itoa(i)})
		}
	}
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
	for _, r := range n.arr("required") {
		s, ok := r.(string)
		switch {
		case !ok:
		case cond.active:
			op.branchRequired = append(op.branchRequired, condRequired{s, cond})
		default:
			op.required[s] = true
		}
	}
	op.refer(n.arr("required"), n.at("required"))
	for _, kw := range []string{"anyOf", "oneOf"} {
		for i, sub := range n.arr(kw) {
			alt := op.doc.resolve(sub, n.at(kw)+"/"+itoa(i))
			op.refer(alt.arr("required"), alt.at("required"))
		}
	}
	if _, ok := n.m["not"]; ok {
		not := op.doc.resolve(n.m["not"], n.at("not"))
		op.refer(not.arr("required"), not.at("required"))
	}
	for i, sub := range n.arr("allOf") {
		sp := n.at("allOf") + "/" + itoa(i)
		op.visit(op.doc.resolve(sub, sp), cond, depth+1)
	}
	if _, ok := n.m["if"]; ok {
		ifn := op.doc.resolve(n.m["if"], n.at("if"))
		op.refer(ifn.arr("required"), ifn.at("required"))
		t, simple := op.triggers(ifn)
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
			op.names = append(op.names, nameRef{x, joinPointer(dp, x)})
			t := []Trigger{{Pointer: joinPointer(op.base, x)}}
			op.visit(op.doc.resolve(deps[x], joinPointer(dp, x)), cond.with(t, false), depth+1)
		}
	}
	dr := n.obj("dependentRequired")
	for _, x := range op.doc.keys(dr, n.at("dependentRequired")) {
		xp := joinPointer(n.at("dependentRequired"), x)
		op.names = append(op.names, nameRef{x, xp})
		arr, _ := dr[x].([]any)
		op.refer(arr, xp)
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
