package schemas

import (
	"errors"
	"fmt"
	"math/big"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/modulario/modulario"
)

// formFormats are registered on every compiler: the Italian formats, the
// appointment, and our own time, date-time and uri, which replace the
// library's. An <input type="time"> posts "14:30" and a datetime-local
// "2026-01-02T10:00", which RFC 3339 (seconds and offset required) would
// refuse; a web address must be http(s), not javascript: or mailto:; an
// e-mail address needs a domain that can receive mail (nome@esempio.it,
// not nome@esempio). The library's date is kept.
var formFormats = []*jsonschema.Format{
	{Name: "codice-fiscale", Validate: stringFormat(ValidCodiceFiscale)},
	{Name: "partita-iva", Validate: stringFormat(ValidPartitaIVA)},
	{Name: "iban", Validate: stringFormat(ValidIBAN)},
	{Name: "cap", Validate: stringFormat(ValidCAP)},
	{Name: "telefono", Validate: stringFormat(ValidTelefono)},
	{Name: "targa", Validate: stringFormat(ValidTarga)},
	{Name: modulario.FormatAppointment, Validate: stringFormat(ValidAppointment)},
	{Name: "time", Validate: stringFormat(ValidTime)},
	{Name: "date-time", Validate: stringFormat(ValidDateTime)},
	{Name: "uri", Validate: stringFormat(ValidWebAddress)},
	{Name: "email", Validate: stringFormat(ValidEmail)},
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
// fiscale (uppercase, omocodia allowed) with the right check character and
// a possible day of birth (1-31, plus 40 for women).
func ValidCodiceFiscale(s string) bool {
	if !cfPattern.MatchString(s) || CodiceFiscaleCheck(s[:15]) != s[15] {
		return false
	}
	day := 10*omocodiaDigit(s[9]) + omocodiaDigit(s[10])
	return day >= 1 && day <= 31 || day >= 41 && day <= 71
}

// omocodiaDigit is the digit a codice fiscale character stands for: itself,
// or the digit an omocodia letter (L for 0 ... V for 9) replaces.
func omocodiaDigit(c byte) int {
	if c >= '0' && c <= '9' {
		return int(c - '0')
	}
	return strings.IndexByte("LMNPQRSTUV", c)
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

// timePattern is a time of day: HH:MM, optionally :SS and a fraction, and
// optionally an RFC 3339 offset (Z, +01:00).
var timePattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$`)

// ValidTime reports whether s is a time of day as a time input posts it
// ("14:30", "14:30:05") or as RFC 3339 writes it ("14:30:00Z",
// "14:30:00+01:00").
func ValidTime(s string) bool { return timePattern.MatchString(s) }

// ValidDateTime reports whether s is a date and a time: local as a
// datetime-local input posts it ("2026-01-02T10:00", seconds optional) or
// RFC 3339 with an offset ("2026-01-02T10:00:00+01:00").
func ValidDateTime(s string) bool {
	i := strings.IndexAny(s, "Tt")
	if i < 0 {
		return false
	}
	_, err := time.Parse("2006-01-02", s[:i])
	return err == nil && ValidTime(s[i+1:])
}

// ValidEmail reports whether s is a bare e-mail address (no name, no
// angle brackets) whose domain has at least two labels and a top-level
// domain that is not a number, at most 254 characters long.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || len(s) > 254 {
		return false
	}
	domain := s[strings.LastIndexByte(s, '@')+1:]
	labels := strings.Split(domain, ".")
	if len(labels) < 2 || strings.HasPrefix(domain, "[") {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
	}
	tld := labels[len(labels)-1]
	return strings.Trim(tld, "0123456789") != ""
}

// ValidWebAddress reports whether s is an absolute http or https address
// with a host ("https://www.comune.it/servizi").
func ValidWebAddress(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || strings.ContainsAny(s, " \t\n") {
		return false
	}
	return strings.EqualFold(u.Scheme, "http") || strings.EqualFold(u.Scheme, "https")
}

// Dates and times as people type them where a browser has no picker:
// "31/12/2025", "31-12-2025", "31.12.2025"; "9.30" for 09:30.
var (
	italianDate = regexp.MustCompile(`^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$`)
	shortTime   = regexp.MustCompile(`^([0-9]{1,2})[:.]([0-9]{2})$`)
)

// normalizeDate turns a date typed as day/month/year into the ISO form
// (2025-12-31) that is stored; anything else is returned as it is.
func normalizeDate(s string) string {
	m := italianDate.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	day, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	return fmt.Sprintf("%s-%02d-%02d", m[3], month, day)
}

// normalizeTime writes "9:30" and "9.30" as "09:30".
func normalizeTime(s string) string {
	m := shortTime.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	hour, _ := strconv.Atoi(m[1])
	return fmt.Sprintf("%02d:%s", hour, m[2])
}

// normalizeDateTime accepts the date and the time separated by a space,
// each as normalizeDate and normalizeTime do ("31/12/2025 14:30").
func normalizeDateTime(s string) string {
	date, clock, ok := strings.Cut(strings.Join(strings.Fields(s), " "), " ")
	if !ok {
		return s
	}
	return normalizeDate(date) + "T" + normalizeTime(clock)
}
