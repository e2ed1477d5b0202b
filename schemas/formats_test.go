package schemas

import (
	"strings"
	"testing"
)

// omocodic replaces the digits at the given positions of cf with their
// omocodia letters and recomputes the check character.
func omocodic(cf string, positions ...int) string {
	b := []byte(cf)
	for _, p := range positions {
		b[p] = "LMNPQRSTUV"[b[p]-'0']
	}
	b[15] = CodiceFiscaleCheck(string(b[:15]))
	return string(b)
}

func TestFormats(t *testing.T) {
	valid := "RSSMRA85T10A562S"
	omo1 := omocodic(valid, 14)
	omoAll := omocodic(valid, 6, 7, 9, 10, 12, 13, 14)
	wrongCheck := omo1[:15] + string(rune('A'+(omo1[15]-'A'+1)%26))
	tests := []struct {
		format string
		value  string
		want   bool
	}{
		{"codice-fiscale", valid, true},
		{"codice-fiscale", omo1, true},
		{"codice-fiscale", omoAll, true},
		{"codice-fiscale", wrongCheck, false},
		{"codice-fiscale", "SPNDNL80R13C555X", false},
		{"codice-fiscale", strings.ToLower(valid), false},
		{"codice-fiscale", valid[:15], false},
		{"codice-fiscale", valid + "A", false},
		{"codice-fiscale", "RSSMRA85Z10A562S", false}, // Z is not a month letter
		{"partita-iva", "01114601006", true},
		{"partita-iva", "00743110157", true},
		{"partita-iva", "01114601007", false},
		{"partita-iva", "0111460100", false},
		{"partita-iva", "0111460100A", false},
		{"iban", "IT60X0542811101000000123456", true},
		{"iban", "DE89370400440532013000", true},
		{"iban", "GB82WEST12345698765432", true},
		{"iban", "IT60X0542811101000000123457", false},
		{"iban", "IT60X054281110100000012345", false}, // 26 characters
		{"iban", "it60x0542811101000000123456", false},
		{"iban", "XX12", false},
		{"cap", "00184", true},
		{"cap", "20121", true},
		{"cap", "0184", false},
		{"cap", "001845", false},
		{"cap", "0O184", false},
		{"telefono", "+39 333 1234567", true},
		{"telefono", "0039 06 1234567", true},
		{"telefono", "333-123.4567", true},
		{"telefono", "06 1234567", true},
		{"telefono", "3331234", true},
		{"telefono", "12345678", false},
		{"telefono", "+44 20 7946 0958", false},
		{"telefono", "33312", false},
		{"telefono", "333123456789012", false},
		{"telefono", "tel 3331234567", false},
		{"targa", "AB123CD", true},
		{"targa", "AI123CD", false},
		{"targa", "AB12CD", false},
		// Impossible days of birth (1-31, 41-71 for women).
		{"codice-fiscale", "RSSMRA85T50A562" + string(CodiceFiscaleCheck("RSSMRA85T50A562")), true},
		{"codice-fiscale", "RSSMRA85T99A562" + string(CodiceFiscaleCheck("RSSMRA85T99A562")), false},
		{"codice-fiscale", "RSSMRA85T00A562" + string(CodiceFiscaleCheck("RSSMRA85T00A562")), false},
		{"codice-fiscale", "RSSMRA85T35A562" + string(CodiceFiscaleCheck("RSSMRA85T35A562")), false},
		// What <input type="time"> and datetime-local post, and RFC 3339.
		{"time", "14:30", true},
		{"time", "14:30:00", true},
		{"time", "14:30:00Z", true},
		{"time", "14:30:00.5+01:00", true},
		{"time", "00:00", true},
		{"time", "24:00", false},
		{"time", "14:60", false},
		{"time", "1430", false},
		{"time", "14:30 ", false},
		{"date-time", "2026-01-02T10:00", true},
		{"date-time", "2026-01-02T10:00:00", true},
		{"date-time", "2026-01-02T10:00:00+01:00", true},
		{"date-time", "2026-01-02t10:00:00z", true},
		{"date-time", "2026-01-02 10:00", false},
		{"date-time", "2026-02-30T10:00", false},
		{"date-time", "2026-01-02", false},
		{"uri", "https://www.comune.it/servizi?x=1", true},
		{"uri", "http://comune.it", true},
		{"uri", "javascript:alert(1)", false},
		{"uri", "mailto:urp@comune.it", false},
		{"uri", "https://", false},
		{"uri", "www.comune.it", false},
		{"email", "nome.cognome@comune.esempio.it", true},
		{"email", "Nome+tag@Esempio.IT", true},
		{"email", "a@b", false},
		{"email", "a@b.", false},
		{"email", "a@-b.it", false},
		{"email", "a@[192.168.0.1]", false},
		{"email", "a@1.2.3.4", false},
		{"email", "Mario <mario@esempio.it>", false},
		{"email", "mario@@esempio.it", false},
	}
	byName := map[string]func(any) error{}
	for _, f := range formFormats {
		byName[f.Name] = f.Validate
	}
	for _, tt := range tests {
		t.Run(tt.format+"/"+tt.value, func(t *testing.T) {
			got := byName[tt.format](tt.value) == nil
			if got != tt.want {
				t.Errorf("%s(%q) = %v, want %v", tt.format, tt.value, got, tt.want)
			}
		})
	}
	if byName["cap"](42) != nil {
		t.Error("non-string values must be left to the type keyword")
	}
}

func TestFormatsThroughSchema(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","properties":{
		"cf":{"type":"string","format":"codice-fiscale"},
		"email":{"type":"string","format":"email"},
		"giorno":{"type":"string","format":"date"},
		"ora":{"type":"string","format":"time"},
		"quando":{"type":"string","format":"date-time"},
		"sito":{"type":"string","format":"uri"}}}`))
	tests := []struct {
		ptr, value string
		valid      bool
	}{
		{"/cf", "RSSMRA85T10A562S", true},
		{"/cf", "SPNDNL80R13C555X", false},
		{"/email", "nome@esempio.it", true},
		{"/email", "nome@", false},
		{"/giorno", "2026-02-28", true},
		{"/giorno", "2026-02-30", false},
		{"/ora", "14:30:00Z", true},
		{"/ora", "14:30", true},
		{"/ora", "25:00:00Z", false},
		{"/quando", "2026-01-02T10:00:00+01:00", true},
		{"/quando", "2026-01-02T10:00", true},
		{"/quando", "2026-01-02 10:00", false},
		{"/sito", "https://www.comune.roma.it", true},
		{"/sito", "www.comune", false},
	}
	for _, tt := range tests {
		data := SetPointer(nil, tt.ptr, tt.value)
		errs := f.Validate(data, "it")
		if (len(errs) == 0) != tt.valid {
			t.Errorf("%s=%q: errors %v, want valid=%v", tt.ptr, tt.value, errs, tt.valid)
		}
	}
}
