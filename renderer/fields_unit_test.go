package renderer

import (
	"testing"

	"github.com/modulario/modulario/schemas"
)

// TestFileSizeNeverOverstates: a limit is written with one decimal rounded
// down when it is not a whole number of units, in the page's language.
func TestFileSizeNeverOverstates(t *testing.T) {
	tests := []struct {
		n    int64
		lang string
		want string
	}{
		{2000, "it", "1,9 KB"},
		{2000, "en", "1.9 KB"},
		{1 << 10, "it", "1 KB"},
		{100, "it", "0,1 KB"},
		{3 << 19, "it", "1,5 MB"},
		{10 << 20, "en", "10 MB"},
		{5242880, "it", "5 MB"},
	}
	for _, tt := range tests {
		if got := fileSize(tt.n, tt.lang); got != tt.want {
			t.Errorf("fileSize(%d, %s) = %q, want %q", tt.n, tt.lang, got, tt.want)
		}
	}
}

// TestFileLimitsHelp: a file field says which files it takes and how large
// they may be before the upload.
func TestFileLimitsHelp(t *testing.T) {
	f := &schemas.Field{Kind: schemas.KindFile, MaxSize: 5 << 20, Accept: []string{"image/jpeg", "image/png",
		"application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}}
	if got := fileLimits(f, "it"); got != "Formati ammessi: JPEG, PNG, PDF, DOCX. Dimensione massima: 5 MB." {
		t.Errorf("it: %q", got)
	}
	images := &schemas.Field{Kind: schemas.KindFile, Accept: []string{"image/*"}}
	if got := fileLimits(images, "en"); got != "Accepted formats: images. Maximum size: 10 MB." {
		t.Errorf("en: %q", got)
	}
	if got := fileLimits(&schemas.Field{Kind: schemas.KindFile, MaxSize: 2000}, "it"); got != "Dimensione massima: 1,9 KB." {
		t.Errorf("no accept: %q", got)
	}
	if got := fileLimits(&schemas.Field{Kind: schemas.KindText}, "it"); got != "" {
		t.Errorf("text field: %q", got)
	}
}

// TestYesNoOptionsInEnglish: a yes/no field drawn as radios reads Yes/No
// on an English page.
func TestYesNoOptionsInEnglish(t *testing.T) {
	form, err := schemas.Load([]byte(`{"slug":"p","title":"P","privacy":"x",
		"schema":{"type":"object","properties":{"residente":{"type":"boolean"}}},
		"ui":{"fields":{"residente":{"widget":"radio"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	opts := options("f-residente", form.FieldAt("/residente"), true, "en")
	if len(opts) != 2 || opts[0].Label != "Yes" || !opts[0].Selected || opts[1].Label != "No" {
		t.Errorf("options = %+v", opts)
	}
	if opts := options("f-residente", form.FieldAt("/residente"), nil, "it"); opts[0].Label != "Sì" {
		t.Errorf("it options = %+v", opts)
	}
}

// TestWhenNotes: a field shown by an answer of the same step says in words
// when it is to be filled in, in the page's language, and a field the
// branch requires is marked as required before the answer is known.
func TestWhenNotes(t *testing.T) {
	form, err := schemas.Load([]byte(`{"slug":"p","title":"P","privacy":"x","schema":{"type":"object",
		"properties":{
			"tipo":{"title":"Tipo di disservizio","oneOf":[{"const":"buca","title":"Buca"},{"const":"luce","title":"Lampione"},{"const":"altro","title":"Altro"}]},
			"residente":{"title":"Sei residente?","type":"boolean"},
			"urgente":{"title":"È urgente","type":"boolean"},
			"piano":{"title":"Piano","type":"integer"},
			"figli":{"title":"Figli","type":"array","items":{"type":"object","properties":{"dieta":{"title":"Dieta speciale","type":"boolean"}},
				"dependentSchemas":{"dieta":{"properties":{"quale":{"title":"Quale dieta","type":"string"}},"required":["quale"]}}}}},
		"allOf":[
			{"if":{"properties":{"tipo":{"enum":["buca","luce"]}},"required":["tipo"]},"then":{"properties":{"dove":{"title":"Dove","type":"string"}}}},
			{"if":{"properties":{"tipo":{"const":"altro"}},"required":["tipo"]},"else":{"properties":{"foto":{"title":"Foto","type":"string"}}}},
			{"if":{"properties":{"residente":{"const":true}},"required":["residente"]},"then":{"properties":{"via":{"title":"Via","type":"string"}}}},
			{"if":{"properties":{"urgente":{"const":false}},"required":["urgente"]},"then":{"properties":{"quando":{"title":"Quando","type":"string"}}}},
			{"if":{"properties":{"piano":{"const":3}},"required":["piano"]},"then":{"properties":{"scala":{"title":"Scala","type":"string"}}}}],
		"dependentSchemas":{"piano":{"properties":{"ascensore":{"title":"Ascensore","type":"boolean"}}}}},
		"ui":{"fields":{"residente":{"widget":"radio"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{"figli": []any{map[string]any{}}}
	tests := []struct {
		ptr, lang, want string
		required        bool
	}{
		{"/dove", "it", "Da compilare solo se hai scelto «Buca» o «Lampione» in «Tipo di disservizio»", false},
		{"/dove", "en", "Only if you chose “Buca” or “Lampione” in “Tipo di disservizio”", false},
		{"/foto", "it", "Da compilare solo se non hai scelto «Altro» in «Tipo di disservizio»", false},
		{"/via", "it", "Da compilare solo se hai scelto «Sì» in «Sei residente?»", false},
		{"/via", "en", "Only if you chose “Yes” in “Sei residente?”", false},
		{"/quando", "it", "Da compilare solo se non hai selezionato «È urgente»", false},
		{"/scala", "it", "Da compilare solo se hai indicato «3» in «Piano»", false},
		{"/ascensore", "it", "Da compilare solo se hai risposto a «Piano»", false},
		{"/figli/0/quale", "it", "Da compilare solo se hai selezionato «Dieta speciale»", true},
		{"/figli/0/quale", "en", "Only if you ticked “Dieta speciale”", true},
	}
	for _, tt := range tests {
		in := &viewInput{lang: tt.lang, form: form, state: form.Evaluate(data), step: 1, data: data, errs: map[string]string{}}
		prefix := ""
		if tt.ptr == "/figli/0/quale" {
			prefix = "/figli/0"
		}
		v := in.field(form.FieldAt(tt.ptr), tt.ptr, prefix)
		if v.WhenNote != tt.want || v.Required != tt.required {
			t.Errorf("%s %s: note %q required %v, want %q %v", tt.ptr, tt.lang, v.WhenNote, v.Required, tt.want, tt.required)
		}
	}
	in := &viewInput{lang: "it", form: form, state: form.Evaluate(data), step: 1, data: data}
	if got := in.whenNote([]schemas.Trigger{{Pointer: "/nessuno", Values: []string{"x"}}}, ""); got !=
		"Da compilare solo in alcuni casi, in base alle risposte precedenti" {
		t.Errorf("unknown trigger field: %q", got)
	}
	if got := in.whenNote([]schemas.Trigger{{Pointer: "/tipo", Values: []string{"altro"}}, {Pointer: "/urgente", Values: []string{"true"}}}, ""); got !=
		"Da compilare solo se hai scelto «Altro» in «Tipo di disservizio» e hai selezionato «È urgente»" {
		t.Errorf("two triggers: %q", got)
	}
	if v := in.field(form.FieldAt("/tipo"), "/tipo", ""); v.WhenNote != "" {
		t.Errorf("unconditional field has a note: %q", v.WhenNote)
	}
}
