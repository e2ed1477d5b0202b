package formedit

import (
	"net/mail"
	"strings"

	"github.com/modulario/modulario"
)

// rules reads every rule of the document.
func (d *Doc) rules() []RuleView {
	var out []RuleView
	for i, r := range d.root.arr("rules") {
		o, _ := r.(*object)
		rv := readRule(o)
		rv.Index = i
		out = append(out, rv)
	}
	return out
}

// readRule reads one rule; rules the editor cannot show are Advanced.
func readRule(o *object) RuleView {
	rv := RuleView{Name: o.str("name"), On: o.str("on")}
	rv.Stop, _ = o.get("stop").(bool)
	for _, k := range o.ks() {
		if !contains([]string{"name", "on", "when", "then", "stop"}, k) {
			rv.Advanced = true
		}
	}
	var ok bool
	if rv.When, ok = readWhen(o.get("when")); !ok {
		rv.Advanced = true
	}
	for _, a := range o.arr("then") {
		if !readAction(&rv, a) {
			rv.Advanced = true
		}
	}
	return rv
}

// readWhen reads a "when" made of simple property tests.
func readWhen(v any) ([]Condition, bool) {
	if v == nil {
		return nil, true
	}
	w, ok := v.(*object)
	if !ok {
		return nil, false
	}
	if len(w.ks()) == 0 {
		return nil, true
	}
	props := w.obj("properties")
	if props == nil || len(w.ks()) != 2 || !w.has("required") || len(w.strings("required")) != len(props.ks()) {
		return nil, false
	}
	var out []Condition
	for _, k := range props.ks() {
		c := readTest(k, props.obj(k))
		if c == nil || !contains(w.strings("required"), k) {
			return nil, false
		}
		out = append(out, *c)
	}
	return out, true
}

// defaultTemplate is the template a simple email action uses.
func defaultTemplate(on, to string) string {
	switch {
	case to != "citizen":
		return "nuova-richiesta"
	case on == EventStatusChanged:
		return "aggiornamento-stato"
	}
	return "richiesta-ricevuta"
}

// readAction adds one action to rv; it reports false for actions the
// editor cannot show.
func readAction(rv *RuleView, v any) bool {
	a, _ := v.(*object)
	if a == nil || len(a.ks()) == 0 {
		return false
	}
	only := len(a.ks()) == 1
	switch {
	case a.has("route") && only && rv.Route == "":
		rv.Route = a.str("route")
	case a.has("tag") && only && rv.Tag == "":
		rv.Tag = a.str("tag")
	case a.has("priority") && only && rv.Priority == "":
		rv.Priority = a.str("priority")
	case a.str("notify") == "webhook" && len(a.ks()) == 2 && rv.Webhook == "":
		rv.Webhook = a.str("endpoint")
		return rv.Webhook != ""
	case a.str("notify") == "email":
		return readEmail(rv, a)
	default:
		return false
	}
	return true
}

// readEmail reads an email action with the default template.
func readEmail(rv *RuleView, a *object) bool {
	for _, k := range a.ks() {
		if k != "notify" && k != "to" && k != "template" {
			return false
		}
	}
	to := a.str("to")
	if to == "" {
		list := a.strings("to")
		if len(list) == 0 {
			return false
		}
		rv.EmailTo = append(rv.EmailTo, list...)
		to = "fixed"
	} else {
		rv.EmailTo = append(rv.EmailTo, to)
	}
	return !a.has("template") || a.str("template") == defaultTemplate(rv.On, to)
}

// ruleObject validates rv and writes it as a rule.
func (d *Doc) ruleObject(rv RuleView) (*object, error) {
	fields := map[string]string{}
	rv.Name = strings.TrimSpace(rv.Name)
	if rv.Name == "" {
		fields["name"] = msg.T("it", "rule.need_name")
	}
	if rv.On != EventReceived && rv.On != EventStatusChanged {
		fields["on"] = msg.T("it", "rule.bad_on")
	}
	if rv.Route != "" && !modulario.ValidSlug(rv.Route) {
		fields["route"] = msg.T("it", "rule.bad_route")
	}
	if rv.Webhook != "" && !modulario.ValidSlug(rv.Webhook) {
		fields["webhook"] = msg.T("it", "rule.bad_webhook")
	}
	if len(rv.Tag) > 60 {
		fields["tag"] = msg.T("it", "rule.bad_tag")
	}
	if rv.Priority != "" && !contains([]string{"bassa", "normale", "alta", "urgente"}, rv.Priority) {
		fields["priority"] = msg.T("it", "rule.bad_priority")
	}
	var fixed []string
	for _, to := range rv.EmailTo {
		to = strings.TrimSpace(to)
		if to == "office" || to == "citizen" || to == "" {
			continue
		}
		if a, err := mail.ParseAddress(to); err != nil || a.Address != to {
			fields["email_to"] = msg.T("it", "rule.bad_email", to)
		}
		fixed = append(fixed, to)
	}
	then := ruleActions(rv, fixed)
	if len(then) == 0 && len(fields) == 0 {
		fields["then"] = msg.T("it", "rule.need_action")
	}
	if len(fields) > 0 {
		return nil, invalidf(fields, "rule.invalid")
	}
	when, err := d.whenSchema(rv.When)
	if err != nil {
		return nil, err
	}
	o := objectOf("name", rv.Name, "on", rv.On, "when", when, "then", then)
	if rv.Stop {
		o.set("stop", true)
	}
	return o, nil
}

// ruleActions writes the actions of a simple rule.
func ruleActions(rv RuleView, fixed []string) []any {
	var then []any
	add := func(k, v string) {
		if v != "" {
			then = append(then, objectOf(k, v))
		}
	}
	add("route", rv.Route)
	add("tag", strings.TrimSpace(rv.Tag))
	add("priority", rv.Priority)
	for _, to := range []string{"office", "citizen"} {
		if contains(rv.EmailTo, to) {
			then = append(then, objectOf("notify", "email", "to", to, "template", defaultTemplate(rv.On, to)))
		}
	}
	if len(fixed) > 0 {
		then = append(then, objectOf("notify", "email", "to", strs(fixed), "template", defaultTemplate(rv.On, "fixed")))
	}
	if rv.Webhook != "" {
		then = append(then, objectOf("notify", "webhook", "endpoint", rv.Webhook))
	}
	return then
}

// whenSchema writes the conditions of a rule as one JSON Schema.
func (d *Doc) whenSchema(conds []Condition) (*object, error) {
	w := newObject()
	if len(conds) == 0 {
		return w, nil
	}
	props, req := newObject(), []any{}
	for _, c := range conds {
		if isChildPath(c.Field) || props.has(c.Field) {
			return nil, invalidf(map[string]string{"when": msg.T("it", "rule.bad_when")}, "rule.bad_when")
		}
		t, err := d.testSchema(&c)
		if err != nil {
			return nil, err
		}
		props.set(c.Field, t)
		req = append(req, c.Field)
	}
	w.set("properties", props)
	w.set("required", req)
	return w, nil
}

// ruleAt returns rule i.
func (d *Doc) ruleAt(i int) (*object, error) {
	rules := d.root.arr("rules")
	if i < 0 || i >= len(rules) {
		return nil, notFoundf("rule.not_found")
	}
	o, _ := rules[i].(*object)
	return o, nil
}

// AddRule appends a simple rule and returns its index.
func (d *Doc) AddRule(r RuleView) (int, error) {
	o, err := d.ruleObject(r)
	if err != nil {
		return 0, err
	}
	rules := append(d.root.arr("rules"), o)
	d.root.set("rules", rules)
	return len(rules) - 1, nil
}

// UpdateRule replaces rule i. Advanced rules are refused with ECONFLICT:
// they are edited in JSON only.
func (d *Doc) UpdateRule(i int, r RuleView) error {
	old, err := d.ruleAt(i)
	if err != nil {
		return err
	}
	if readRule(old).Advanced {
		return conflictf("rule.advanced")
	}
	o, err := d.ruleObject(r)
	if err != nil {
		return err
	}
	d.root.arr("rules")[i] = o
	return nil
}

// DeleteRule removes rule i (advanced rules too).
func (d *Doc) DeleteRule(i int) error {
	if _, err := d.ruleAt(i); err != nil {
		return err
	}
	rules := d.root.arr("rules")
	rules = append(rules[:i:i], rules[i+1:]...)
	d.root.setOrDel("rules", rules, len(rules) == 0)
	return nil
}

// MoveRule moves rule i by delta places (clamped to the ends).
func (d *Doc) MoveRule(i, delta int) error {
	if _, err := d.ruleAt(i); err != nil {
		return err
	}
	rules := d.root.arr("rules")
	j := min(max(i+delta, 0), len(rules)-1)
	r := rules[i]
	rules = append(rules[:i:i], rules[i+1:]...)
	rules = append(rules[:j:j], append([]any{r}, rules[j:]...)...)
	d.root.set("rules", rules)
	return nil
}

// rulesOn lists the names of rules whose condition reads name.
func (d *Doc) rulesOn(name string) []string {
	var out []string
	for _, r := range d.root.arr("rules") {
		o, _ := r.(*object)
		if mentions(o.get("when"), name) {
			out = append(out, o.str("name"))
		}
	}
	return out
}

// mentions reports whether a schema reads property name anywhere.
func mentions(v any, name string) bool {
	switch t := v.(type) {
	case *object:
		if t.obj("properties").has(name) || contains(t.strings("required"), name) {
			return true
		}
		for _, k := range t.ks() {
			if mentions(t.get(k), name) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if mentions(x, name) {
				return true
			}
		}
	}
	return false
}

// RuleAssignee is an assign action of a rule: the rule's position and name
// and the user it names (an ID or an e-mail address).
type RuleAssignee struct {
	Rule        int
	Name, Value string
}

// Assignees lists the assign actions of every rule, so publishing and
// importing can check that each names an existing user (the editor shows
// such rules as advanced).
func (d *Doc) Assignees() []RuleAssignee {
	var out []RuleAssignee
	for i, r := range d.root.arr("rules") {
		o, _ := r.(*object)
		for _, a := range o.arr("then") {
			if act, _ := a.(*object); act.has("assign") {
				out = append(out, RuleAssignee{Rule: i, Name: o.str("name"), Value: act.str("assign")})
			}
		}
	}
	return out
}
