package demo_test

import (
	"encoding/json"
	"testing"

	"github.com/modulario/modulario/demo"
	"github.com/modulario/modulario/schemas"
)

// loadDemo returns the compiled demo form with the given slug.
func loadDemo(t *testing.T, slug string) *schemas.Form {
	t.Helper()
	for _, doc := range demo.Forms() {
		form, err := schemas.Load(doc)
		if err != nil {
			t.Fatal(err)
		}
		if form.Def.Slug == slug {
			return form
		}
	}
	t.Fatalf("no demo form %q", slug)
	return nil
}

// TestAnswers checks that realistic answers pass and that the conditional
// and repeated fields of the demo forms behave as their text promises.
func TestAnswers(t *testing.T) {
	persona := `"nome":"Maria","cognome":"Rossi","codice_fiscale":"RSSMRA85T10A562S","email":"maria.rossi@example.it"`
	segnalazione := `"luogo":{"via":"Via Roma","civico":"12","cap":"00100"},"descrizione":"Il lampione davanti al civico 12 è spento da una settimana.",` +
		`"nome":"Maria","cognome":"Rossi","email":"maria.rossi@example.it"`
	figlio := `{"nome":"Luca","cognome":"Rossi","codice_fiscale":"RSSMRA85T10A562S","scuola":"primaria-manzoni","classe":"3B"`
	tests := []struct {
		slug, data string
		invalid    []string // pointers that must have an error; none means valid
	}{
		{"richiesta-assistenza", `{"nome":"Maria","cognome":"Rossi","email":"maria.rossi@example.it","categoria":"anagrafe","servizio":"Carta d'identità","dettagli":"Quali documenti servono per il rinnovo?"}`, nil},
		{"richiesta-assistenza", `{"nome":"Maria","cognome":"Rossi","email":"maria.rossi@example.it","categoria":"anagrafe","servizio":"x","dettagli":"breve"}`, []string{"/dettagli"}},
		{"carta-identita", `{"appuntamento":"anagrafe-sede-centrale@2026-12-03T09:30:00+01:00","motivo":"Documento scaduto",` + persona + `}`, nil},
		{"carta-identita", `{"appuntamento":"giovedì alle 9:30","motivo":"x",` + persona + `}`, []string{"/appuntamento", "/motivo"}},
		{"carta-identita", `{"motivo":"Documento scaduto",` + persona + `}`, []string{"/appuntamento"}},
		{"autolettura-acqua", `{"codice_utente":"00123456","matricola":"AB12345678","lettura":1234,"data_lettura":"2026-01-08","foto":"att1","intestatario":{` + persona + `}}`, nil},
		{"autolettura-acqua", `{"codice_utente":"123","matricola":"AB12345678","lettura":-1,"data_lettura":"2026-01-08","foto":"att1","intestatario":{` + persona + `}}`, []string{"/codice_utente", "/lettura"}},
		{"segnalazione-disservizio", `{"tipo":"illuminazione","numero_palo":"PL-123",` + segnalazione + `}`, nil},
		{"segnalazione-disservizio", `{"tipo":"altro",` + segnalazione + `}`, []string{"/specifica"}},
		{"segnalazione-disservizio", `{"tipo":"altro","specifica":"Panchina rotta",` + segnalazione + `}`, nil},
		{"iscrizione-mensa-scolastica", `{"genitore":{` + persona + `,"telefono":"333 1234567"},"figli":[` + figlio + `},` + figlio + `,"dieta_speciale":true,"tipo_dieta":"Celiachia"}],"iban":"IT60X0542811101000000123456"}`, nil},
		{"iscrizione-mensa-scolastica", `{"genitore":{` + persona + `,"telefono":"333 1234567"},"figli":[` + figlio + `,"dieta_speciale":true}],"iban":"IT60X0542811101000000123457"}`, []string{"/figli/0/tipo_dieta", "/iban"}},
	}
	for _, tt := range tests {
		form := loadDemo(t, tt.slug)
		var data map[string]any
		if err := json.Unmarshal([]byte(tt.data), &data); err != nil {
			t.Fatalf("%s: bad test data: %v", tt.slug, err)
		}
		errs := form.Validate(form.Prune(data), "it")
		got := map[string]bool{}
		for _, e := range errs {
			got[e.Pointer] = true
		}
		if len(tt.invalid) == 0 && len(errs) > 0 {
			t.Errorf("%s: valid answers rejected: %+v", tt.slug, errs)
		}
		for _, p := range tt.invalid {
			if !got[p] {
				t.Errorf("%s: no error at %s; errors: %+v", tt.slug, p, errs)
			}
		}
	}
}
