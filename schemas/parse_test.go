package schemas

import (
	"os"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

func TestParseReportsEveryError(t *testing.T) {
	doc := []byte(`{
	  "slug": "Segnalazione Buche",
	  "summary": 3,
	  "office": "ufficio_tecnico",
	  "schema": {"type": "array", "properties": {"bad name": {"type": "string"}}},
	  "ui": {
	    "steps": [{"fields": ["a"]}],
	    "fields": {"a": {"widget": "slider", "maxSize": 104857600}}
	  },
	  "rules": [{"name": "r", "on": "submission.deleted", "then": [], "stop": "yes"}],
	  "colour": "red"
	}`)
	_, err := Parse(doc)
	if modulario.ErrorCode(err) != modulario.EINVALID {
		t.Fatalf("code = %q, want EINVALID (%v)", modulario.ErrorCode(err), err)
	}
	want := map[string]string{
		"/slug":                       "must be lowercase words separated by hyphens",
		"/title":                      "is required",
		"/privacy":                    "is required",
		"/summary":                    "must be a string",
		"/office":                     "must be lowercase words separated by hyphens",
		"/schema/type":                `must be "object"`,
		"/schema/properties/bad name": "must start with a letter",
		"/ui/steps/0/title":           "is required",
		"/ui/fields/a/widget":         "must be one of",
		"/ui/fields/a/maxSize":        "must be at most 52428800",
		"/rules/0/on":                 "must be one of",
		"/rules/0/stop":               "must be a boolean",
		"/colour":                     "is not a known property",
		// Found by Compile in the same round (what could be decoded).
		"/ui/steps/0/fields/0": `"a" is neither a property of the schema`,
		"/ui/fields/a":         "does not match any field of the schema",
	}
	got := modulario.ErrorFields(err)
	for ptr, msg := range want {
		if !strings.HasPrefix(got[ptr], msg) {
			t.Errorf("%s: got %q, want prefix %q (all: %q)", ptr, got[ptr], msg, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d: %v", len(got), len(want), got)
	}
}

func TestParseMalformedJSON(t *testing.T) {
	_, err := Parse([]byte("{\n  \"slug\": \"a\",\n  \"title\": }"))
	msg := modulario.ErrorFields(err)[""]
	if modulario.ErrorCode(err) != modulario.EINVALID || !strings.Contains(msg, "line 3") || !strings.Contains(msg, "byte") {
		t.Fatalf("got %v %q", err, msg)
	}
	for _, doc := range []string{"", "[1]", `{"a":1} {"b":2}`, strings.Repeat("[", 100) + strings.Repeat("]", 100)} {
		if _, err := Parse([]byte(doc)); modulario.ErrorCode(err) != modulario.EINVALID {
			t.Errorf("Parse(%.20q) = %v, want EINVALID", doc, err)
		}
	}
	big := append([]byte(`{"slug":"a","title":"`), make([]byte, MaxDocumentSize)...)
	if _, err := Parse(big); modulario.ErrorCode(err) != modulario.EINVALID {
		t.Errorf("oversized document: %v", err)
	}
}

func TestParseValidDocument(t *testing.T) {
	doc, err := os.ReadFile("testdata/segnalazione.json")
	if err != nil {
		t.Fatal(err)
	}
	def, err := Parse(doc)
	if err != nil {
		t.Fatalf("Parse: %v %v", err, modulario.ErrorFields(err))
	}
	if def.Slug != "segnalazione-disservizio" || len(def.UI.Steps) != 3 || len(def.Rules) != 1 {
		t.Fatalf("decoded %+v", def)
	}
	if def.UI.Fields["foto"].MaxSize != 5<<20 {
		t.Errorf("foto maxSize = %d", def.UI.Fields["foto"].MaxSize)
	}
}

func TestCompileCrossChecksSteps(t *testing.T) {
	doc := []byte(`{"slug":"prova","title":"Prova","privacy":"x",
	  "schema":{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"},"c":{"type":"string"}}},
	  "ui":{"steps":[{"title":"Uno","fields":["a","zzz"]},{"title":"Due","fields":["a"]}],
	        "fields":{"nessuno":{"help":"x"}}}}`)
	_, err := Load(doc)
	got := modulario.ErrorFields(err)
	want := []string{"/ui/steps/0/fields/1", "/ui/steps/1/fields/0", "/schema/properties/b",
		"/schema/properties/c", "/ui/fields/nessuno"}
	for _, p := range want {
		if got[p] == "" {
			t.Errorf("missing error at %s; got %v", p, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
}

func TestCompileRefusesRemoteRef(t *testing.T) {
	for _, ref := range []string{"https://example.com/s.json", "file:///etc/passwd", "other.json#/x"} {
		_, err := Load(minimalDoc(`{"type":"object","properties":{"a":{"$ref":"` + ref + `"}}}`))
		if got := modulario.ErrorFields(err)["/schema/properties/a/$ref"]; got == "" {
			t.Errorf("$ref %q: got %v", ref, err)
		}
	}
}

func TestCompileRefAndDefs(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","$defs":{
		"cf":{"type":"string","format":"codice-fiscale","title":"Codice fiscale"},
		"loop":{"$ref":"#/$defs/loop"}},
	  "properties":{"cf":{"$ref":"#/$defs/cf","description":"Il tuo codice"}},"required":["cf"]}`))
	fl := f.FieldAt("/cf")
	if fl == nil || fl.Label != "Codice fiscale" || fl.Description != "Il tuo codice" || fl.Format != "codice-fiscale" {
		t.Fatalf("field %+v", fl)
	}
	if errs := f.Validate(map[string]any{"cf": "RSSMRA85T10A562X"}, "it"); len(errs) != 1 || errs[0].Pointer != "/cf" {
		t.Errorf("errors %v", errs)
	}
	if errs := f.Validate(map[string]any{"cf": "RSSMRA85T10A562S"}, "it"); len(errs) != 0 {
		t.Errorf("errors %v", errs)
	}
}

func TestCompileRejectsBadRegex(t *testing.T) {
	_, err := Load(minimalDoc(`{"type":"object","properties":{"a":{"type":"string","pattern":"(["}}}`))
	if modulario.ErrorCode(err) != modulario.EINVALID || len(modulario.ErrorFields(err)) == 0 {
		t.Fatalf("got %v", err)
	}
}

func FuzzParse(f *testing.F) {
	seed, _ := os.ReadFile("testdata/segnalazione.json")
	f.Add(seed)
	f.Add(minimalDoc(`{"type":"object"}`))
	f.Add([]byte(`{"slug":`))
	f.Add(minimalDoc(`{"type":"object","properties":{"a":{"$ref":"#/$defs/a"}},"$defs":{"a":{"$ref":"#/$defs/a"}}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		form, err := Load(doc)
		if err != nil && modulario.ErrorCode(err) != modulario.EINVALID {
			t.Fatalf("unexpected error code %q: %v", modulario.ErrorCode(err), err)
		}
		if form != nil {
			st := form.Evaluate(map[string]any{})
			for _, fl := range form.Fields() {
				st.Visible(fl.Pointer)
			}
			form.Validate(map[string]any{"x": 1}, "it")
		}
	})
}
