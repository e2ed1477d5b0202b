package schemas

import (
	"reflect"
	"testing"
)

func TestEvaluateConditions(t *testing.T) {
	f := segnalazione(t)
	tests := []struct {
		name     string
		data     map[string]any
		visible  []string
		hidden   []string
		required []string
		optional []string
	}{
		{"if/then under allOf, then-branch", map[string]any{"tipo": "altro"},
			[]string{"/specifica", "/note"}, []string{"/gravita"}, []string{"/specifica", "/tipo"}, []string{"/gravita"}},
		{"if/then under allOf, other branch", map[string]any{"tipo": "strade"},
			[]string{"/gravita"}, []string{"/specifica", "/note"}, []string{"/gravita"}, []string{"/specifica"}},
		{"nothing answered", map[string]any{},
			[]string{"/tipo", "/note", "/indirizzo/via"}, []string{"/specifica", "/gravita", "/orario"}, []string{"/indirizzo/via"}, []string{"/indirizzo/riferimento"}},
		{"nested in an object", map[string]any{"indirizzo": map[string]any{"via": "sconosciuta"}},
			nil, nil, []string{"/indirizzo/riferimento"}, nil},
		{"inside array items", map[string]any{"testimoni": []any{
			map[string]any{"nome": "A", "reperibile": true}, map[string]any{"nome": "B"}}},
			[]string{"/testimoni/0/recapito", "/testimoni/1/nome"}, []string{"/testimoni/1/recapito", "/testimoni/5/recapito"},
			[]string{"/testimoni/0/recapito"}, []string{"/testimoni/1/recapito"}},
		{"dependentRequired", map[string]any{"telefono": "3331234567"},
			[]string{"/contatto"}, nil, []string{"/contatto"}, nil},
		{"dependentRequired absent", map[string]any{},
			[]string{"/contatto"}, nil, nil, []string{"/contatto"}},
		{"dependentSchemas present", map[string]any{"urgente": true},
			[]string{"/orario"}, nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := f.Evaluate(tt.data)
			for _, p := range tt.visible {
				if !st.Visible(p) {
					t.Errorf("%s should be visible", p)
				}
			}
			for _, p := range tt.hidden {
				if st.Visible(p) {
					t.Errorf("%s should be hidden", p)
				}
			}
			for _, p := range tt.required {
				if !st.Required(p) {
					t.Errorf("%s should be required", p)
				}
			}
			for _, p := range tt.optional {
				if st.Required(p) {
					t.Errorf("%s should not be required", p)
				}
			}
		})
	}
}

func TestEvaluateTopLevelIfThenElse(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","properties":{"privato":{"type":"boolean"}},
		"if":{"properties":{"privato":{"const":true}},"required":["privato"]},
		"then":{"properties":{"cf":{"type":"string","format":"codice-fiscale"}},"required":["cf"]},
		"else":{"properties":{"piva":{"type":"string","format":"partita-iva"}},"required":["piva"]}}`))
	st := f.Evaluate(map[string]any{"privato": true})
	if !st.Visible("/cf") || st.Visible("/piva") || !st.Required("/cf") || st.Required("/piva") {
		t.Error("then-branch not applied")
	}
	st = f.Evaluate(map[string]any{"privato": false})
	if st.Visible("/cf") || !st.Visible("/piva") || !st.Required("/piva") {
		t.Error("else-branch not applied")
	}
}

func TestPruneDropsStaleHiddenAnswers(t *testing.T) {
	f := segnalazione(t)
	data := map[string]any{
		"tipo": "strade", "gravita": "alta", "specifica": "vecchia risposta", "note": "n",
		"testimoni": []any{map[string]any{"nome": "A", "recapito": "x"}},
		"orario":    "10:00:00Z", "sconosciuto": 1,
	}
	got := f.Prune(data)
	want := map[string]any{
		"tipo": "strade", "gravita": "alta",
		"testimoni": []any{map[string]any{"nome": "A"}}, "sconosciuto": 1,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Prune = %v, want %v", got, want)
	}
	if data["specifica"] != "vecchia risposta" {
		t.Error("Prune modified its input")
	}
}

func TestPruneRepeatsUntilStable(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","properties":{"a":{"type":"boolean"}},
		"dependentSchemas":{
			"a":{"properties":{"b":{"type":"string"}}},
			"b":{"properties":{"c":{"type":"string"}}}}}`))
	got := f.Prune(map[string]any{"b": "x", "c": "y"})
	if len(got) != 0 {
		t.Errorf("Prune = %v, want empty (c depends on b, b on a)", got)
	}
	kept := f.Prune(map[string]any{"a": true, "b": "x", "c": "y"})
	if len(kept) != 3 {
		t.Errorf("Prune = %v, want all kept", kept)
	}
}

func TestPointerHelpers(t *testing.T) {
	data := SetPointer(nil, "/membri/1/nome", "Anna")
	if v, ok := GetPointer(data, "/membri/1/nome"); !ok || v != "Anna" {
		t.Fatalf("GetPointer = %v %v (%v)", v, ok, data)
	}
	if _, ok := GetPointer(data, "/membri/5"); ok {
		t.Error("missing index found")
	}
	data = AddItem(data, "/membri")
	if arr := data["membri"].([]any); len(arr) != 3 {
		t.Errorf("AddItem: %v", data)
	}
	data = RemoveItem(data, "/membri/0")
	if v, _ := GetPointer(data, "/membri/0/nome"); v != "Anna" || len(data["membri"].([]any)) != 2 {
		t.Errorf("RemoveItem: %v", data)
	}
	if v, ok := GetPointer(map[string]any{"a/b": 1}, "/a~1b"); !ok || v != 1 {
		t.Error("escaped token")
	}
	f := segnalazione(t)
	full := map[string]any{"testimoni": []any{map[string]any{}, map[string]any{}, map[string]any{}}}
	if got := f.AddItem(full, "/testimoni"); len(got["testimoni"].([]any)) != 3 {
		t.Error("Form.AddItem ignored maxItems")
	}
}
