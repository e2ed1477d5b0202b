package schemas

// State is the outcome of evaluating the form's conditions on some answers.
// Pointers are concrete data pointers ("/membri/0/nome").
type State struct {
	form     *Form
	visible  map[string]bool // declared by an active part of the schema
	hidden   map[string]bool // declared only by inactive branches
	required map[string]bool
}

// Evaluate evaluates every if/then/else, dependentRequired and
// dependentSchemas (top level, under allOf, inside objects and array items)
// against data.
func (f *Form) Evaluate(data map[string]any) *State {
	s := &State{form: f, visible: map[string]bool{}, hidden: map[string]bool{}, required: map[string]bool{}}
	if data == nil {
		data = map[string]any{}
	}
	d := f.c.doc
	s.value(d.resolve(d.root, ""), "", data, 0)
	return s
}

// value evaluates schema n against the answer v found at data pointer dp.
func (s *State) value(n node, dp string, v any, depth int) {
	if depth > maxRefDepth*4 {
		return
	}
	if arr, ok := v.([]any); ok {
		if _, has := n.m["items"]; has {
			items := s.form.c.doc.resolve(n.m["items"], n.at("items"))
			for i, x := range arr {
				s.value(items, dp+"/"+itoa(i), x, depth+1)
			}
		}
		return
	}
	obj, ok := v.(map[string]any)
	if !ok {
		if v != nil {
			return // a scalar: no properties to evaluate
		}
		obj = map[string]any{} // a missing object is evaluated as empty
	}
	s.object(n, dp, obj, depth)
}

// object applies the object keywords of n to obj.
func (s *State) object(n node, dp string, obj map[string]any, depth int) {
	d := s.form.c.doc
	if props := n.obj("properties"); props != nil {
		for name, sub := range props {
			p := joinPointer(dp, name)
			s.visible[p] = true
			if _, isObj := sub.(map[string]any); isObj {
				s.value(d.resolve(sub, joinPointer(n.at("properties"), name)), p, obj[name], depth+1)
			}
		}
	}
	for _, r := range n.arr("required") {
		if name, ok := r.(string); ok {
			s.required[joinPointer(dp, name)] = true
		}
	}
	for i, sub := range n.arr("allOf") {
		s.object(d.resolve(sub, n.at("allOf")+"/"+itoa(i)), dp, obj, depth+1)
	}
	if _, ok := n.m["if"]; ok {
		active, inactive := "then", "else"
		if !s.holds(n.at("if"), obj) {
			active, inactive = inactive, active
		}
		if sub, ok := n.m[active]; ok {
			s.object(d.resolve(sub, n.at(active)), dp, obj, depth+1)
		}
		if sub, ok := n.m[inactive]; ok {
			s.hide(d.resolve(sub, n.at(inactive)), dp, depth+1)
		}
	}
	s.dependents(n, dp, obj, depth)
}

// dependents applies dependentRequired and dependentSchemas.
func (s *State) dependents(n node, dp string, obj map[string]any, depth int) {
	d := s.form.c.doc
	for x, list := range n.obj("dependentRequired") {
		if !triggered(obj, x) {
			continue
		}
		arr, _ := list.([]any)
		for _, r := range arr {
			if name, ok := r.(string); ok {
				s.required[joinPointer(dp, name)] = true
			}
		}
	}
	for x, sub := range n.obj("dependentSchemas") {
		sn := d.resolve(sub, joinPointer(n.at("dependentSchemas"), x))
		if triggered(obj, x) {
			s.object(sn, dp, obj, depth+1)
		} else {
			s.hide(sn, dp, depth+1)
		}
	}
}

// triggered reports whether the answer x of obj sets off a dependentRequired
// or dependentSchemas: it is given and not false. JSON Schema only asks
// for x to be present, but an unticked checkbox answers false, and a staff
// member who writes "dependentSchemas": {"azienda": ...} means "when the
// box is ticked". The schema the server validates with is rewritten to
// match (dependentAsConditions).
func triggered(obj map[string]any, x string) bool {
	v, present := obj[x]
	return present && v != false
}

// hide records the properties an inactive branch declares.
func (s *State) hide(n node, dp string, depth int) {
	if depth > maxRefDepth*4 {
		return
	}
	d := s.form.c.doc
	for name := range n.obj("properties") {
		s.hidden[joinPointer(dp, name)] = true
	}
	for i, sub := range n.arr("allOf") {
		s.hide(d.resolve(sub, n.at("allOf")+"/"+itoa(i)), dp, depth+1)
	}
	for _, kw := range []string{"then", "else"} {
		if sub, ok := n.m[kw]; ok {
			s.hide(d.resolve(sub, n.at(kw)), dp, depth+1)
		}
	}
	for x, sub := range n.obj("dependentSchemas") {
		s.hide(d.resolve(sub, joinPointer(n.at("dependentSchemas"), x)), dp, depth+1)
	}
}

// holds validates obj against the compiled "if" subschema at schema pointer p.
func (s *State) holds(p string, obj map[string]any) bool {
	sch, err := s.form.c.schemaAt(p)
	if err != nil {
		return false
	}
	return sch.Validate(any(obj)) == nil
}

// Visible reports whether the field at pointer is active for these answers:
// it and every enclosing field are declared by an active part of the schema.
func (s *State) Visible(pointer string) bool {
	cur := ""
	for _, tok := range splitPointer(pointer) {
		cur = joinPointer(cur, tok)
		if _, isItem := arrayIndex(tok); isItem {
			continue // an item is as visible as its array
		}
		if !s.visibleOne(cur) {
			return false
		}
	}
	return true
}

func (s *State) visibleOne(p string) bool {
	switch {
	case s.visible[p]:
		return true
	case s.hidden[p]:
		return false
	}
	// Not reached by the evaluation (e.g. an item not yet added): fields
	// declared only in branches stay hidden until a branch activates them.
	f := s.form.FieldAt(p)
	return f == nil || !f.branchOnly
}

// Required reports whether the field at pointer is required for these answers.
func (s *State) Required(pointer string) bool {
	if !s.Visible(pointer) {
		return false
	}
	if s.required[pointer] {
		return true
	}
	if f := s.form.FieldAt(pointer); f != nil && s.outsideEvaluation(pointer) {
		return f.Required
	}
	return false
}

// outsideEvaluation reports whether no evaluated part declared pointer.
func (s *State) outsideEvaluation(p string) bool {
	return !s.visible[p] && !s.hidden[p]
}

// Prune returns a copy of data without answers to fields that the other
// answers hide (repeated until stable), so a stale hidden value never blocks
// a submission or reaches storage. Unknown properties are kept (Validate
// reports them).
func (f *Form) Prune(data map[string]any) map[string]any {
	out := copyData(data)
	for range 32 {
		st := f.Evaluate(out)
		var stale []string
		collectHidden(st, out, "", &stale)
		if len(stale) == 0 {
			break
		}
		for _, p := range stale {
			DeletePointer(out, p)
		}
	}
	return out
}

// collectHidden lists the answers below v that an inactive branch declares.
// Array elements are never removed, only object properties.
func collectHidden(st *State, v any, dp string, out *[]string) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			p := joinPointer(dp, k)
			if st.hidden[p] && !st.visible[p] {
				*out = append(*out, p)
				continue
			}
			collectHidden(st, x, p, out)
		}
	case []any:
		for i, x := range t {
			collectHidden(st, x, dp+"/"+itoa(i), out)
		}
	}
}
