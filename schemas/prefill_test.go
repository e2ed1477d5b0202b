package schemas

import (
	"reflect"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// prefillDoc declares one field of every kind, each with "prefill": true
// unless noted; the test removes the refused ones to build a valid form.
const prefillDoc = `{"slug":"acqua","title":"Autolettura","privacy":"Informativa.",
  "schema":{"type":"object","properties":{
    "nome":{"type":"string","title":"Nome","maxLength":40},
    "note":{"type":"string","title":"Note"},
    "consumo":{"type":"integer","title":"Consumo","minimum":0,"maximum":99999},
    "giorno":{"type":"string","format":"date","title":"Giorno"},
    "ora":{"type":"string","format":"time","title":"Ora"},
    "comune":{"type":"string","title":"Comune","enum":["Ala","Bosa","Cles","Dro","Enna"]},
    "fornitura":{"type":"string","title":"Tipo di fornitura","oneOf":[
      {"const":"domestica","title":"Domestica"},{"const":"non-domestica","title":"Non domestica"}]},
    "privato":{"type":"boolean","title":"Privato"},
    "servizi":{"type":"array","title":"Servizi","items":{"enum":["acqua","fognatura","depurazione"]},"uniqueItems":true},
    "cf":{"type":"string","format":"codice-fiscale","title":"Codice fiscale"},
    "quando":{"type":"string","format":"date-time","title":"Quando"},
    "segreto":{"type":"string","title":"Segreto"},
    "foto":{"type":"string","contentMediaType":"image/jpeg","title":"Foto"},
    "sola":{"type":"string","readOnly":true,"title":"Sola lettura"},
    "fisso":{"type":"string","const":"x","title":"Fisso"},
    "lang":{"type":"string","title":"Lingua"},
    "token":{"type":"string","title":"Token"},
    "indirizzo":{"type":"object","title":"Indirizzo","properties":{"via":{"type":"string","title":"Via"}}},
    "letture":{"type":"array","title":"Letture","items":{"type":"object","properties":{"valore":{"type":"number","title":"Valore"}}}}
  }},
  "ui":{"steps":[
    {"title":"Dati","fields":["nome","note","consumo","giorno","ora","comune","fornitura","privato","servizi","cf","quando","segreto","foto","sola","fisso","lang","token","indirizzo","letture"]},
    {"title":"Appuntamento","fields":["avviso"]}],
   "fields":{
    "nome":{"prefill":true},"note":{"widget":"textarea","prefill":true},"consumo":{"prefill":true},
    "giorno":{"prefill":true},"ora":{"prefill":true},"comune":{"widget":"select","prefill":true},
    "fornitura":{"prefill":true},"privato":{"prefill":true},"servizi":{"prefill":true},"cf":{"prefill":true},
    "quando":{"prefill":true},"segreto":{"widget":"hidden","prefill":true},"foto":{"prefill":true},
    "sola":{"prefill":true},"fisso":{"prefill":true},"lang":{"prefill":true},"token":{"prefill":true},
    "indirizzo/via":{"prefill":true},"letture/valore":{"prefill":true},
    "avviso":{"widget":"markdown","text":"Porta la bolletta.","prefill":true}}}}`

// prefillRefused is every refused field: its pointer and a distinctive
// part of the message.
var prefillRefused = map[string]string{
	"/ui/fields/quando/prefill":          "date-times",
	"/ui/fields/segreto/prefill":         "a hidden field is never prefilled",
	"/ui/fields/foto/prefill":            "not files, appointments",
	"/ui/fields/sola/prefill":            "a readOnly field",
	"/ui/fields/fisso/prefill":           "fixed value (const)",
	"/ui/fields/lang/prefill":            `the name "lang" is reserved`,
	"/ui/fields/token/prefill":           `the name "token" is reserved`,
	"/ui/fields/indirizzo~1via/prefill":  "only top-level fields",
	"/ui/fields/letture~1valore/prefill": "only top-level fields",
	"/ui/fields/avviso/prefill":          "a markdown paragraph",
}

func TestPrefillDefinitionCheck(t *testing.T) {
	_, err := Load([]byte(prefillDoc))
	got := modulario.ErrorFields(err)
	if len(got) != len(prefillRefused) {
		t.Errorf("got %d errors, want %d: %v", len(got), len(prefillRefused), got)
	}
	for ptr, want := range prefillRefused {
		if !strings.Contains(got[ptr], want) || !strings.HasPrefix(got[ptr], `"prefill" is not allowed here`) {
			t.Errorf("%s: message %q, want it to contain %q", ptr, got[ptr], want)
		}
	}
}

func TestPrefillAppointmentRefused(t *testing.T) {
	doc := strings.Replace(bookingDoc, `"calendars":["sede-centrale","delegazione-nord"]`,
		`"calendars":["sede-centrale"],"prefill":true`, 1)
	_, err := Load([]byte(doc))
	got := modulario.ErrorFields(err)["/ui/fields/appuntamento/prefill"]
	if !strings.Contains(got, "appointments") {
		t.Fatalf("errors = %v", modulario.ErrorFields(err))
	}
}

// prefillForm is prefillDoc with the refused options removed.
func prefillForm(t *testing.T) *Form {
	t.Helper()
	doc := prefillDoc
	for ptr := range prefillRefused {
		name := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(ptr, "/ui/fields/"), "/prefill"), "~1", "/")
		var ok bool
		doc, ok = removePrefill(doc, name)
		if !ok {
			t.Fatalf("no prefill option for %q", name)
		}
	}
	return mustLoad(t, []byte(doc))
}

// removePrefill drops the "prefill": true of ui.fields[name] in doc.
func removePrefill(doc, name string) (string, bool) {
	key := `"` + name + `":{`
	i := strings.LastIndex(doc, key)
	if i < 0 {
		return doc, false
	}
	j := strings.Index(doc[i:], "}") + i
	entry := doc[i:j]
	fixed := strings.NewReplacer(`,"prefill":true`, "", `"prefill":true`, "").Replace(entry)
	return doc[:i] + fixed + doc[j:], fixed != entry
}

func TestPrefillFields(t *testing.T) {
	f := prefillForm(t)
	var names []string
	for _, fl := range f.PrefillFields() {
		names = append(names, fl.Name)
	}
	want := []string{"nome", "note", "consumo", "giorno", "ora", "comune", "fornitura", "privato", "servizi", "cf"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("PrefillFields = %q, want %q", names, want)
	}
	for _, name := range []string{"segreto", "foto", "lang", "indirizzo", "via", "avviso", "sconosciuto"} {
		if f.PrefillField(name) != nil {
			t.Errorf("PrefillField(%q) is not nil", name)
		}
	}
}

func TestPrefillValue(t *testing.T) {
	f := prefillForm(t)
	tests := []struct {
		name string
		raw  []string
		want any // nil: dropped
	}{
		{"nome", []string{" Maria "}, "Maria"},
		{"nome", []string{strings.Repeat("x", 41)}, nil},
		{"nome", []string{""}, nil},
		{"note", []string{"riga"}, "riga"},
		{"consumo", []string{"42"}, 42.0},
		{"consumo", []string{"4,5"}, nil},
		{"consumo", []string{"-1"}, nil},
		{"consumo", []string{"tanti"}, nil},
		{"giorno", []string{"2026-03-01"}, "2026-03-01"},
		{"giorno", []string{"1 marzo"}, nil},
		{"ora", []string{"09:30:00Z"}, "09:30:00Z"},
		{"ora", []string{"mezzogiorno"}, nil},
		{"comune", []string{"Cles"}, "Cles"},
		{"comune", []string{"Roma"}, nil},
		{"fornitura", []string{"domestica"}, "domestica"},
		{"fornitura", []string{"industriale"}, nil},
		{"privato", []string{"true"}, true},
		{"privato", []string{"no"}, false},
		{"privato", []string{"forse"}, nil},
		{"privato", []string{""}, nil},
		{"servizi", []string{"acqua", "depurazione"}, []any{"acqua", "depurazione"}},
		{"servizi", []string{"acqua", "gas"}, nil},
		{"servizi", []string{"acqua", "acqua"}, nil},
		{"cf", []string{"rssmra85t10a562s"}, "RSSMRA85T10A562S"},
		{"cf", []string{"RSSMRA85T10A562X"}, nil},
		{"segreto", []string{"x"}, nil},
		{"lang", []string{"en"}, nil},
		{"sconosciuto", []string{"x"}, nil},
		{"nome", nil, nil},
	}
	for _, tc := range tests {
		got, ok := f.PrefillValue(tc.name, tc.raw)
		if ok != (tc.want != nil) || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("PrefillValue(%q, %q) = %#v, %v; want %#v", tc.name, tc.raw, got, ok, tc.want)
		}
	}
}
