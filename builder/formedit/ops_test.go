package formedit

import (
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/demo"
)

// base returns a two-step form with a choice, a number, an email and a group.
func base(t *testing.T) *Doc {
	t.Helper()
	d := New("prova", "Prova")
	if _, err := d.AddStep("Contatti"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		step int
		t    FieldType
		l    string
	}{{0, TypeRadio, "Tipo"}, {0, TypeNumber, "Importo"}, {0, TypeLongText, "Descrizione"},
		{1, TypeEmail, "Email"}, {1, TypeRepeat, "Figli"}} {
		if _, err := d.AddField(f.step, f.t, f.l); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// stepNames returns the field names of every step.
func stepNames(d *Doc) string {
	var parts []string
	for _, s := range d.View().Steps {
		var names []string
		for _, f := range s.Fields {
			names = append(names, f.Path)
		}
		parts = append(parts, strings.Join(names, ","))
	}
	return strings.Join(parts, "|")
}

func TestOperations(t *testing.T) {
	tests := []struct {
		name  string
		op    func(d *Doc) error
		code  string
		check func(t *testing.T, d *Doc)
	}{
		{"move field down", func(d *Doc) error { return d.MoveField("tipo", 1) }, "",
			func(t *testing.T, d *Doc) { eq(t, stepNames(d), "importo,tipo,descrizione|email,figli") }},
		{"move past last goes to next step", func(d *Doc) error { return d.MoveField("descrizione", 1) }, "",
			func(t *testing.T, d *Doc) { eq(t, stepNames(d), "tipo,importo|descrizione,email,figli") }},
		{"move past first goes to previous step", func(d *Doc) error { return d.MoveField("email", -1) }, "",
			func(t *testing.T, d *Doc) { eq(t, stepNames(d), "tipo,importo,descrizione,email|figli") }},
		{"move to step", func(d *Doc) error { return d.MoveFieldToStep("tipo", 1) }, "",
			func(t *testing.T, d *Doc) { eq(t, stepNames(d), "importo,descrizione|email,figli,tipo") }},
		{"move missing", func(d *Doc) error { return d.MoveField("nessuno", 1) }, modulario.ENOTFOUND, nil},
		{"delete step moves fields back", func(d *Doc) error { return d.DeleteStep(1) }, "",
			func(t *testing.T, d *Doc) { eq(t, stepNames(d), "tipo,importo,descrizione,email,figli") }},
		{"delete first step moves fields forward", func(d *Doc) error { return d.DeleteStep(0) }, "",
			func(t *testing.T, d *Doc) { eq(t, stepNames(d), "tipo,importo,descrizione,email,figli") }},
		{"move step", func(d *Doc) error { return d.MoveStep(1, -1) }, "",
			func(t *testing.T, d *Doc) { eq(t, stepNames(d), "email,figli|tipo,importo,descrizione") }},
		{"rename step", func(d *Doc) error { return d.UpdateStep(1, "I tuoi contatti", "Ti scriveremo qui.") }, "",
			func(t *testing.T, d *Doc) {
				s := d.View().Steps[1]
				eq(t, s.Title+"/"+s.Intro, "I tuoi contatti/Ti scriveremo qui.")
			}},
		{"rename step without title", func(d *Doc) error { return d.UpdateStep(1, " ", "") }, modulario.EINVALID, nil},
		{"delete field", func(d *Doc) error { return d.DeleteField("importo") }, "",
			func(t *testing.T, d *Doc) {
				eq(t, stepNames(d), "tipo,descrizione|email,figli")
				if strings.Contains(string(d.JSON()), "importo") {
					t.Fatal("importo still in the document")
				}
			}},
		{"delete email drops contact", func(d *Doc) error { return d.DeleteField("email") }, "",
			func(t *testing.T, d *Doc) {
				if d.root.has("contacts") {
					t.Fatal("contacts kept")
				}
			}},
		{"add child", func(d *Doc) error { _, err := d.AddChild("figli", TypeFiscalCode, "Codice fiscale"); return err }, "",
			func(t *testing.T, d *Doc) {
				f, _ := d.Field("figli")
				if len(f.Children) != 1 || f.Children[0].Path != "figli/codice_fiscale" {
					t.Fatalf("children = %+v", f.Children)
				}
			}},
		{"add child to a non-group", func(d *Doc) error { _, err := d.AddChild("tipo", TypeEmail, "X"); return err },
			modulario.EINVALID, nil},
		{"set meta", func(d *Doc) error {
			m := d.View().Meta
			m.Title, m.Office, m.Summary = "Nuovo titolo", "urp", "Breve"
			return d.SetMeta(m)
		}, "", func(t *testing.T, d *Doc) {
			m := d.View().Meta
			eq(t, m.Title+m.Office+m.Summary, "Nuovo titolourpBreve")
		}},
		{"set meta bad slug", func(d *Doc) error { m := d.View().Meta; m.Slug = "Con Spazi"; return d.SetMeta(m) },
			modulario.EINVALID, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := base(t)
			before := string(d.JSON())
			err := tt.op(d)
			if tt.code != "" {
				wantCode(t, err, tt.code)
				if string(d.JSON()) != before {
					t.Fatal("a refused operation changed the document")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			mustCheck(t, d)
			tt.check(t, d)
		})
	}
}

func TestDeleteLastStepRefused(t *testing.T) {
	d := New("a", "A")
	wantCode(t, d.DeleteStep(0), modulario.EINVALID)
}

func TestUpdateField(t *testing.T) {
	d := base(t)
	n1, n2 := 3, 50
	err := d.UpdateField("descrizione", FieldView{Type: TypeShortText, Label: "Oggetto", Help: "In breve",
		Placeholder: "Es. buca", Required: true, MinLength: &n1, MaxLength: &n2})
	if err != nil {
		t.Fatal(err)
	}
	f := mustCheck(t, d).FieldAt("/descrizione")
	if f.Label != "Oggetto" || !f.Required || *f.MaxLength != 50 || f.Kind != "text" || f.Help != "In breve" {
		t.Fatalf("compiled field = %+v", f)
	}
	opts := []Option{{Label: "Strade"}, {Label: "Illuminazione pubblica"}, {Value: "altro", Label: "Altro"}}
	if err := d.UpdateField("tipo", FieldView{Type: TypeSelect, Label: "Tipo", Options: opts}); err != nil {
		t.Fatal(err)
	}
	fv, _ := d.Field("tipo")
	if fv.Type != TypeSelect || len(fv.Options) != 3 || fv.Options[1].Value != "illuminazione_pubblica" {
		t.Fatalf("view = %+v", fv)
	}
	if mustCheck(t, d).FieldAt("/tipo").Kind != "select" {
		t.Fatal("not a select")
	}
	if err := d.UpdateField("tipo", FieldView{Type: TypeCheckboxes, Label: "Tipi", Options: fv.Options}); err != nil {
		t.Fatal(err)
	}
	if mustCheck(t, d).FieldAt("/tipo").Kind != "checkboxes" {
		t.Fatal("not checkboxes")
	}
	bad := []FieldView{
		{Label: ""},
		{Label: "X", Type: TypeFile},
		{Label: "X", MinLength: &n2, MaxLength: &n1},
	}
	for _, b := range bad {
		wantCode(t, d.UpdateField("descrizione", b), modulario.EINVALID)
	}
	err = d.UpdateField("tipo", FieldView{Label: "X", Options: []Option{{"a", "A"}, {"a", "B"}}})
	wantCode(t, err, modulario.EINVALID)
	wantCode(t, d.UpdateField("manca", FieldView{Label: "X"}), modulario.ENOTFOUND)
}

func TestPatternSurvivesEdits(t *testing.T) {
	d := base(t)
	s, _ := d.locate("descrizione")
	s.prop.set("pattern", "^[A-Z].*$")
	fv, _ := d.Field("descrizione")
	if !fv.Advanced || !strings.Contains(fv.AdvancedReason, "pattern") {
		t.Fatalf("not advanced: %+v", fv)
	}
	if err := d.UpdateField("importo", FieldView{Label: "Importo in euro", Required: true}); err != nil {
		t.Fatal(err)
	}
	_, _ = d.AddField(0, TypeDate, "Data")
	_ = d.MoveField("descrizione", -1)
	if err := d.UpdateField("descrizione", FieldView{Label: "Descrizione del problema"}); err != nil {
		t.Fatal(err)
	}
	if err := d.SetCondition("descrizione", &Condition{Field: "tipo", Op: OpEq, Values: []string{"opzione_1"}}); err != nil {
		t.Fatal(err)
	}
	f := mustCheck(t, d).FieldAt("/descrizione")
	if f.Pattern != "^[A-Z].*$" || f.Label != "Descrizione del problema" {
		t.Fatalf("pattern lost: %+v", f)
	}
	wantCode(t, d.UpdateField("descrizione", FieldView{Label: "X", Type: TypeEmail}), modulario.EINVALID)
}

func TestDemoNestedAndConditionalView(t *testing.T) {
	for _, raw := range demo.Forms() {
		d, _ := Parse(raw)
		if d.View().Meta.Slug != "segnalazione-disservizio" {
			continue
		}
		f, err := d.Field("specifica")
		if err != nil || f.Condition == nil || f.Condition.Field != "tipo" || f.Condition.Values[0] != "altro" || !f.Required {
			t.Fatalf("specifica = %+v %v", f, err)
		}
		l, _ := d.Field("luogo")
		if l.Type != TypeAddress || len(l.Children) != 3 || l.Children[0].Path != "luogo/via" || !l.Children[0].Required {
			t.Fatalf("luogo = %+v", l)
		}
		foto, _ := d.Field("foto")
		if foto.Type != TypePhoto || foto.MaxSizeMB != 10 {
			t.Fatalf("foto = %+v", foto)
		}
		err = d.DeleteField("tipo")
		wantCode(t, err, modulario.ECONFLICT)
		if !strings.Contains(modulario.ErrorMessage(err), "Specifica il tipo di problema") ||
			!strings.Contains(modulario.ErrorMessage(err), "Perdite d'acqua") {
			t.Fatalf("conflict message = %q", modulario.ErrorMessage(err))
		}
		return
	}
	t.Fatal("demo form not found")
}

// eq fails unless got equals want.
func eq(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
