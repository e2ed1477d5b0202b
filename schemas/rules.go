package schemas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// BuiltinTemplates are the names of the notification templates every form
// has; a form's own templates override them by name.
var BuiltinTemplates = []string{"richiesta-ricevuta", "nuova-richiesta", "aggiornamento-stato", "aggiornamento-stato-ufficio", "integrazione-ricevuta", "link-pratica",
	"promemoria-appuntamento", "appuntamento-annullato", "appuntamento-spostato"}

// Placeholders are the template placeholders besides {{risposta.NAME}}.
// {{link}} is the citizen's private tracking link, {{link_ufficio}} the
// request's page in the back office (for e-mails to the office).
// The last five describe the request's appointment ("giovedì 3 dicembre
// 2026 alle 9:30, Sede centrale, ...", place, date, time, what to bring)
// and are empty for a request without one.
var Placeholders = []string{"numero", "link", "link_ufficio", "modulo", "stato", "ufficio", "data", "risposte", "messaggio", "scadenza",
	"appuntamento", "luogo", "data_appuntamento", "ora_appuntamento", "cosa_portare"}

// placeholderRE matches {{name}} and {{risposta.path}}.
var placeholderRE = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_./-]+)\s*\}\}`)

// ExpandPlaceholders replaces every {{name}} in s with value(name), the
// name trimmed of spaces ("risposta.indirizzo/cap" for answers).
func ExpandPlaceholders(s string, value func(name string) string) string {
	return placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
		return value(placeholderRE.FindStringSubmatch(m)[1])
	})
}

// actionKinds are the keys of which an action has exactly one.
var actionKinds = []string{"route", "assign", "tag", "tags", "priority", "notify"}

// notifyKeys are the keys only a notify action may have.
var notifyKeys = []string{"to", "field", "template", "endpoint", "attachments"}

// Rule is a compiled rule of a form definition.
type Rule struct {
	Name string
	On   string
	// When is nil when the rule always applies.
	When *Condition
	// Then are the actions as written in the definition.
	Then []json.RawMessage
	Stop bool
}

// Condition is a compiled "when" JSON Schema.
type Condition struct{ schema *jsonschema.Schema }

// Match reports whether instance (plain JSON values: maps, slices,
// strings, float64 or json.Number, booleans, nil) is valid against the
// condition. A nil condition matches everything.
func (c *Condition) Match(instance any) bool {
	if c == nil {
		return true
	}
	return c.schema.Validate(instance) == nil
}

// Rules returns the form's compiled rules, in order.
func (f *Form) Rules() []*Rule { return f.c.rules }

// ruleDoc is a rule as decoded for the checks.
type ruleDoc struct {
	Name string            `json:"name"`
	On   string            `json:"on"`
	When json.RawMessage   `json:"when"`
	Then []json.RawMessage `json:"then"`
	Stop bool              `json:"stop"`
}

// compileRules checks and compiles rules, templates and contacts.
func (f *Form) compileRules(problems map[string]string) {
	def := f.Def
	for i, raw := range def.Rules {
		base := "/rules/" + strconv.Itoa(i)
		var rd ruleDoc
		if err := json.Unmarshal(raw, &rd); err != nil {
			problems[base] = err.Error()
			continue
		}
		r := &Rule{Name: rd.Name, On: rd.On, Then: rd.Then, Stop: rd.Stop}
		if len(rd.When) > 0 && string(rd.When) != "null" {
			r.When = f.compileWhen(rd.When, i, base+"/when", problems)
		}
		for j, a := range rd.Then {
			f.checkAction(a, fmt.Sprintf("%s/then/%d", base, j), problems)
		}
		f.c.rules = append(f.c.rules, r)
	}
	for _, name := range sortedKeys(def.Templates) {
		t := def.Templates[name]
		f.checkPlaceholders(t.Subject, "/templates/"+EscapeToken(name)+"/subject", problems)
		f.checkPlaceholders(t.Body, "/templates/"+EscapeToken(name)+"/body", problems)
	}
	for key, ref := range map[string]string{"email": def.Contacts.Email, "phone": def.Contacts.Phone,
		"fiscalCode": def.Contacts.FiscalCode} {
		if ref != "" && f.FieldAt(FieldPointer(ref)) == nil {
			problems["/contacts/"+key] = fmt.Sprintf("names no field of the form: %q", ref)
		}
	}
}

// FieldPointer turns a field reference of a rule or of the contacts (a
// property name, a slash path "indirizzo/email" or a JSON pointer) into a
// JSON pointer.
func FieldPointer(ref string) string {
	if strings.HasPrefix(ref, "/") {
		return ref
	}
	return "/" + ref
}

// compileWhen compiles a rule's condition with the form's $defs available.
func (f *Form) compileWhen(raw json.RawMessage, i int, ptr string, problems map[string]string) *Condition {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		problems[ptr] = err.Error()
		return nil
	}
	m, ok := doc.(map[string]any)
	if !ok {
		problems[ptr] = "must be an object"
		return nil
	}
	for _, p := range externalRefs(m) {
		problems[ptr+p] = "must be an internal reference such as #/$defs/name"
	}
	if root, ok := f.c.doc.root.(map[string]any); ok {
		if defs, ok := root["$defs"].(map[string]any); ok {
			merged := map[string]any{}
			for k, v := range defs {
				merged[k] = v
			}
			own, _ := m["$defs"].(map[string]any)
			for k, v := range own {
				merged[k] = v
			}
			m["$defs"] = merged
		}
	}
	comp := newFormCompiler()
	url := fmt.Sprintf("https://modulario.invalid/rules/%d.json", i)
	if err := comp.AddResource(url, m); err != nil {
		problems[ptr] = err.Error()
		return nil
	}
	sch, err := comp.Compile(url)
	if err != nil {
		inner := map[string]string{}
		schemaCompileError(err, inner)
		for p, msg := range inner {
			problems[ptr+strings.TrimPrefix(p, "/schema")] = msg
		}
		return nil
	}
	return &Condition{schema: sch}
}

// checkAction checks one action: exactly one kind, notify keys only on
// notify actions, known templates, existing fields, valid fixed addresses.
func (f *Form) checkAction(raw json.RawMessage, ptr string, problems map[string]string) {
	var a map[string]json.RawMessage
	if json.Unmarshal(raw, &a) != nil {
		return // the meta-schema reported it
	}
	var kinds []string
	for _, k := range actionKinds {
		if _, ok := a[k]; ok {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) != 1 {
		problems[ptr] = "must have exactly one of route, assign, tag, tags, priority, notify"
		return
	}
	var channel string
	_ = json.Unmarshal(a["notify"], &channel)
	for _, k := range notifyKeys {
		if _, ok := a[k]; ok && kinds[0] != "notify" {
			problems[ptr+"/"+k] = "is allowed only in a notify action"
		}
	}
	if kinds[0] != "notify" {
		return
	}
	f.checkNotify(channel, a, ptr, problems)
}

// checkNotify checks the keys of a notify action.
func (f *Form) checkNotify(channel string, a map[string]json.RawMessage, ptr string, problems map[string]string) {
	_, hasEndpoint := a["endpoint"]
	_, hasTo := a["to"]
	switch {
	case channel == "webhook" && !hasEndpoint:
		problems[ptr+"/endpoint"] = "is required for a webhook"
	case channel != "webhook" && hasEndpoint:
		problems[ptr+"/endpoint"] = "is allowed only for a webhook"
	case channel == "email" && !hasTo:
		problems[ptr+"/to"] = "is required for an email"
	case channel != "email" && hasTo:
		problems[ptr+"/to"] = "is allowed only for an email"
	}
	var to []string
	if json.Unmarshal(a["to"], &to) == nil {
		for i, addr := range to {
			if p, err := mail.ParseAddress(addr); err != nil || p.Address != addr {
				problems[fmt.Sprintf("%s/to/%d", ptr, i)] = "must be an email address such as urp@comune.example.it"
			}
		}
	}
	var tpl, field string
	_ = json.Unmarshal(a["template"], &tpl)
	if _, own := f.Def.Templates[tpl]; tpl != "" && !own && !isBuiltinTemplate(tpl) {
		problems[ptr+"/template"] = fmt.Sprintf("names no template: use one of the form's templates or %s",
			strings.Join(BuiltinTemplates, ", "))
	}
	if _ = json.Unmarshal(a["field"], &field); field != "" && f.FieldAt(FieldPointer(field)) == nil {
		problems[ptr+"/field"] = fmt.Sprintf("names no field of the form: %q", field)
	}
}

func isBuiltinTemplate(name string) bool {
	for _, b := range BuiltinTemplates {
		if b == name {
			return true
		}
	}
	return false
}

// checkPlaceholders reports placeholders a template cannot fill.
func (f *Form) checkPlaceholders(s, ptr string, problems map[string]string) {
	var unknown []string
	ExpandPlaceholders(s, func(name string) string {
		if !f.KnownPlaceholder(name) {
			unknown = append(unknown, "{{"+name+"}}")
		}
		return ""
	})
	if len(unknown) > 0 {
		problems[ptr] = "has unknown placeholders: " + strings.Join(unknown, ", ")
	}
}

// KnownPlaceholder reports whether a template of this form can fill
// {{name}}: one of Placeholders or risposta.PATH of an existing field.
func (f *Form) KnownPlaceholder(name string) bool {
	for _, p := range Placeholders {
		if p == name {
			return true
		}
	}
	path, ok := strings.CutPrefix(name, "risposta.")
	return ok && f.FieldAt(FieldPointer(path)) != nil
}
