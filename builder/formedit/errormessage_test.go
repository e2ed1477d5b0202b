package formedit

import (
	"strings"
	"testing"
)

// TestErrorMessageKept: the editor does not edit ui errorMessage, but
// keeps one written in the JSON when the field is edited.
func TestErrorMessageKept(t *testing.T) {
	d, err := Parse([]byte(`{"slug":"prova","title":"Prova","privacy":"Informativa.",
		"schema":{"type":"object","properties":{"codice":{"type":"string","title":"Codice","pattern":"^[0-9]{8}$"}}},
		"ui":{"steps":[{"title":"Uno","fields":["codice"]}],"fields":{"codice":{"errorMessage":"Inserisci le 8 cifre del codice"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	fv, err := d.Field("codice")
	if err != nil {
		t.Fatal(err)
	}
	fv.Label, fv.Help = "Codice utente", "In bolletta"
	if err := d.UpdateField("codice", fv); err != nil {
		t.Fatal(err)
	}
	if f := mustCheck(t, d).FieldAt("/codice"); f.ErrorMessage != "Inserisci le 8 cifre del codice" || f.Label != "Codice utente" {
		t.Errorf("compiled field: label %q, errorMessage %q", f.Label, f.ErrorMessage)
	}
	if !strings.Contains(string(d.JSON()), `"errorMessage": "Inserisci le 8 cifre del codice"`) {
		t.Errorf("JSON lost errorMessage:\n%s", d.JSON())
	}
}
