package schemas

import (
	"os"
	"testing"

	"github.com/modulario/modulario"
)

// minimalDoc wraps a schema into a valid form document without ui steps.
func minimalDoc(schema string) []byte {
	return []byte(`{"slug":"prova","title":"Prova","privacy":"Informativa.","schema":` + schema + `}`)
}

// mustLoad loads a document or fails the test with its field errors.
func mustLoad(t *testing.T, doc []byte) *Form {
	t.Helper()
	f, err := Load(doc)
	if err != nil {
		t.Fatalf("Load: %v %v", err, modulario.ErrorFields(err))
	}
	return f
}

// segnalazione loads testdata/segnalazione.json.
func segnalazione(t *testing.T) *Form {
	t.Helper()
	doc, err := os.ReadFile("testdata/segnalazione.json")
	if err != nil {
		t.Fatal(err)
	}
	return mustLoad(t, doc)
}
