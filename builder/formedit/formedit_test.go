package formedit

import (
	"bytes"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// mustCheck fails the test unless d passes schemas.Parse and Compile.
func mustCheck(t *testing.T, d *Doc) *schemas.Form {
	t.Helper()
	f, err := d.Compile()
	if err != nil {
		t.Fatalf("Check: %v %v\n%s", err, modulario.ErrorFields(err), d.JSON())
	}
	return f
}

// wantCode fails unless err has the code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if modulario.ErrorCode(err) != code {
		t.Fatalf("error code = %q (%v), want %q", modulario.ErrorCode(err), err, code)
	}
}

func TestRoundTripGallery(t *testing.T) {
	for _, tpl := range Templates() {
		t.Run(tpl.Slug, func(t *testing.T) {
			d, err := Parse(tpl.Definition)
			if err != nil {
				t.Fatal(err)
			}
			v := d.View()
			if v.Meta.Slug != tpl.Slug || len(v.Steps) == 0 || len(v.Fields) == 0 {
				t.Fatalf("view = %+v", v.Meta)
			}
			if got := d.JSON(); !bytes.Equal(got, tpl.Definition) {
				t.Fatalf("round trip changed the document:\n%s", got)
			}
			mustCheck(t, d)
			if n := len(Diff(tpl.Definition, d.JSON())); n != 0 {
				t.Fatalf("Diff of identical versions has %d changes", n)
			}
		})
	}
}

func TestTemplatesGallery(t *testing.T) {
	want := map[string]bool{"iscrizione-servizio": false, "richiesta-contributo": false}
	all := Templates()
	if len(all) < 7 {
		t.Fatalf("gallery has %d templates, want at least 7", len(all))
	}
	for _, tpl := range all {
		if _, ok := want[tpl.Slug]; !ok {
			continue
		}
		want[tpl.Slug] = true
		d, err := FromTemplate(tpl, "nuovo-"+tpl.Slug, "Nuovo "+tpl.Title)
		if err != nil {
			t.Fatal(err)
		}
		f := mustCheck(t, d)
		if len(f.Steps) < 2 || len(f.Rules()) < 2 || f.Def.Confirmation == "" || f.Def.Privacy == "" {
			t.Fatalf("%s: steps %d rules %d", tpl.Slug, len(f.Steps), len(f.Rules()))
		}
		kinds := map[FieldType]bool{}
		for _, r := range d.View().Fields {
			kinds[r.Type] = true
		}
		for _, k := range []FieldType{TypeFiscalCode, TypeEmail, TypeFile} {
			if !kinds[k] {
				t.Errorf("%s has no %s field", tpl.Slug, k)
			}
		}
		if tpl.Slug == "richiesta-contributo" && !kinds[TypeIBAN] {
			t.Errorf("contributo has no IBAN")
		}
		if d.View().Meta.Slug != "nuovo-"+tpl.Slug {
			t.Errorf("slug not replaced")
		}
	}
	for slug, seen := range want {
		if !seen {
			t.Errorf("template %s missing", slug)
		}
	}
}

func TestNewIsValid(t *testing.T) {
	d := New("prova", "Prova")
	mustCheck(t, d)
	v := d.View()
	if len(v.Steps) != 1 || v.Steps[0].Title != "Dati" || v.Meta.Privacy == "" {
		t.Fatalf("view = %+v", v)
	}
}

func TestParseRejects(t *testing.T) {
	for _, raw := range []string{`{`, `[]`, `{"schema": 3}`, `{"schema": {}, "ui": []}`} {
		_, err := Parse([]byte(raw))
		wantCode(t, err, modulario.EINVALID)
		if len(modulario.ErrorFields(err)) == 0 {
			t.Errorf("%s: no field errors", raw)
		}
	}
}

func TestSlugName(t *testing.T) {
	for in, want := range map[string]string{
		"Codice fiscale": "codice_fiscale", "Città di nascita": "citta_di_nascita",
		"  Età (anni) ": "eta_anni", "2° figlio": "campo_2_figlio", "": "campo_",
	} {
		if got := slugName(in); got != want && !(in == "" && strings.HasPrefix(got, "campo")) {
			t.Errorf("slugName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAddEveryPaletteType(t *testing.T) {
	d := New("tutti", "Tutti i campi")
	for _, p := range Palette {
		if p.Type == TypeAppointment {
			continue // needs calendars and a step of its own: appointment_test.go
		}
		path, err := d.AddField(0, p.Type, p.Label)
		if err != nil {
			t.Fatalf("%s: %v", p.Type, err)
		}
		f := mustCheck(t, d)
		fv, err := d.Field(path)
		if err != nil || fv.Type != p.Type || fv.Advanced {
			t.Fatalf("%s: view %+v %v", p.Type, fv, err)
		}
		if p.Type != TypeInfo && f.FieldAt("/"+path) == nil {
			t.Fatalf("%s: compiled form has no field %s", p.Type, path)
		}
	}
	again, _ := d.AddField(0, TypeFiscalCode, "Codice fiscale")
	if again != "codice_fiscale_2" {
		t.Fatalf("second codice fiscale = %q", again)
	}
	if c := d.root.obj("contacts"); c.str("email") != "email" || c.str("fiscalCode") != "codice_fiscale" {
		t.Fatalf("contacts = %s", encodeOrdered(c))
	}
	_, err := d.AddField(0, "nuovo", "X")
	wantCode(t, err, modulario.EINVALID)
	_, err = d.AddField(5, TypeEmail, "X")
	wantCode(t, err, modulario.ENOTFOUND)
	_, err = d.AddField(0, TypeEmail, "  ")
	wantCode(t, err, modulario.EINVALID)
}

func TestCatalogComplete(t *testing.T) {
	if m := msg.Missing(); len(m) > 0 {
		t.Fatalf("missing messages: %v", m)
	}
}
