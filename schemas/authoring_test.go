package schemas

import (
	"reflect"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// loadErrors loads doc and returns its pointer errors (nil when valid).
func loadErrors(t *testing.T, doc string) map[string]string {
	t.Helper()
	_, err := Load([]byte(doc))
	if err != nil && modulario.ErrorCode(err) != modulario.EINVALID {
		t.Fatalf("Load: %v", err)
	}
	return modulario.ErrorFields(err)
}

// form wraps schema and ui into a document.
func form(schema, ui string) string {
	if ui == "" {
		ui = "{}"
	}
	return `{"slug":"prova","title":"Prova","privacy":"Informativa.","schema":` + schema + `,"ui":` + ui + `}`
}

// TestAuthoringChecks covers the definitions that used to compile but could
// not work: each is refused with a pointer and a sentence saying why.
func TestAuthoringChecks(t *testing.T) {
	tests := []struct {
		name, schema, ui string
		want             map[string]string // pointer → start of the message
	}{
		{"required typo", `{"type":"object","properties":{"a":{"type":"string"}},"required":["a","zzz"]}`, "",
			map[string]string{"/schema/required/1": `"zzz" is not a property of this object`}},
		{"required typo in a branch, a group and anyOf", `{"type":"object","properties":{
			"t":{"enum":["x"]},"g":{"type":"object","properties":{"v":{"type":"string"}},"required":["w"]}},
			"if":{"properties":{"t":{"const":"x"}},"required":["tt"]},"then":{"required":["q"]},
			"anyOf":[{"required":["t"]},{"required":["nope"]}]}`, "",
			map[string]string{"/schema/if/required/0": `"tt" is not`, "/schema/then/required/0": `"q" is not`,
				"/schema/anyOf/1/required/0": `"nope" is not`, "/schema/properties/g/required/0": `"w" is not`}},
		{"dependentRequired names", `{"type":"object","properties":{"a":{"type":"string"}},
			"dependentRequired":{"a":["b"],"c":["a"]}}`, "",
			map[string]string{"/schema/dependentRequired/a/0": `"b" is not`, "/schema/dependentRequired/c": `"c" is not`}},
		{"unknown format", `{"type":"object","properties":{"cf":{"type":"string","format":"codice-fiscal"}}}`, "",
			map[string]string{"/schema/properties/cf/format": `unknown format "codice-fiscal"; known: appuntamento, cap, codice-fiscale,`}},
		{"missing $ref", `{"type":"object","properties":{"c":{"$ref":"#/$defs/missing"},"d":{"type":"strin"}}}`, "",
			map[string]string{"/schema/properties/c/$ref": "refers to #/$defs/missing, which does not exist",
				"/schema/properties/d/type": "must be one of"}},
		{"widgets that do not fit", `{"type":"object","properties":{
			"a":{"type":"integer"},"b":{"type":"string"},"c":{"type":"string"},"d":{"type":"number"},
			"e":{"type":"string"},"f":{"type":"string","format":"time"},"g":{"type":"object","properties":{}}}}`,
			`{"fields":{"a":{"widget":"date"},"b":{"widget":"select"},"c":{"widget":"checkbox"},"d":{"widget":"textarea"},
			"e":{"widget":"markdown","text":"x"},"f":{"widget":"text"},"g":{"widget":"hidden"}}}`,
			map[string]string{"/ui/fields/a/widget": `"date" needs a string field with "format": "date"`,
				"/ui/fields/b/widget": `"select" needs a list of options`, "/ui/fields/c/widget": `"checkbox" needs a yes/no field`,
				"/ui/fields/d/widget": `"textarea" needs a string field`, "/ui/fields/e/widget": `"markdown" is for informative paragraphs`,
				"/ui/fields/f/widget": `"text" needs a string field`, "/ui/fields/g/widget": `"hidden" needs a string, number or boolean`}},
		{"autocomplete tokens", `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"},"c":{"type":"string"}}}`,
			`{"fields":{"a":{"autocomplete":"nome-utente"},"b":{"autocomplete":"section-x shipping work email"},"c":{"autocomplete":"work name"}}}`,
			map[string]string{"/ui/fields/a/autocomplete": `"nome-utente" is not a valid autofill value`,
				"/ui/fields/c/autocomplete": `"work name" is not a valid autofill value`}},
		{"defaults", `{"type":"object","properties":{"e":{"type":"string","format":"email","default":"nessuno"},
			"r":{"type":"string","readOnly":true},"k":{"type":"string","const":"v1","default":"v2"}},"required":["r"]}`, "",
			map[string]string{"/schema/properties/e/default": "is not a valid answer for this field:",
				"/schema/properties/r":         `is required and readOnly: give it a "const" or a "default"`,
				"/schema/properties/k/default": "is not a valid answer for this field:"}},
		{"help on a paragraph", `{"type":"object","properties":{"a":{"type":"string"}}}`,
			`{"steps":[{"title":"Uno","fields":["a","p"]}],"fields":{"p":{"widget":"markdown","text":"x","help":"y"}}}`,
			map[string]string{"/ui/fields/p/help": "is not shown on a markdown paragraph"}},
		{"ui key of a property in no step", `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}`,
			`{"steps":[{"title":"Uno","fields":["a"]}],"fields":{"b":{"help":"x"}}}`,
			map[string]string{"/schema/properties/b": "is not listed in any step", "/ui/fields/b": `is for the property "b", which is not in any step`}},
		{"errorMessage without a pattern or format, or on two lines",
			`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string","pattern":"^[0-9]+$"}}}`,
			`{"fields":{"a":{"errorMessage":"Inserisci il codice"},"b":{"errorMessage":"Riga uno\nriga due"}}}`,
			map[string]string{"/ui/fields/a/errorMessage": `is shown when the answer does not match the field's "pattern" or "format"`,
				"/ui/fields/b/errorMessage": "must be one line of plain text"}},
		{"all fit", `{"type":"object","properties":{"a":{"type":"string","format":"date"},"b":{"type":"boolean"},
			"c":{"type":"array","items":{"enum":["x","y"]}},"d":{"type":"string","enum":["x"]},"e":{"type":"integer"},
			"f":{"type":"string","readOnly":true,"default":"v"},"g":{"type":"string","format":"uri"},
			"h":{"type":"string","pattern":"^[0-9]{8}$"}},"required":["f"]}`,
			`{"fields":{"a":{"widget":"date"},"b":{"widget":"radio"},"c":{"widget":"checkbox"},"d":{"widget":"select"},
			"e":{"widget":"hidden","autocomplete":"off"},"f":{"autocomplete":"billing postal-code"},"g":{"autocomplete":"url","errorMessage":"Indica il sito del comune"},
			"h":{"errorMessage":"Inserisci le 8 cifre"}}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := loadErrors(t, form(tt.schema, tt.ui))
			for ptr, msg := range tt.want {
				if !strings.HasPrefix(got[ptr], msg) {
					t.Errorf("%s: got %q, want prefix %q", ptr, got[ptr], msg)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("got %d errors, want %d: %q", len(got), len(tt.want), got)
			}
		})
	}
}

// TestLoadStoredSkipsAuthoringChecks: a version saved before a check
// existed still loads for citizens; real schema errors still stop it.
func TestLoadStoredSkipsAuthoringChecks(t *testing.T) {
	doc := form(`{"type":"object","properties":{"a":{"type":"string","format":"codice-fiscal"}},"required":["a"]}`,
		`{"fields":{"a":{"widget":"select","autocomplete":"nome-utente"}}}`)
	if _, err := Load([]byte(doc)); err == nil {
		t.Fatal("Load accepted the definition")
	}
	if _, err := LoadStored([]byte(doc)); err != nil {
		t.Fatalf("LoadStored: %v %v", err, modulario.ErrorFields(err))
	}
	broken := form(`{"type":"object","properties":{"a":{"$ref":"#/$defs/none"}}}`, "")
	if _, err := LoadStored([]byte(broken)); err == nil {
		t.Error("LoadStored accepted a dangling $ref")
	}
}

// TestEveryKindOfErrorAtOnce: a document with a meta-schema error, a
// schema keyword error and model errors lists them all in one round.
func TestEveryKindOfErrorAtOnce(t *testing.T) {
	got := loadErrors(t, `{"slug":"Bad Slug","title":"T","privacy":"x",
		"schema":{"type":"object","properties":{"a":{"type":"strin"},"b":{"type":"string"},"c":{"type":"string","format":"cf"}},"required":["zzz"]},
		"ui":{"steps":[{"title":"Uno","fields":["a","nessuno"]}],"fields":{"b":{"widget":"select"}}}}`)
	want := map[string]string{
		"/slug":                       "must be lowercase words",                      // meta-schema
		"/schema/properties/a/type":   "must be one of",                               // JSON Schema
		"/schema/properties/b":        "is not listed in any step",                    // field model
		"/schema/properties/c":        "is not listed in any step",                    // field model
		"/ui/steps/0/fields/1":        `"nessuno" is neither a property`,              // steps
		"/schema/required/0":          `"zzz" is not a property`,                      // authoring
		"/schema/properties/c/format": `unknown format "cf"`,                          // authoring
		"/ui/fields/b":                `is for the property "b", which is not in any`, // ui
		"/ui/fields/b/widget":         `"select" needs a list of options`,             // authoring
	}
	for ptr, msg := range want {
		if !strings.HasPrefix(got[ptr], msg) {
			t.Errorf("%s: got %q, want prefix %q", ptr, got[ptr], msg)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d: %q", len(got), len(want), got)
	}
}

// TestTickedCheckboxSetsOffDependents: for dependentRequired and
// dependentSchemas an answer of false counts as not given, on the server
// (Evaluate, Prune, Validate) and in the trigger the browser evaluates.
func TestTickedCheckboxSetsOffDependents(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","properties":{
		"azienda":{"type":"boolean"},"ragione":{"type":"string","minLength":3},"piva":{"type":"string"},
		"nota":{"type":"string"}},
		"dependentRequired":{"azienda":["ragione"],"nota":["piva"]},
		"dependentSchemas":{"azienda":{"properties":{"sede":{"type":"string"}},"required":["sede"]}}}`))
	unticked := map[string]any{"azienda": false}
	if errs := f.Validate(unticked, "it"); len(errs) != 0 {
		t.Errorf("unticked: %v", errs)
	}
	if st := f.Evaluate(unticked); st.Visible("/sede") || st.Required("/ragione") {
		t.Error("unticked: the dependent fields are active")
	}
	if got := f.Prune(map[string]any{"azienda": false, "sede": "Roma"}); got["sede"] != nil {
		t.Errorf("Prune kept the answer of a hidden field: %v", got)
	}
	ticked := f.Validate(map[string]any{"azienda": true, "ragione": "AB"}, "it")
	want := []FieldError{{Pointer: "/ragione", Message: "Inserisci almeno 3 caratteri"}, {Pointer: "/sede", Message: "Questo campo è obbligatorio"}}
	if !reflect.DeepEqual(ticked, want) {
		t.Errorf("ticked: %v", ticked)
	}
	if st := f.Evaluate(map[string]any{"azienda": true}); !st.Visible("/sede") || !st.Required("/ragione") {
		t.Error("ticked: the dependent fields are not active")
	}
	// Other answers set it off when given, as JSON Schema says.
	if errs := f.Validate(map[string]any{"nota": "x"}, "it"); len(errs) != 1 || errs[0].Pointer != "/piva" {
		t.Errorf("text trigger: %v", errs)
	}
	if sw := f.FieldAt("/sede").ShowWhen; !reflect.DeepEqual(sw, []Trigger{{Pointer: "/azienda", Values: []string{"true"}}}) {
		t.Errorf("ShowWhen = %+v", sw)
	}
}

// TestCountMessagesAndYesNo: singular forms for a count of one, and the
// Sì/No of a yes/no radio in the page's language.
func TestCountMessagesAndYesNo(t *testing.T) {
	f := mustLoad(t, []byte(form(`{"type":"object","properties":{
		"scelte":{"type":"array","items":{"enum":["a","b"]},"maxItems":1},
		"membri":{"type":"array","items":{"type":"object","properties":{"n":{"type":"string"}}},"minItems":1,"maxItems":1},
		"sigla":{"type":"string","minLength":1,"maxLength":1},
		"residente":{"type":"boolean"},
		"conferma":{"type":"boolean","oneOf":[{"const":true,"title":"Confermo"},{"const":false,"title":"Non confermo"}]}}}`,
		`{"fields":{"residente":{"widget":"radio"},"conferma":{"widget":"radio"}}}`)))
	errs := f.Validate(map[string]any{"scelte": []any{"a", "b"}, "membri": []any{map[string]any{}, map[string]any{}}, "sigla": "ab"}, "it")
	want := []FieldError{{Pointer: "/scelte", Message: "Seleziona al massimo un'opzione"}, {Pointer: "/membri", Message: "Puoi aggiungere al massimo un elemento"},
		{Pointer: "/sigla", Message: "Inserisci al massimo un carattere"}}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("it: %v", errs)
	}
	if errs := f.Validate(map[string]any{"membri": []any{}, "sigla": ""}, "en"); !reflect.DeepEqual(errs,
		[]FieldError{{Pointer: "/membri", Message: "Add at least one item"}, {Pointer: "/sigla", Message: "Enter at least one character"}}) {
		t.Errorf("en: %v", errs)
	}
	res, conf := f.FieldAt("/residente"), f.FieldAt("/conferma")
	if res.OptionText(true, "en") != "Yes" || res.OptionText(false, "en") != "No" || res.OptionText(true, "it") != "Sì" {
		t.Errorf("yes/no labels: %q %q", res.OptionText(true, "en"), res.OptionText(true, "it"))
	}
	if conf.OptionText(true, "en") != "Confermo" || len(conf.Options) != 2 {
		t.Errorf("a labelled boolean choice keeps its labels: %+v", conf.Options)
	}
}

func TestIntegerHints(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","properties":{
		"a":{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":10},
		"b":{"type":"integer","minimum":2.5,"maximum":7.5},
		"c":{"type":"integer"},
		"d":{"type":"number","minimum":0}}}`))
	num := func(p *float64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	for _, tt := range []struct {
		ptr       string
		lo, hi    any
		inputMode string
	}{
		{"/a", 1.0, 9.0, "numeric"},
		{"/b", 3.0, 7.0, "numeric"},
		{"/c", nil, nil, ""}, // may be negative: the phone keypad has no minus
		{"/d", nil, nil, "decimal"},
	} {
		fl := f.FieldAt(tt.ptr)
		lo, hi := fl.IntegerBounds()
		if fl.Integer() && (num(lo) != tt.lo || num(hi) != tt.hi) || fl.InputMode != tt.inputMode {
			t.Errorf("%s: bounds %v..%v inputmode %q", tt.ptr, num(lo), num(hi), fl.InputMode)
		}
	}
}
