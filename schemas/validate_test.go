package schemas

import (
	"reflect"
	"testing"
)

func TestMessagesCatalogComplete(t *testing.T) {
	if missing := Messages.Missing(); len(missing) != 0 {
		t.Errorf("missing translations: %v", missing)
	}
	for _, name := range KnownFormats {
		if _, ok := Messages["it"]["format."+name]; !ok {
			t.Errorf("no message for format %s", name)
		}
	}
}

func TestValidateMessages(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","properties":{
		"nome":{"type":"string","minLength":2,"maxLength":5},
		"codice":{"type":"string","pattern":"^[A-Z]+$"},
		"eta":{"type":"integer","minimum":0,"maximum":120},
		"quota":{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1.5,"multipleOf":0.25},
		"colore":{"enum":["rosso","verde"]},
		"tipo":{"type":"string","oneOf":[{"const":"a","title":"A"},{"const":"b","title":"B"}]},
		"consenso":{"type":"boolean","const":true},
		"servizi":{"type":"array","items":{"enum":["x","y","z"]},"minItems":1,"maxItems":2,"uniqueItems":true},
		"membri":{"type":"array","items":{"type":"object","properties":{"nome":{"type":"string"}},"required":["nome"]},"maxItems":1},
		"email":{"type":"string","format":"email"},
		"cf":{"type":"string","format":"codice-fiscale"},
		"vietato":{"type":"string","not":{"const":"no"}},
		"mai":false
	},"required":["email"]}`))
	data := map[string]any{
		"nome": "Mariangela", "codice": "abc", "eta": -1.0, "quota": 2.0, "colore": "blu", "tipo": "c",
		"consenso": false, "servizi": []any{"x", "x", "y"},
		"membri": []any{map[string]any{}, map[string]any{"nome": "B"}},
		"cf":     "RSSMRA85T10A562X", "vietato": "no", "mai": "x", "extra": 1,
	}
	wantIT := []FieldError{
		{Pointer: "/nome", Message: "Inserisci al massimo 5 caratteri"},
		{Pointer: "/codice", Message: "Il valore non è nel formato richiesto"},
		{Pointer: "/eta", Message: "Inserisci un numero non inferiore a 0"},
		{Pointer: "/quota", Message: "Inserisci un numero minore di 1,5"},
		{Pointer: "/colore", Message: "Scegli una delle opzioni proposte"},
		{Pointer: "/tipo", Message: "Scegli una delle opzioni proposte"},
		{Pointer: "/consenso", Message: "Seleziona questa casella per continuare"},
		{Pointer: "/servizi", Message: "Seleziona al massimo 2 opzioni"},
		{Pointer: "/membri", Message: "Puoi aggiungere al massimo un elemento"},
		{Pointer: "/membri/0/nome", Message: "Questo campo è obbligatorio"},
		{Pointer: "/email", Message: "Questo campo è obbligatorio"},
		{Pointer: "/cf", Message: "Inserisci un codice fiscale valido (16 caratteri, es. RSSMRA85T10A562S)"},
		{Pointer: "/vietato", Message: "Il valore inserito non è ammesso"},
		{Pointer: "/mai", Message: "Questo campo non è ammesso"},
		{Pointer: "/extra", Message: "Campo non previsto"},
	}
	got := f.Validate(data, "it")
	if !reflect.DeepEqual(got, wantIT) {
		t.Errorf("it:\n got %v\nwant %v", got, wantIT)
	}
	en := f.Validate(data, "en")
	if len(en) != len(wantIT) || en[0].Message != "Enter at most 5 characters" ||
		en[3].Message != "Enter a number less than 1.5" || en[len(en)-1].Message != "Unknown field" {
		t.Errorf("en: %v", en)
	}
	small := f.Validate(map[string]any{"email": "nome@", "nome": "M", "quota": 0.3, "servizi": []any{}}, "en")
	wantSmall := []FieldError{
		{Pointer: "/nome", Message: "Enter at least 2 characters"},
		{Pointer: "/quota", Message: "Enter a multiple of 0.25"},
		{Pointer: "/servizi", Message: "Select at least one option"},
		{Pointer: "/email", Message: "Enter a valid email address, for example name@example.com"},
	}
	if !reflect.DeepEqual(small, wantSmall) {
		t.Errorf("en:\n got %v\nwant %v", small, wantSmall)
	}
}

func TestValidateSegnalazioneFlow(t *testing.T) {
	f := segnalazione(t)
	data := f.Prune(map[string]any{"tipo": "altro", "descrizione": "Lampione spento da giorni",
		"email": "anna@esempio.it", "gravita": "alta"})
	errs := f.Validate(data, "it")
	want := []FieldError{{Pointer: "/specifica", Message: "Questo campo è obbligatorio"}}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("got %v, want %v", errs, want)
	}
	data["specifica"] = "Panchina rotta"
	if errs := f.Validate(data, "it"); len(errs) != 0 {
		t.Errorf("valid data: %v", errs)
	}
	data["telefono"] = "333 1234567"
	if errs := f.Validate(data, "it"); len(errs) != 1 || errs[0].Pointer != "/contatto" {
		t.Errorf("dependentRequired: %v", errs)
	}
	data["telefono"] = nil
	data["contatto"] = "email"
	if errs := f.Validate(data, "it"); len(errs) != 0 {
		t.Errorf("nullable telefono: %v", errs)
	}
}

func TestValidateAnyOfRequiredNamesTheFields(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","properties":{
		"email":{"type":"string","title":"Email"},
		"telefono":{"type":"string","title":"Telefono"}},
		"anyOf":[{"required":["email"]},{"required":["telefono"]}]}`))
	errs := f.Validate(map[string]any{}, "it")
	if len(errs) != 1 || errs[0].Pointer != "" || errs[0].Message != "Compila almeno uno di questi campi: Email, Telefono" {
		t.Errorf("errors = %+v", errs)
	}
	if errs := f.Validate(map[string]any{"telefono": "333 1234567"}, "en"); len(errs) != 0 {
		t.Errorf("one contact given: %+v", errs)
	}
}
