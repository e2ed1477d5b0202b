package demo_test

import "testing"

// TestCodiceUtenteMessage checks that a wrong codice utente says what is
// expected instead of the generic "not in the required format".
func TestCodiceUtenteMessage(t *testing.T) {
	form := loadDemo(t, "autolettura-acqua")
	const want = "Inserisci le 8 cifre del codice utente, senza spazi né lettere, ad esempio 00123456"
	for _, e := range form.Validate(map[string]any{"codice_utente": "123"}, "it") {
		if e.Pointer == "/codice_utente" {
			if e.Message != want {
				t.Errorf("message %q, want %q", e.Message, want)
			}
			return
		}
	}
	t.Error("no error for /codice_utente")
}
