package schemas

import (
	"encoding/json"
	"reflect"
	"testing"
)

const columnsSchema = `{"type":"object","properties":{
  "tipo":{"title":"Tipo","type":"string","oneOf":[{"const":"buca","title":"Buca in strada"},{"const":"luce","title":"Lampione spento"}]},
  "indirizzo":{"title":"Indirizzo","type":"object","properties":{
     "via":{"title":"Via","type":"string"},"cap":{"title":"CAP","type":"string","format":"cap"}}},
  "servizi":{"title":"Servizi","type":"array","items":{"type":"string","enum":["a","b"]}},
  "urgente":{"title":"Urgente","type":"boolean"},
  "data":{"title":"Data","type":"string","format":"date"},
  "foto":{"title":"Foto","type":"string","contentMediaType":"image/jpeg"},
  "membri":{"title":"Membri","type":"array","items":{"type":"object","properties":{
     "nome":{"title":"Nome","type":"string"},
     "recapito":{"title":"Recapito","type":"object","properties":{"email":{"title":"E-mail","type":"string"}}},
     "figli":{"title":"Figli","type":"array","items":{"type":"object","properties":{"nome":{"title":"Nome","type":"string"}}}}}}}
}}`

func TestColumnsFlatten(t *testing.T) {
	f := mustLoad(t, minimalDoc(columnsSchema))
	cols := f.Columns()
	var headers []string
	parts := map[string][]string{}
	for _, c := range cols {
		headers = append(headers, c.Header)
		parts[c.Header] = c.Parts
	}
	want := []string{"Tipo", "Indirizzo › Via", "Indirizzo › CAP", "Servizi", "Urgente", "Data", "Foto",
		"Membri › Nome", "Membri › Recapito › E-mail", "Membri › Figli › Nome"}
	if !reflect.DeepEqual(headers, want) {
		t.Fatalf("headers\n got %q\nwant %q", headers, want)
	}
	for h, p := range map[string][]string{
		"Indirizzo › CAP":            {"/indirizzo/cap"},
		"Membri › Recapito › E-mail": {"/membri", "/recapito/email"},
		"Membri › Figli › Nome":      {"/membri", "/figli", "/nome"},
	} {
		if !reflect.DeepEqual(parts[h], p) {
			t.Errorf("%s: parts %q, want %q", h, parts[h], p)
		}
	}
}

func TestColumnValue(t *testing.T) {
	f := mustLoad(t, minimalDoc(columnsSchema))
	var data map[string]any
	if err := json.Unmarshal([]byte(`{"tipo":"luce","indirizzo":{"via":"Via Roma 1","cap":"00100"},
	  "servizi":["a","b"],"urgente":true,"data":"2026-03-01","foto":"att1",
	  "membri":[{"nome":"Anna","recapito":{"email":"anna@example.it"},"figli":[{"nome":"Bea"},{"nome":"Carlo"}]},
	            {"nome":"Dario"}]}`), &data); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range f.Columns() {
		got[c.Header] = ColumnValue(c, data, "it", map[string]string{"att1": "buca.jpg"})
	}
	want := map[string]string{
		"Tipo": "Lampione spento", "Indirizzo › Via": "Via Roma 1", "Indirizzo › CAP": "00100",
		"Servizi": "a; b", "Urgente": "Sì", "Data": "01/03/2026", "Foto": "buca.jpg",
		"Membri › Nome": "1: Anna; 2: Dario", "Membri › Recapito › E-mail": "1: anna@example.it",
		"Membri › Figli › Nome": "1: 1: Bea; 2: Carlo",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("values\n got %q\nwant %q", got, want)
	}
	empty := ColumnValue(f.Columns()[0], map[string]any{}, "it", nil)
	if empty != "" {
		t.Errorf("missing answer: %q, want empty", empty)
	}
	if v := ColumnValue(f.Columns()[4], map[string]any{"urgente": false}, "it", nil); v != "No" {
		t.Errorf("false: %q, want No", v)
	}
}
