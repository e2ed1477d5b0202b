package schemas

import (
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// rulesDoc is a small form with rules, templates and contacts.
func rulesDoc(extra string) []byte {
	return []byte(`{"slug":"prova","title":"Prova","privacy":"Informativa.",
	  "schema":{"type":"object","$defs":{"zona":{"enum":["nord","sud"]}},
	    "properties":{"tipo":{"type":"string"},"zona":{"$ref":"#/$defs/zona"},"email":{"type":"string"},
	      "indirizzo":{"type":"object","properties":{"cap":{"type":"string"}}}}}` + extra + `}`)
}

func TestRulesCompileAndMatch(t *testing.T) {
	f := mustLoad(t, rulesDoc(`,"rules":[
	  {"name":"nord","on":"submission.received","when":{"properties":{"zona":{"$ref":"#/$defs/zona","const":"nord"}},"required":["zona"]},
	   "then":[{"route":"ufficio-nord"},{"notify":"email","to":"citizen","field":"email","template":"saluto"}],"stop":true},
	  {"name":"sempre","on":"submission.status_changed","then":[{"tags":["a","b"]}]}],
	  "templates":{"saluto":{"subject":"Richiesta {{numero}}","body":"Ciao, {{risposta.indirizzo/cap}} {{risposte}}"}},
	  "contacts":{"email":"email","phone":"indirizzo/cap"}`))
	rules := f.Rules()
	if len(rules) != 2 || rules[0].Name != "nord" || !rules[0].Stop || len(rules[0].Then) != 2 || rules[1].On != modulario.EventStatusChanged {
		t.Fatalf("rules = %+v", rules)
	}
	if !rules[0].When.Match(map[string]any{"zona": "nord"}) || rules[0].When.Match(map[string]any{"zona": "sud"}) ||
		rules[0].When.Match(map[string]any{}) {
		t.Error("when does not match as expected")
	}
	if rules[1].When != nil || !rules[1].When.Match(map[string]any{"x": 1.0}) {
		t.Error("a rule without when must always match")
	}
}

func TestRulesCheckErrors(t *testing.T) {
	_, err := Load(rulesDoc(`,"rules":[
	  {"name":"r","on":"submission.received","when":{"$ref":"https://evil.example/x.json"},"then":[
	    {"route":"a","tag":"b"},
	    {"notify":"email","to":["non un indirizzo"],"template":"sconosciuto","field":"manca"},
	    {"notify":"webhook"},
	    {"notify":"sms","to":"citizen"},
	    {"tag":"x","field":"email"}]},
	  {"name":"s","on":"submission.received","when":{"type":"strano"},"then":[]}],
	  "templates":{"saluto":{"subject":"{{numero}} {{nonesiste}}","body":"{{risposta.manca}}"}},
	  "contacts":{"email":"posta"}`))
	want := map[string]string{
		"/rules/0/when/$ref":        "must be an internal reference",
		"/rules/0/then/0":           "must have exactly one of",
		"/rules/0/then/1/to/0":      "must be an email address",
		"/rules/0/then/1/template":  "names no template",
		"/rules/0/then/1/field":     "names no field",
		"/rules/0/then/2/endpoint":  "is required for a webhook",
		"/rules/0/then/3/to":        "is allowed only for an email",
		"/rules/0/then/4/field":     "is allowed only in a notify action",
		"/rules/1/when/type":        "",
		"/templates/saluto/subject": "has unknown placeholders: {{nonesiste}}",
		"/templates/saluto/body":    "has unknown placeholders: {{risposta.manca}}",
		"/contacts/email":           "names no field",
	}
	got := modulario.ErrorFields(err)
	if modulario.ErrorCode(err) != modulario.EINVALID {
		t.Fatalf("err = %v", err)
	}
	for ptr, msg := range want {
		m, ok := got[ptr]
		if !ok || !strings.HasPrefix(m, msg) {
			t.Errorf("%s: got %q, want prefix %q (all: %q)", ptr, m, msg, got)
		}
	}
}

func TestRulesMetaErrors(t *testing.T) {
	_, err := Parse(rulesDoc(`,"rules":[{"name":"r","on":"submission.received","then":[{"priority":"massima"},{"colore":"blu"}]}],
	  "templates":{"vuoto":{"subject":"","body":"x"},"lungo":{"subject":"` + strings.Repeat("a", 201) + `","body":"x"}},
	  "contacts":{"fax":"x"}`))
	got := modulario.ErrorFields(err)
	for ptr, msg := range map[string]string{
		"/rules/0/then/0/priority": "must be one of",
		"/rules/0/then/1/colore":   "is not a known property",
		"/templates/vuoto/subject": "must not be empty",
		"/templates/lungo/subject": "must be at most 200",
		"/contacts/fax":            "is not a known property",
	} {
		if !strings.HasPrefix(got[ptr], msg) {
			t.Errorf("%s: got %q, want prefix %q (all: %q)", ptr, got[ptr], msg, got)
		}
	}
}
