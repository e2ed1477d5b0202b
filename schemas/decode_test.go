package schemas

import (
	"net/url"
	"reflect"
	"testing"
)

func TestDecodeStep(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","properties":{
		"importo":{"type":"number"},
		"persone":{"type":"integer"},
		"cf":{"type":"string","format":"codice-fiscale"},
		"iban":{"type":"string","format":"iban"},
		"cap":{"type":"string","format":"cap"},
		"nome":{"type":"string"},
		"vecchio":{"type":"string"},
		"bloccato":{"type":"string","readOnly":true},
		"consenso":{"type":"boolean"},
		"livello":{"type":"integer","enum":[1,2,3]},
		"servizi":{"type":"array","items":{"enum":["acqua","luce","gas"]}},
		"foto":{"type":"string","contentMediaType":"image/jpeg"},
		"membri":{"type":"array","items":{"type":"object","properties":{"nome":{"type":"string"},"eta":{"type":"integer"}}}}
	}}`))
	data := map[string]any{"vecchio": "x", "foto": "att-1", "bloccato": "server",
		"membri": []any{map[string]any{"nome": "Anna"}}}
	values := url.Values{
		"/importo":       {"12,5"},
		"/persone":       {" 3 "},
		"/cf":            {"rssmra85t10a562s"},
		"/iban":          {"it60 x054 2811 1010 0000 0123 456"},
		"/cap":           {"00 184"},
		"/nome":          {"  Mario  "},
		"/vecchio":       {""},
		"/bloccato":      {"hacked"},
		"/livello":       {"2"},
		"/servizi":       {"acqua", "gas"},
		"/foto":          {"evil"},
		"/membri/0/nome": {"Anna"},
		"/membri/1/nome": {"Bruno"},
		"/membri/1/eta":  {"40"},
		"/non-esiste":    {"x"},
	}
	got, errs := f.DecodeStep(1, data, values, "it")
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := map[string]any{
		"importo": 12.5, "persone": 3.0, "cf": "RSSMRA85T10A562S", "iban": "IT60X0542811101000000123456",
		"cap": "00184", "nome": "Mario", "bloccato": "server", "consenso": false, "livello": 2.0,
		"servizi": []any{"acqua", "gas"}, "foto": "att-1",
		"membri": []any{map[string]any{"nome": "Anna"}, map[string]any{"nome": "Bruno", "eta": 40.0}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DecodeStep =\n%v\nwant\n%v", got, want)
	}
	if data["vecchio"] != "x" {
		t.Error("DecodeStep modified its input")
	}
	got, _ = f.DecodeStep(1, got, url.Values{"/consenso": {"true"}}, "it")
	if got["consenso"] != true {
		t.Errorf("checked checkbox = %v", got["consenso"])
	}
}

func TestDecodeStepConversionErrors(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","properties":{
		"importo":{"type":"number"},"persone":{"type":"integer"},"ok":{"type":"boolean"}},
		"required":["importo"]}`))
	f.Steps[0].Fields[2].Kind = KindRadio // a yes/no radio posts "true"/"false"
	tests := []struct {
		name, value, lang, msg string
	}{
		{"/importo", "abc", "it", "Inserisci un numero, ad esempio 12,5"},
		{"/importo", "NaN", "en", "Enter a number, for example 12.5"},
		{"/persone", "2,5", "it", "Inserisci un numero intero, senza decimali"},
		{"/ok", "forse", "it", "Scegli sì o no"},
	}
	for _, tt := range tests {
		got, errs := f.DecodeStep(1, nil, url.Values{tt.name: {tt.value}}, tt.lang)
		if len(errs) != 1 || errs[0].Pointer != tt.name || errs[0].Message != tt.msg {
			t.Errorf("%s=%q: errors %v", tt.name, tt.value, errs)
		}
		if v, _ := GetPointer(got, tt.name); v != tt.value {
			t.Errorf("%s: typed value not kept: %v", tt.name, v)
		}
	}
	if got, errs := f.DecodeStep(1, nil, url.Values{"/persone": {"1.234,0"}}, "it"); len(errs) != 0 || got["persone"] != 1234.0 {
		t.Errorf("thousands separator: %v %v", got, errs)
	}
	if got, errs := f.DecodeStep(9, map[string]any{"a": 1}, nil, "it"); len(errs) != 0 || got["a"] != 1 {
		t.Error("a step out of range must leave data alone")
	}
}

func TestDecodeStepRequiredGroupLeftBlank(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","required":["genitore"],"properties":{
		"genitore":{"type":"object","required":["nome"],"properties":{"nome":{"type":"string"}}},
		"delegato":{"type":"object","required":["nome"],"properties":{"nome":{"type":"string"}}}
	}}`))
	got, _ := f.DecodeStep(1, map[string]any{}, url.Values{"/genitore/nome": {""}, "/delegato/nome": {""}}, "it")
	if _, ok := got["genitore"].(map[string]any); !ok {
		t.Errorf("required group left blank = %v, want an empty object", got["genitore"])
	}
	if _, ok := got["delegato"]; ok {
		t.Errorf("optional group left blank = %v, want absent", got["delegato"])
	}
	errs := f.Validate(f.Prune(got), "it")
	if len(errs) != 1 || errs[0].Pointer != "/genitore/nome" {
		t.Errorf("errors = %+v, want one at /genitore/nome", errs)
	}
}
