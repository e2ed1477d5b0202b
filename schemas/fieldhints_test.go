package schemas

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// capForm has fields with and without maxLength, for the default caps.
func capForm(t *testing.T) *Form {
	t.Helper()
	return mustLoad(t, minimalDoc(`{"type":"object","properties":{
		"riga":{"type":"string"},
		"testo":{"type":"string","maxLength":20000},
		"breve":{"type":"string","maxLength":5},
		"lungo":{"type":"string","maxLength":300},
		"codice":{"type":"string","pattern":"^[0-9]+$"},
		"numero":{"type":"number"},
		"giorni":{"type":"array","items":{"enum":["lun","mar"]}},
		"foto":{"type":"string","contentMediaType":"image/jpeg"},
		"membri":{"type":"array","items":{"type":"object","properties":{"nome":{"type":"string"}}}}
	}}`))
}

func TestLengthCap(t *testing.T) {
	f := capForm(t)
	for ptr, want := range map[string]int{
		"/riga": DefaultMaxLength, "/testo": 20000, "/breve": 5, "/lungo": 300,
		"/numero": DefaultMaxLengthLong, "/membri/0/nome": DefaultMaxLength,
	} {
		if got := f.FieldAt(ptr).LengthCap(); got != want {
			t.Errorf("%s: LengthCap = %d, want %d", ptr, got, want)
		}
	}
	if k := f.FieldAt("/lungo").Kind; k != KindTextarea {
		t.Errorf("/lungo is %s, want a textarea", k)
	}
}

// TestValidateLengthCap checks that a text with no maxLength is held to the
// default cap, counted in characters, in groups and items too, through
// Validate (and so the API).
func TestValidateLengthCap(t *testing.T) {
	f := capForm(t)
	over := strings.Repeat("x", DefaultMaxLength+1)
	data := map[string]any{
		"riga":   strings.Repeat("à", DefaultMaxLength), // 2000 bytes, 1000 characters: fits
		"testo":  strings.Repeat("x", 15000),            // its own maxLength is larger
		"codice": over,
		"membri": []any{map[string]any{"nome": over}},
	}
	want := []FieldError{
		{Pointer: "/codice", Message: "Inserisci al massimo 1000 caratteri"},
		{Pointer: "/membri/0/nome", Message: "Inserisci al massimo 1000 caratteri"},
	}
	if got := f.Validate(data, "it"); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if got := f.Validate(map[string]any{"riga": over}, "en"); len(got) != 1 || got[0].Message != "Enter at most 1000 characters" {
		t.Errorf("en: %v", got)
	}
	if got := f.Validate(map[string]any{"testo": strings.Repeat("x", 20001)}, "it"); len(got) != 1 ||
		got[0].Message != "Inserisci al massimo 20000 caratteri" {
		t.Errorf("own maxLength over the cap: %v", got)
	}
}

// TestDecodeStepLengthCap checks that a posted value over the field's cap
// is an error and is not stored: the answer stays as it was.
func TestDecodeStepLengthCap(t *testing.T) {
	f := capForm(t)
	before := map[string]any{"riga": "prima", "breve": "abc", "numero": 3.0, "giorni": []any{"lun"}}
	huge := strings.Repeat("9", 1<<20)
	values := url.Values{
		"/riga": {huge}, "/breve": {"abcdef"}, "/numero": {huge}, "/giorni": {"mar", huge},
		"/codice": {strings.Repeat("1", DefaultMaxLength)}, // at the cap: kept
	}
	out, errs := f.DecodeStep(1, before, values, "it")
	want := map[string]any{"riga": "prima", "breve": "abc", "numero": 3.0, "giorni": []any{"lun"},
		"codice": strings.Repeat("1", DefaultMaxLength)}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("stored %.200v", out)
	}
	wantErrs := map[string]string{
		"/riga": "Inserisci al massimo 1000 caratteri", "/breve": "Inserisci al massimo 5 caratteri",
		"/numero": "Inserisci al massimo 10000 caratteri", "/giorni": "Inserisci al massimo 10000 caratteri",
	}
	got := map[string]string{}
	for _, e := range errs {
		got[e.Pointer] = e.Message
	}
	if !reflect.DeepEqual(got, wantErrs) {
		t.Errorf("errors %v\nwant %v", got, wantErrs)
	}
}

// TestDecodeStepCRLF checks that a textarea's CRLF line breaks count as one
// character, as the browser's maxlength counts them, and are stored as LF.
func TestDecodeStepCRLF(t *testing.T) {
	f := capForm(t)
	// 11 lines of 90 characters: 1,000 for the browser, 1,010 as posted.
	text := strings.TrimSuffix(strings.Repeat(strings.Repeat("x", 90)+"\r\n", 11), "\r\n")
	out, errs := f.DecodeStep(1, map[string]any{}, url.Values{"/riga": {text}, "/breve": {"a\rb"}}, "it")
	if len(errs) != 0 {
		t.Fatalf("errors %v", errs)
	}
	if got := out["riga"].(string); strings.Contains(got, "\r") || len([]rune(got)) != 1000 {
		t.Errorf("stored %d characters, CR kept: %v", len([]rune(got)), strings.Contains(got, "\r"))
	}
	if out["breve"] != "a\nb" {
		t.Errorf("lone CR stored as %q", out["breve"])
	}
}

// TestFormatMessages checks ui errorMessage and the example hint.
func TestFormatMessages(t *testing.T) {
	f := mustLoad(t, []byte(`{"slug":"prova","title":"Prova","privacy":"Informativa.","schema":{"type":"object","properties":{
		"utente":{"type":"string","pattern":"^[0-9]{8}$","examples":["00123456"]},
		"pratica":{"type":"string","pattern":"^P-[0-9]+$","examples":["P-12"]},
		"sigla":{"type":"string","pattern":"^[A-Z]{2}$"},
		"email":{"type":"string","format":"email"},
		"cf":{"type":"string","format":"codice-fiscale","examples":["RSSMRA85T10A562S"]}
	}},"ui":{"fields":{
		"utente":{"errorMessage":"Inserisci le 8 cifre del codice utente, ad esempio 00123456"},
		"email":{"errorMessage":"Inserisci l'indirizzo email del tuo ufficio"}}}}`))
	data := map[string]any{"utente": "123", "pratica": "12", "sigla": "x", "email": "no", "cf": "no"}
	want := []FieldError{
		{Pointer: "/utente", Message: "Inserisci le 8 cifre del codice utente, ad esempio 00123456"},
		{Pointer: "/pratica", Message: "Il valore non è nel formato richiesto, ad esempio P-12"},
		{Pointer: "/sigla", Message: "Il valore non è nel formato richiesto"},
		{Pointer: "/email", Message: "Inserisci l'indirizzo email del tuo ufficio"},
		{Pointer: "/cf", Message: "Inserisci un codice fiscale valido (16 caratteri, es. RSSMRA85T10A562S)"},
	}
	if got := f.Validate(data, "it"); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if got := f.Validate(map[string]any{"pratica": "12"}, "en"); len(got) != 1 ||
		got[0].Message != "The value is not in the required format, for example P-12" {
		t.Errorf("en: %v", got)
	}
	if fl := f.FieldAt("/pratica"); fl.Example != "P-12" || fl.Placeholder != "P-12" {
		t.Errorf("example %q, placeholder %q", fl.Example, fl.Placeholder)
	}
}

// TestRequiredWhenShown checks which fields shown by a live condition are
// required by the same branch.
func TestRequiredWhenShown(t *testing.T) {
	f := segnalazione(t)
	for ptr, want := range map[string]bool{
		"/specifica": true, "/gravita": true, "/note": false, "/testimoni/0/recapito": true, "/tipo": false,
	} {
		if got := f.FieldAt(ptr).RequiredWhenShown; got != want {
			t.Errorf("%s: RequiredWhenShown = %v, want %v", ptr, got, want)
		}
	}
}
