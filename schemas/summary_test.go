package schemas

import "testing"

func TestSummaryFormatsAnswers(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","properties":{
	  "tipo":{"title":"Tipo","type":"string","oneOf":[{"const":"a","title":"Alfa"}]},
	  "ok":{"title":"Va bene","type":"boolean"},
	  "giorno":{"title":"Giorno","type":"string","format":"date"},
	  "n":{"title":"Numero","type":"number"},
	  "foto":{"title":"Foto","type":"string","contentMediaType":"image/jpeg"},
	  "membri":{"title":"Membro","type":"array","items":{"type":"object","properties":{"nome":{"title":"Nome","type":"string"}}}},
	  "vuoto":{"title":"Vuoto","type":"string"}}}`))
	data := map[string]any{"tipo": "a", "ok": false, "giorno": "2026-03-05", "n": 2.5, "foto": "id1",
		"membri": []any{map[string]any{"nome": "Anna"}}}
	steps := f.Summary(data, "it", map[string]string{"id1": "buca.jpg"})
	if len(steps) != 1 {
		t.Fatalf("steps = %+v", steps)
	}
	got := map[string]SummaryItem{}
	var walk func([]SummaryItem)
	walk = func(items []SummaryItem) {
		for _, it := range items {
			got[it.Pointer] = it
			walk(it.Children)
		}
	}
	walk(steps[0].Items)
	for ptr, want := range map[string]string{"/tipo": "Alfa", "/ok": "No", "/giorno": "05/03/2026", "/n": "2,5",
		"/foto": "buca.jpg", "/membri/0/nome": "Anna", "/vuoto": "Non indicato"} {
		if got[ptr].Value != want {
			t.Errorf("%s = %q, want %q", ptr, got[ptr].Value, want)
		}
	}
	if got["/foto"].FileID != "id1" || got["/membri/0"].Label != "Membro 1" {
		t.Errorf("file id %q, item label %q", got["/foto"].FileID, got["/membri/0"].Label)
	}
	if en := f.Summary(data, "en", nil); en[0].Items[1].Value != "No" || en[0].Items[4].Value != "id1" {
		t.Errorf("en: %+v", en[0].Items)
	}
}
