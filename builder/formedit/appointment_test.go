package formedit

import (
	"slices"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

func TestAddAppointment(t *testing.T) {
	d := New("prenota", "Prenota")
	if _, err := d.AddField(0, TypeFiscalCode, "Codice fiscale"); err != nil {
		t.Fatal(err)
	}
	before := string(d.JSON())
	_, err := d.AddAppointment(0, "", nil)
	wantCode(t, err, modulario.EINVALID)
	if modulario.ErrorFields(err)["calendars"] == "" {
		t.Errorf("no calendars error: %v", modulario.ErrorFields(err))
	}
	_, err = d.AddAppointment(0, "", []string{"Non Valido"})
	wantCode(t, err, modulario.EINVALID)
	if string(d.JSON()) != before {
		t.Fatal("a refused AddAppointment changed the document")
	}

	// Step 1 has a field: the appointment gets a new step 2 of its own.
	path, err := d.AddAppointment(0, "", []string{"sede-centrale", "delegazione-nord", "sede-centrale"})
	if err != nil || path != "appuntamento" {
		t.Fatalf("AddAppointment = %q, %v", path, err)
	}
	f := mustCheck(t, d)
	v := d.View()
	if len(v.Steps) != 2 || len(v.Steps[1].Fields) != 1 || v.Steps[1].Title != "Data e orario" {
		t.Fatalf("steps = %+v", v.Steps)
	}
	fv := v.Steps[1].Fields[0]
	if fv.Type != TypeAppointment || fv.Label != "Data e orario" || !fv.Required ||
		!slices.Equal(fv.Calendars, []string{"sede-centrale", "delegazione-nord"}) || fv.Advanced {
		t.Fatalf("field view = %+v", fv)
	}
	if cf := f.FieldAt("/appuntamento"); cf == nil || cf.Kind != schemas.KindAppointment {
		t.Fatalf("compiled field = %+v", cf)
	}

	// No other input may join its step, nor may it join another's.
	_, err = d.AddField(1, TypeEmail, "Email")
	wantCode(t, err, modulario.EINVALID)
	if _, err := d.AddField(1, TypeInfo, "Porta il documento."); err != nil {
		t.Fatalf("an informative text beside the appointment: %v", err)
	}
	wantCode(t, d.MoveFieldToStep("codice_fiscale", 1), modulario.EINVALID)
	wantCode(t, d.MoveFieldToStep("appuntamento", 0), modulario.EINVALID)
	wantCode(t, d.MoveField("codice_fiscale", 1), modulario.EINVALID)
	mustCheck(t, d)

	// Editing keeps the widget and changes the calendars; none is refused.
	fv.Calendars = []string{"videochiamata-urp"}
	fv.Label = "Quando vuoi venire?"
	if err := d.UpdateField("appuntamento", fv); err != nil {
		t.Fatal(err)
	}
	got, _ := d.Field("appuntamento")
	if got.Label != "Quando vuoi venire?" || !slices.Equal(got.Calendars, []string{"videochiamata-urp"}) {
		t.Fatalf("after update: %+v", got)
	}
	fv.Calendars = nil
	wantCode(t, d.UpdateField("appuntamento", fv), modulario.EINVALID)
	mustCheck(t, d)

	// On an empty step the field goes there, and a group refuses it.
	d2 := New("solo", "Solo prenotazione")
	if p, err := d2.AddField(0, TypeAppointment, "Appuntamento"); err == nil || p != "" {
		t.Fatalf("AddField without calendars = %q, %v", p, err)
	}
	if _, err := d2.AddAppointment(0, "Giorno e ora", []string{"sede"}); err != nil {
		t.Fatal(err)
	}
	if v := d2.View(); len(v.Steps) != 1 || v.Steps[0].Fields[0].Label != "Giorno e ora" {
		t.Fatalf("steps = %+v", v.Steps)
	}
	mustCheck(t, d2)
}
