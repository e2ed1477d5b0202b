package schemas

import (
	"errors"
	"math/big"
	"regexp"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/modulario/modulario"
)

// Italian formats registered on every compiler. The standard ones (email,
// date, time, date-time, uri) come from the library.
var italianFormats = []*jsonschema.Format{
	{Name: "codice-fiscale", Validate: stringFormat(ValidCodiceFiscale)},
	{Name: "partita-iva", Validate: stringFormat(ValidPartitaIVA)},
	{Name: "iban", Validate: stringFormat(ValidIBAN)},
	{Name: "cap", Validate: stringFormat(ValidCAP)},
	{Name: "telefono", Validate: stringFormat(ValidTelefono)},
	{Name: "targa", Validate: stringFormat(ValidTarga)},
	{Name: modulario.FormatAppointment, Validate: stringFormat(ValidAppointment)},
}

var errFormat = errors.New("invalid format")

// stringFormat adapts a string predicate to the library's format validator:
// values that are not strings are left to the "type" keyword.
func stringFormat(valid func(string) bool) func(any) error {
	return func(v any) error {
		s, ok := v.(string)
		if !ok || valid(s) {
			return nil
		}
		return errFormat
	}
}

var (
	cfPattern    = regexp.MustCompile(`^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$`)
	capPattern   = regexp.MustCompile(`^[0-9]{5}$`)
	pivaPattern  = regexp.MustCompile(`^[0-9]{11}$`)
	ibanPattern  = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$`)
	targaPattern = regexp.MustCompile(`^[A-HJ-NPR-TV-Z]{2}[0-9]{3}[A-HJ-NPR-TV-Z]{2}$`)
	telPattern   = regexp.MustCompile(`^(?:\+39|0039)?(?:3[0-9]{5,10}|0[0-9]{5,10})$`)
)

// cfOdd is the value of a character in an odd (1-based) position of a
// codice fiscale, indexed by digit value or letter offset.
var cfOdd = [26]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

// CodiceFiscaleCheck returns the check character for the first 15
// characters of an uppercase codice fiscale, or 0 if they hold anything but
// uppercase letters and digits.
func CodiceFiscaleCheck(first15 string) byte {
	sum := 0
	for i := 0; i < 15 && i < len(first15); i++ {
		c := first15[i]
		n := int(c - 'A')
		if c >= '0' && c <= '9' {
			n = int(c - '0')
		}
		if n < 0 || n > 25 { // not an uppercase letter or digit: no check character
			return 0
		}
		if i%2 == 0 { // 1-based odd position
			sum += cfOdd[n]
		} else {
			sum += n
		}
	}
	return byte('A' + sum%26)
}

// ValidCodiceFiscale reports whether s is a well-formed personal codice
// fiscale (uppercase, omocodia allowed) with the right check character.
func ValidCodiceFiscale(s string) bool {
	return cfPattern.MatchString(s) && CodiceFiscaleCheck(s[:15]) == s[15]
}

// ValidPartitaIVA reports whether s is 11 digits with a valid check digit.
func ValidPartitaIVA(s string) bool {
	if !pivaPattern.MatchString(s) {
		return false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		d := int(s[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10-sum%10)%10 == int(s[10]-'0')
}

// ibanLengths holds the IBAN length of the most common SEPA countries; other
// countries are accepted with 15 to 34 characters.
var ibanLengths = map[string]int{
	"IT": 27, "SM": 27, "VA": 22, "DE": 22, "FR": 27, "ES": 24, "AT": 20,
	"BE": 16, "CH": 21, "NL": 18, "PT": 25, "GB": 22, "IE": 22, "LU": 20,
	"SI": 19, "HR": 21, "GR": 27, "PL": 28, "RO": 24, "MT": 31, "MC": 27,
}

// ValidIBAN reports whether s (uppercase, no spaces) passes the ISO 13616
// mod-97 check and has its country's length.
func ValidIBAN(s string) bool {
	if !ibanPattern.MatchString(s) {
		return false
	}
	if n, ok := ibanLengths[s[:2]]; ok && len(s) != n {
		return false
	}
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	var digits strings.Builder
	for _, c := range s[4:] + s[:4] {
		if c >= 'A' && c <= 'Z' {
			digits.WriteString(big.NewInt(int64(c - 'A' + 10)).String())
		} else {
			digits.WriteRune(c)
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

// ValidCAP reports whether s is an Italian postcode: exactly 5 digits.
func ValidCAP(s string) bool { return capPattern.MatchString(s) }

// ValidTarga reports whether s is a current Italian number plate (AB123CD,
// without the letters I, O, Q, U).
func ValidTarga(s string) bool { return targaPattern.MatchString(s) }

// ValidAppointment reports whether s is an appointment answer,
// "<calendar>@<RFC 3339 start>" (see modulario.ParseAppointmentValue).
// Whether the calendar offers that slot is the booking service's concern.
func ValidAppointment(s string) bool {
	_, _, err := modulario.ParseAppointmentValue(s)
	return err == nil
}

// ValidTelefono reports whether s is an Italian phone number: optional +39
// or 0039, then a mobile (3…) or landline (0…) number of 6 to 11 digits.
// Spaces, dots, dashes and slashes between digits are allowed.
func ValidTelefono(s string) bool {
	compact := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '/':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	return telPattern.MatchString(compact)
}

// normalizeFormat tidies a posted value for formats whose canonical form is
// uppercase without spaces.
func normalizeFormat(format, s string) string {
	switch format {
	case "codice-fiscale", "targa":
		return strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	case "iban":
		return strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	case "cap", "partita-iva":
		return strings.ReplaceAll(s, " ", "")
	}
	return s
}
