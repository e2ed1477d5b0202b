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
		{"/nome", "Inserisci al massimo 5 caratteri"},
		{"/codice", "Il valore non è nel formato richiesto"},
		{"/eta", "Inserisci un numero non inferiore a 0"},
		{"/quota", "Inserisci un numero minore di 1,5"},
		{"/colore", "Scegli una delle opzioni proposte"},
		{"/tipo", "Scegli una delle opzioni proposte"},
		{"/consenso", "Seleziona questa casella per continuare"},
		{"/servizi", "Seleziona al massimo 2 opzioni"},
		{"/membri", "Puoi aggiungere al massimo un elemento"},
		{"/membri/0/nome", "Questo campo è obbligatorio"},
		{"/email", "Questo campo è obbligatorio"},
		{"/cf", "Inserisci un codice fiscale valido (16 caratteri, es. RSSMRA85T10A562S)"},
		{"/vietato", "Il valore inserito non è ammesso"},
		{"/mai", "Questo campo non è ammesso"},
		{"/extra", "Campo non previsto"},
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
		{"/nome", "Enter at least 2 characters"},
		{"/quota", "Enter a multiple of 0.25"},
		{"/servizi", "Select at least one option"},
		{"/email", "Enter a valid email address, for example name@example.com"},
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
	want := []FieldError{{"/specifica", "Questo campo è obbligatorio"}}
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
