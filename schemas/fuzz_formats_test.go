package schemas_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/modulario/modulario/schemas"
)

// cfOddValues is the Agenzia delle Entrate table of the values of characters
// in odd positions, written out as published rather than derived.
var cfOddValues = map[byte]int{
	'0': 1, '1': 0, '2': 5, '3': 7, '4': 9, '5': 13, '6': 15, '7': 17, '8': 19, '9': 21,
	'A': 1, 'B': 0, 'C': 5, 'D': 7, 'E': 9, 'F': 13, 'G': 15, 'H': 17, 'I': 19, 'J': 21,
	'K': 2, 'L': 4, 'M': 18, 'N': 20, 'O': 11, 'P': 3, 'Q': 6, 'R': 8, 'S': 12, 'T': 14,
	'U': 16, 'V': 10, 'W': 22, 'X': 25, 'Y': 24, 'Z': 23,
}

// refCodiceFiscale is a plain reading of the codice fiscale rules: layout
// by position (omocodia letters allowed where digits go) and check letter.
func refCodiceFiscale(s string) bool {
	if len(s) != 16 {
		return false
	}
	letter := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	digit := func(c byte) bool { return c >= '0' && c <= '9' || strings.IndexByte("LMNPQRSTUV", c) >= 0 }
	layout := "LLLLLLDDMDDLDDDL"
	for i := 0; i < 16; i++ {
		c := s[i]
		switch layout[i] {
		case 'L':
			if !letter(c) {
				return false
			}
		case 'D':
			if !digit(c) {
				return false
			}
		case 'M':
			if strings.IndexByte("ABCDEHLMPRST", c) < 0 {
				return false
			}
		}
	}
	sum := 0
	for i := 0; i < 15; i++ {
		c := s[i]
		if i%2 == 0 {
			sum += cfOddValues[c]
		} else if c >= '0' && c <= '9' {
			sum += int(c - '0')
		} else {
			sum += int(c - 'A')
		}
	}
	return s[15] == byte('A'+sum%26)
}

// refPartitaIVA is the Luhn-style check of the partita IVA.
func refPartitaIVA(s string) bool {
	if len(s) != 11 {
		return false
	}
	sum := 0
	for i := 0; i < 11; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		d := int(s[i] - '0')
		if i%2 == 1 && i < 10 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		if i < 10 {
			sum += d
		}
	}
	return (10-sum%10)%10 == int(s[10]-'0')
}

// refIBANChecksum is ISO 13616 mod 97 computed digit by digit.
func refIBANChecksum(s string) bool {
	if len(s) < 5 {
		return false
	}
	rem := 0
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// formatsSchema is a form whose answers exercise every Italian format.
const formatsSchema = `{"type":"object","properties":{
 "cf":{"type":"string","format":"codice-fiscale"},"piva":{"type":"string","format":"partita-iva"},
 "iban":{"type":"string","format":"iban"},"cap":{"type":"string","format":"cap"},
 "tel":{"type":"string","format":"telefono"},"targa":{"type":"string","format":"targa"},
 "email":{"type":"string","format":"email"},"data":{"type":"string","format":"date"}}}`

// FuzzItalianFormats checks that no validator panics, that the codice
// fiscale, partita IVA and IBAN checks agree with the references above,
// and that validating the value through a form schema never panics.
func FuzzItalianFormats(f *testing.F) {
	for _, s := range []string{"RSSMRA85T10A562S", "RSSMRA85T10A562T", "RSSMRALRTMLASNRS", "rssmra85t10a562s",
		"01114601006", "01114601007", "IT60X0542811101000000123456", "GB82WEST12345698765432",
		"00100", "+39 333 123 4567", "AB123CD", "ＲＳＳＭＲＡ85Ｔ10Ａ562Ｓ", "\x00", "\xff\xfe", ""} {
		f.Add(s)
	}
	def, err := schemas.Parse(definitionWith([]byte(formatsSchema),
		[]byte(`[{"title":"Uno","fields":["cf","piva","iban","cap","tel","targa","email","data"]}]`)))
	if err != nil {
		f.Fatal(err)
	}
	form, err := schemas.Compile(def)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := schemas.ValidCodiceFiscale(s), refCodiceFiscale(s); got != want {
			t.Fatalf("ValidCodiceFiscale(%q) = %v, reference says %v", s, got, want)
		}
		if got, want := schemas.ValidPartitaIVA(s), refPartitaIVA(s); got != want {
			t.Fatalf("ValidPartitaIVA(%q) = %v, reference says %v", s, got, want)
		}
		if schemas.ValidIBAN(s) && !refIBANChecksum(s) {
			t.Fatalf("ValidIBAN(%q) accepts a wrong mod-97 checksum", s)
		}
		if schemas.ValidCAP(s) && (len(s) != 5 || strings.Trim(s, "0123456789") != "") {
			t.Fatalf("ValidCAP(%q) accepts a non-postcode", s)
		}
		schemas.ValidTelefono(s)
		schemas.ValidTarga(s)
		if len(s) >= 15 {
			schemas.CodiceFiscaleCheck(s)
		}
		data := map[string]any{}
		for _, k := range []string{"cf", "piva", "iban", "cap", "tel", "targa", "email", "data"} {
			data[k] = s
		}
		form.Validate(data, "it")
		form.DecodeStep(1, map[string]any{}, map[string][]string{"cf": {s}, "iban": {s}, "tel": {s}}, "en")
	})
}

// FuzzRuleEval compiles a rule whose "when" is arbitrary JSON and matches
// it against arbitrary answers: compiling refuses bad conditions with
// pointer errors, and matching never panics and gives the same answer twice.
func FuzzRuleEval(f *testing.F) {
	f.Add([]byte(`{"properties":{"tipo":{"const":"perdita"}},"required":["tipo"]}`), []byte(`{"tipo":"perdita"}`))
	f.Add([]byte(`{"properties":{"n":{"type":"number","exclusiveMinimum":10}}}`), []byte(`{"n":1e400}`))
	f.Add([]byte(`{"properties":{"cf":{"format":"codice-fiscale"}},"anyOf":[{"required":["cf"]},{"not":{}}]}`), []byte(`{"cf":"RSSMRA85T10A562S"}`))
	f.Add([]byte(`{"$ref":"#"}`), []byte(`{}`))
	f.Add([]byte(`{"pattern":"(a+)+$"}`), []byte(`"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"`))
	f.Add([]byte(`{"$ref":"https://example.com/x.json"}`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, when, answers []byte) {
		rule := `{"name":"r","on":"submission.received","when":` + string(when) + `,"then":[{"tag":"x"}]}`
		doc := `{"slug":"fuzz","title":"Fuzz","privacy":"p","schema":{"type":"object","properties":{"tipo":{"type":"string"},"n":{"type":"number"}}},` +
			`"ui":{"steps":[{"title":"Uno","fields":["tipo","n"]}]},"rules":[` + rule + `]}`
		if !json.Valid([]byte(doc)) {
			return
		}
		form, err := schemas.Load([]byte(doc))
		if err != nil {
			checkDefinitionError(t, err)
			return
		}
		instance, err := jsonschema.UnmarshalJSON(bytes.NewReader(answers))
		if err != nil {
			return
		}
		for _, r := range form.Rules() {
			if r.When.Match(instance) != r.When.Match(instance) {
				t.Fatal("the same condition gave two answers")
			}
		}
	})
}
