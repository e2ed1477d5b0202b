package schemas

import (
	"reflect"
	"testing"
)

func TestFieldModelKinds(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","properties":{
		"testo":{"type":"string","title":"Testo","examples":["es. Mario"],"readOnly":true,"default":"Mario"},
		"lungo":{"type":"string","maxLength":600},
		"numero":{"type":"number","minimum":0,"exclusiveMaximum":10,"multipleOf":0.5},
		"intero":{"type":"integer"},
		"giorno":{"type":"string","format":"date"},
		"ora":{"type":"string","format":"time"},
		"quando":{"type":"string","format":"date-time"},
		"pochi":{"enum":["a","b"]},
		"molti":{"type":"string","oneOf":[{"const":"1","title":"Uno"},{"const":"2","title":"Due"},
			{"const":"3","title":"Tre"},{"const":"4","title":"Quattro"},{"const":"5","title":"Cinque"}]},
		"numeri":{"type":"integer","enum":[1,2]},
		"flag":{"type":"boolean"},
		"scelte":{"type":"array","items":{"enum":["x","y","z"]},"maxItems":2,"uniqueItems":true},
		"foto":{"type":"string","contentMediaType":"image/png"},
		"doc":{"type":"string"},
		"nascosto":{"type":"string"},
		"tel":{"type":["string","null"],"format":"telefono"},
		"cap":{"type":"string","format":"cap"},
		"gruppo":{"type":"object","properties":{"via":{"type":"string"}},"required":["via"]},
		"ripetuto":{"type":"array","items":{"type":"object","properties":{"nome":{"type":"string"}}}}
	},"required":["testo"]}`))
	f2 := mustLoad(t, []byte(`{"slug":"p","title":"P","privacy":"x",
		"schema":{"type":"object","properties":{"doc":{"type":"string"},"nascosto":{"type":"string"},"s":{"enum":["a","b"]}}},
		"ui":{"steps":[{"title":"Uno","fields":["intro","doc","nascosto","s"]}],
		"fields":{"intro":{"widget":"markdown","text":"**Ciao**"},"doc":{"widget":"file","accept":["application/pdf"]},
		"nascosto":{"widget":"hidden"},"s":{"widget":"select"}}}}`))
	tests := []struct {
		form      *Form
		ptr       string
		kind      Kind
		inputType string
	}{
		{f, "/testo", KindText, "text"},
		{f, "/lungo", KindTextarea, ""},
		{f, "/numero", KindNumber, "number"},
		{f, "/intero", KindNumber, "number"},
		{f, "/giorno", KindDate, "date"},
		{f, "/ora", KindTime, "time"},
		{f, "/quando", KindDateTime, "datetime-local"},
		{f, "/pochi", KindRadio, ""},
		{f, "/molti", KindSelect, ""},
		{f, "/numeri", KindRadio, ""},
		{f, "/flag", KindCheckbox, ""},
		{f, "/scelte", KindCheckboxes, ""},
		{f, "/foto", KindFile, ""},
		{f, "/tel", KindText, "tel"},
		{f, "/gruppo", KindGroup, ""},
		{f, "/gruppo/via", KindText, "text"},
		{f, "/ripetuto", KindRepeat, ""},
		{f, "/ripetuto/3/nome", KindText, "text"},
		{f2, "/doc", KindFile, ""},
		{f2, "/nascosto", KindHidden, ""},
		{f2, "/s", KindSelect, ""},
	}
	for _, tt := range tests {
		fl := tt.form.FieldAt(tt.ptr)
		if fl == nil {
			t.Errorf("%s: no field", tt.ptr)
			continue
		}
		if fl.Kind != tt.kind || fl.InputType != tt.inputType {
			t.Errorf("%s: kind %s/%q, want %s/%q", tt.ptr, fl.Kind, fl.InputType, tt.kind, tt.inputType)
		}
	}
	testo := f.FieldAt("/testo")
	if testo.Label != "Testo" || testo.Placeholder != "es. Mario" || !testo.ReadOnly || !testo.Required {
		t.Errorf("testo = %+v", testo)
	}
	if l := f.FieldAt("/lungo"); l.Label != "lungo" || *l.MaxLength != 600 {
		t.Errorf("lungo = %+v", l)
	}
	n := f.FieldAt("/numero")
	if *n.Minimum != 0 || *n.ExclusiveMax != 10 || *n.MultipleOf != 0.5 || n.InputMode != "decimal" {
		t.Errorf("numero = %+v", n)
	}
	if got := f.FieldAt("/molti").OptionLabel("3"); got != "Tre" {
		t.Errorf("OptionLabel = %q", got)
	}
	if v := f.FieldAt("/numeri").Options[1].Value; v != 2.0 {
		t.Errorf("numeric option value %#v", v)
	}
	if s := f.FieldAt("/scelte"); len(s.Options) != 3 || *s.MaxItems != 2 {
		t.Errorf("scelte = %+v", s)
	}
	if p := f.FieldAt("/foto"); !reflect.DeepEqual(p.Accept, []string{"image/png"}) || p.MaxSize != 10<<20 {
		t.Errorf("foto = %+v", p)
	}
	if tel := f.FieldAt("/tel"); !tel.Nullable || tel.InputMode != "tel" {
		t.Errorf("tel = %+v", tel)
	}
	if c := f.FieldAt("/cap"); c.InputMode != "numeric" {
		t.Errorf("cap inputmode %q", c.InputMode)
	}
	if g := f.FieldAt("/gruppo/via"); g.Path != "gruppo/via" || !g.Required {
		t.Errorf("gruppo/via = %+v", g)
	}
	if r := f.FieldAt("/ripetuto/0/nome"); r.Pointer != "/nome" || r.Path != "ripetuto/nome" {
		t.Errorf("repeat child = %+v", r)
	}
	if len(f.Steps) != 1 || f.Steps[0].Title != "Prova" || f.Steps[0].Fields[0].Name != "testo" ||
		f.Steps[0].Fields[len(f.Steps[0].Fields)-1].Name != "ripetuto" {
		t.Errorf("default step: %+v", f.Steps[0])
	}
	md := f2.Steps[0].Fields[0]
	if md.Kind != KindMarkdown || md.Text != "**Ciao**" {
		t.Errorf("markdown entry = %+v", md)
	}
	if d := f2.FieldAt("/doc"); !reflect.DeepEqual(d.Accept, []string{"application/pdf"}) {
		t.Errorf("doc accept %v", d.Accept)
	}
}

func TestFieldModelConditions(t *testing.T) {
	f := segnalazione(t)
	tests := []struct {
		ptr         string
		conditional bool
		showWhen    []Trigger
		step        int
	}{
		{"/tipo", false, nil, 1},
		{"/specifica", true, []Trigger{{Pointer: "/tipo", Values: []string{"altro"}}}, 1},
		{"/gravita", true, []Trigger{{Pointer: "/tipo", Values: []string{"perdita", "strade"}}}, 1},
		{"/note", true, []Trigger{{Pointer: "/tipo", Values: []string{"perdita", "strade"}, Negate: true}}, 1},
		{"/orario", true, []Trigger{{Pointer: "/urgente", Values: []string{"true"}}}, 1}, // ticked, not just answered
		{"/contatto", true, nil, 3},
		{"/testimoni/0/recapito", true, []Trigger{{Pointer: "/reperibile", Values: []string{"true"}}}, 2},
		{"/indirizzo/cap", false, nil, 2},
	}
	for _, tt := range tests {
		fl := f.FieldAt(tt.ptr)
		if fl == nil {
			t.Errorf("%s: missing", tt.ptr)
			continue
		}
		if fl.Conditional != tt.conditional || !reflect.DeepEqual(fl.ShowWhen, tt.showWhen) || fl.Step != tt.step {
			t.Errorf("%s: conditional=%v showWhen=%+v step=%d", tt.ptr, fl.Conditional, fl.ShowWhen, fl.Step)
		}
	}
	if f.StepOf("/testimoni/1/nome") != 2 || f.StepOf("/nessuno") != 0 {
		t.Error("StepOf")
	}
	if n := len(f.Fields()); n != 24 {
		t.Errorf("Fields() = %d fields", n)
	}
}
