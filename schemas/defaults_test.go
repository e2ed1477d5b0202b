package schemas

import (
	"net/url"
	"reflect"
	"testing"
)

// valoriDoc has a default, a read-only const+default, a hidden default, a
// group with a default inside, an optional group without any and a repeat
// whose items have a default, plus a conditional field with a default.
const valoriDoc = `{"type":"object","properties":{
	"comune":{"type":"string","default":"Roma"},
	"versione":{"type":"string","const":"v1","default":"v1","readOnly":true},
	"canale":{"type":"string","default":"web"},
	"sede":{"type":"object","properties":{"via":{"type":"string"},"paese":{"type":"string","default":"Italia"}},"required":["via"]},
	"altro":{"type":"object","properties":{"via":{"type":"string"}},"required":["via"]},
	"figli":{"type":"array","items":{"type":"object","properties":{"nome":{"type":"string"},"nazione":{"type":"string","default":"Italia"}}}},
	"tipo":{"enum":["a","b"]}
},"required":["versione"],
"if":{"properties":{"tipo":{"const":"b"}},"required":["tipo"]},
"then":{"properties":{"dettaglio":{"type":"string","default":"nessuno"}}}}`

func TestSeedDefaults(t *testing.T) {
	f := mustLoad(t, []byte(`{"slug":"p","title":"P","privacy":"x","schema":`+valoriDoc+`,
		"ui":{"fields":{"canale":{"widget":"hidden"}}}}`))
	got := f.SeedDefaults(map[string]any{"comune": "Milano"})
	want := map[string]any{"comune": "Milano", "versione": "v1", "canale": "web",
		"sede": map[string]any{"paese": "Italia"}, "dettaglio": "nessuno"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SeedDefaults =\n%v\nwant\n%v", got, want)
	}
	// A new item gets its fields' defaults; MaxItems aside, nothing else changes.
	added := f.AddItem(map[string]any{"figli": []any{map[string]any{"nome": "A"}}}, "/figli")
	if items := added["figli"].([]any); len(items) != 2 || !reflect.DeepEqual(items[1], map[string]any{"nazione": "Italia"}) ||
		!reflect.DeepEqual(items[0], map[string]any{"nome": "A"}) {
		t.Errorf("AddItem = %v", added)
	}
	// A whole document: only shown fields, only inside sent groups and
	// items, and the read-only field forced to its value.
	filled := f.FillDefaults(map[string]any{"versione": "v2", "tipo": "a",
		"figli": []any{map[string]any{"nome": "A"}}})
	wantFilled := map[string]any{"comune": "Roma", "versione": "v1", "canale": "web", "tipo": "a",
		"figli": []any{map[string]any{"nome": "A", "nazione": "Italia"}}}
	if !reflect.DeepEqual(filled, wantFilled) {
		t.Errorf("FillDefaults =\n%v\nwant\n%v", filled, wantFilled)
	}
	if shown := f.FillDefaults(map[string]any{"tipo": "b"}); shown["dettaglio"] != "nessuno" {
		t.Errorf("FillDefaults of a shown conditional field = %v", shown)
	}
	// Posted values of read-only fields are replaced by their fixed value.
	decoded, _ := f.DecodeStep(1, map[string]any{}, url.Values{"/versione": {"v2"}}, "it")
	if decoded["versione"] != "v1" {
		t.Errorf("DecodeStep read-only = %v", decoded["versione"])
	}
	// A default inside a group answers the group: its required fields are
	// then asked for, as they are when the citizen types any of them.
	errs := f.Validate(f.Prune(f.SeedDefaults(nil)), "it")
	if want := []FieldError{{Pointer: "/sede/via", Message: "Questo campo è obbligatorio"}}; !reflect.DeepEqual(errs, want) {
		t.Errorf("a draft with only its defaults: %v", errs)
	}
}

func TestDecodeStepTypedDatesAndTimes(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","properties":{
		"giorno":{"type":"string","format":"date"},
		"ora":{"type":"string","format":"time"},
		"quando":{"type":"string","format":"date-time"},
		"persone":{"type":"integer"}}}`))
	tests := []struct {
		ptr, posted string
		want        any
	}{
		{"/giorno", "31/12/2025", "2025-12-31"},
		{"/giorno", "1.2.2026", "2026-02-01"},
		{"/giorno", "2026-02-01", "2026-02-01"},
		{"/ora", "14:30", "14:30"},
		{"/ora", "9.30", "09:30"},
		{"/ora", "14:30:15", "14:30:15"},
		{"/quando", "2026-01-02T10:00", "2026-01-02T10:00"},
		{"/quando", "02/01/2026 10:00", "2026-01-02T10:00"},
	}
	for _, tt := range tests {
		got, errs := f.DecodeStep(1, nil, url.Values{tt.ptr: {tt.posted}}, "it")
		if v, _ := GetPointer(got, tt.ptr); v != tt.want || len(errs) > 0 {
			t.Errorf("%s=%q: %v %v, want %v", tt.ptr, tt.posted, v, errs, tt.want)
			continue
		}
		if errs := f.Validate(got, "it"); len(errs) > 0 {
			t.Errorf("%s=%q: decoded %v is refused: %v", tt.ptr, tt.posted, got, errs)
		}
	}
	_, errs := f.DecodeStep(1, nil, url.Values{"/persone": {"due"}}, "it")
	if len(errs) != 1 || errs[0].Message != "Inserisci un numero intero, ad esempio 12" {
		t.Errorf("integer decode error = %v", errs)
	}
}

// TestExamplesInMessagesAreAccepted checks that the example every format
// message gives is a value that passes, where the message is shown: the
// step flow (DecodeStep then Validate) and, for the API's own date
// messages, Validate alone.
func TestExamplesInMessagesAreAccepted(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","properties":{
		"giorno":{"type":"string","format":"date"},
		"ora":{"type":"string","format":"time"},
		"quando":{"type":"string","format":"date-time"}}}`))
	steps := map[string]string{"/giorno": "31/12/2025", "/ora": "14:30", "/quando": "31/12/2025 14:30"}
	for ptr, example := range steps {
		data, _ := f.DecodeStep(1, nil, url.Values{ptr: {example}}, "it")
		if errs := f.Validate(data, "it"); len(errs) > 0 {
			t.Errorf("step example %s=%q refused: %v", ptr, example, errs)
		}
	}
	api := map[string]string{"/giorno": "2025-12-31", "/ora": "14:30", "/quando": "2025-12-31T14:30"}
	for ptr, example := range api {
		if errs := f.ValidateDocument(SetPointer(nil, ptr, example), "it"); len(errs) > 0 {
			t.Errorf("API example %s=%q refused: %v", ptr, example, errs)
		}
	}
	errs := f.ValidateDocument(map[string]any{"giorno": "31/12/2025", "quando": "2025-12-31 14:30"}, "it")
	want := []FieldError{
		{Pointer: "/giorno", Message: "Inserisci una data valida nella forma AAAA-MM-GG, ad esempio 2025-12-31"},
		{Pointer: "/quando", Message: "Inserisci una data e un orario validi nella forma AAAA-MM-GGTHH:MM, ad esempio 2025-12-31T14:30"},
	}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("ValidateDocument = %v", errs)
	}
}
