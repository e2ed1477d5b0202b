package formedit

import (
	"encoding/json"
	"strconv"
)

// condOf reads the condition of a top-level field: nil when it is always
// shown; complex is true when the editor cannot express it.
func (d *Doc) condOf(name string) (c *Condition, complex bool) {
	slots := d.topSlots(name)
	if len(slots) == 0 {
		return nil, false
	}
	if len(slots) > 1 || slots[0].branch == -2 {
		return nil, true
	}
	if slots[0].branch == -1 {
		return nil, false
	}
	entry, _ := d.schema().arr("allOf")[slots[0].branch].(*object)
	if len(entry.ks()) != 2 || !entry.has("if") {
		return nil, true
	}
	c = readIf(entry.obj("if"))
	return c, c == nil
}

// readIf reads an "if" of the form the editor writes, or returns nil.
func readIf(ifn *object) *Condition {
	if ifn == nil || len(ifn.keys) != 2 || len(ifn.obj("properties").ks()) != 1 {
		return nil
	}
	field := ifn.obj("properties").ks()[0]
	req := ifn.strings("required")
	if len(req) != 1 || req[0] != field {
		return nil
	}
	return readTest(field, ifn.obj("properties").obj(field))
}

// readTest reads one property test: const, enum or exclusiveMinimum.
func readTest(field string, t *object) *Condition {
	if t == nil || len(t.ks()) != 1 {
		return nil
	}
	switch k := t.keys[0]; k {
	case "const":
		if b, ok := t.get(k).(bool); ok && b {
			return &Condition{Field: field, Op: OpTrue}
		}
		return &Condition{Field: field, Op: OpEq, Values: []string{posted(t.get(k))}}
	case "enum":
		c := &Condition{Field: field, Op: OpIn}
		for _, v := range t.arr(k) {
			c.Values = append(c.Values, posted(v))
		}
		return c
	case "exclusiveMinimum":
		return &Condition{Field: field, Op: OpGt, Values: []string{posted(t.get(k))}}
	}
	return nil
}

// testSchema writes the property test of c, typed after the field it reads.
func (d *Doc) testSchema(c *Condition) (*object, error) {
	s, err := d.locate(c.Field)
	if err != nil || c.Field == "" {
		return nil, invalidf(map[string]string{"condition_field": msg.T("it", "cond.no_field")}, "cond.no_field")
	}
	t := classify(s.prop, d.uiField(c.Field))
	value := func(v string) (any, error) {
		if t == TypeNumber {
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				return nil, invalidf(map[string]string{"condition_value": msg.T("it", "cond.need_number")}, "cond.need_number")
			}
			return json.Number(v), nil
		}
		if t == TypeYesNo {
			return v == "true", nil
		}
		return v, nil
	}
	bad := invalidf(map[string]string{"condition_op": msg.T("it", "cond.bad_op")}, "cond.bad_op")
	need := invalidf(map[string]string{"condition_value": msg.T("it", "cond.need_value")}, "cond.need_value")
	switch {
	case c.Op == OpTrue && (t == TypeYesNo || t == TypeConsent):
		return objectOf("const", true), nil
	case c.Op == OpTrue || t == TypeCheckboxes || family(t) == "file" || t == TypeAddress || t == TypeRepeat ||
		t == TypeGroup || t == TypeInfo:
		return nil, bad
	case c.Op == OpGt && t != TypeNumber, c.Op != OpEq && c.Op != OpIn && c.Op != OpGt:
		return nil, bad
	case len(c.Values) == 0 || c.Values[0] == "":
		return nil, need
	}
	vals := make([]any, len(c.Values))
	for i, v := range c.Values {
		x, err := value(v)
		if err != nil {
			return nil, err
		}
		vals[i] = x
	}
	switch {
	case c.Op == OpGt:
		return objectOf("exclusiveMinimum", vals[0]), nil
	case c.Op == OpIn && len(vals) > 1:
		return objectOf("enum", vals), nil
	}
	return objectOf("const", vals[0]), nil
}

// ifSchema builds the "if" of a condition.
func (d *Doc) ifSchema(c *Condition) (*object, error) {
	t, err := d.testSchema(c)
	if err != nil {
		return nil, err
	}
	return objectOf("properties", objectOf(c.Field, t), "required", []any{c.Field}), nil
}

// SetCondition sets ("mostra solo se") or clears (nil) the condition of a
// top-level field, writing it as an allOf entry with if/then.
func (d *Doc) SetCondition(path string, c *Condition) error {
	slots := d.topSlots(path)
	if len(slots) == 0 {
		return notFoundf("field.not_found", path)
	}
	if _, complex := d.condOf(path); complex {
		return conflictf("cond.advanced")
	}
	var ifn *object
	if c != nil {
		if c.Field == path || isChildPath(c.Field) {
			return invalidf(map[string]string{"condition_field": msg.T("it", "cond.bad_field")}, "cond.bad_field")
		}
		var err error
		if ifn, err = d.ifSchema(c); err != nil {
			return err
		}
	}
	s := slots[0]
	req := s.required()
	d.removeSlot(s)
	target := d.schema()
	if ifn != nil {
		target = d.branchFor(ifn)
	}
	target.ensure("properties").set(path, s.prop)
	if req {
		setRequired(target, path, true)
	}
	return nil
}

// isChildPath reports whether path names a nested field.
func isChildPath(path string) bool {
	for _, r := range path {
		if r == '/' {
			return true
		}
	}
	return false
}

// branchFor returns the "then" of the allOf entry with this exact "if",
// appending a new entry when there is none.
func (d *Doc) branchFor(ifn *object) *object {
	sch := d.schema()
	for _, e := range sch.arr("allOf") {
		entry, _ := e.(*object)
		if entry != nil && len(entry.ks()) == 2 && entry.obj("then") != nil && equalValues(entry.get("if"), ifn) {
			return entry.obj("then")
		}
	}
	then := newObject()
	sch.set("allOf", append(sch.arr("allOf"), objectOf("if", ifn, "then", then)))
	return then
}

// removeSlot removes a top-level declaration and tidies an emptied branch.
func (d *Doc) removeSlot(s slot) {
	s.parent.obj("properties").del(s.name)
	setRequired(s.parent, s.name, false)
	if s.branch < 0 {
		return
	}
	if props := s.parent.obj("properties"); props != nil && len(props.ks()) == 0 {
		s.parent.del("properties")
	}
	if len(s.parent.ks()) > 0 {
		return
	}
	sch := d.schema()
	all := sch.arr("allOf")
	all = append(all[:s.branch:s.branch], all[s.branch+1:]...)
	if len(all) == 0 {
		sch.del("allOf")
		return
	}
	sch.set("allOf", all)
}

// conditionsOn lists the top-level fields whose condition reads name.
func (d *Doc) conditionsOn(name string) []string {
	var out []string
	for _, e := range d.schema().arr("allOf") {
		entry, _ := e.(*object)
		if !entry.obj("if").obj("properties").has(name) {
			continue
		}
		for _, k := range entry.obj("then").obj("properties").ks() {
			out = append(out, d.labelOf(k))
		}
	}
	return out
}

// labelOf returns the label of a field, or its path.
func (d *Doc) labelOf(path string) string {
	if s, err := d.locate(path); err == nil && s.prop.str("title") != "" {
		return s.prop.str("title")
	}
	return path
}

// SetStepCondition applies c to every answerable field of step i (nil
// clears it). The field c reads must not be in the same step.
func (d *Doc) SetStepCondition(i int, c *Condition) error {
	steps := d.ensureSteps()
	if i < 0 || i >= len(steps) {
		return notFoundf("step.not_found")
	}
	names := d.answerable(steps[i])
	if c != nil {
		for _, n := range names {
			if n == c.Field {
				return invalidf(map[string]string{"condition_field": msg.T("it", "cond.same_step")}, "cond.same_step")
			}
		}
	}
	for _, n := range names {
		if _, complex := d.condOf(n); complex {
			return conflictf("cond.advanced_in_step", d.labelOf(n))
		}
	}
	for _, n := range names {
		if err := d.SetCondition(n, c); err != nil {
			return err
		}
	}
	return nil
}
