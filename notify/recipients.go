package notify

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"unicode"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// permanentf wraps a message as an ErrPermanent error.
func permanentf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrPermanent, fmt.Sprintf(format, args...))
}

// ResolveRecipients fills m.Recipients for m.Action on its channel: email
// addresses ("office", "citizen" or fixed ones), E.164 phone numbers for
// sms/whatsapp, the uppercased codice fiscale for appio, none for webhooks.
// Errors wrap ErrPermanent: retrying cannot find a missing address.
func ResolveRecipients(m *Message) error {
	data := decodeAnswers(m.Submission.Data)
	contacts := m.Form.Def.Contacts
	switch m.Action.Notify {
	case modulario.ChannelEmailMsg:
		return resolveEmail(m, data, contacts.Email)
	case modulario.ChannelSMS, modulario.ChannelWhatsApp:
		raw, err := answerOf(data, m.Action.Field, contacts.Phone, "phone number")
		if err != nil {
			return err
		}
		phone, err := NormalizePhone(raw)
		if err != nil {
			return err
		}
		m.Recipients = []string{phone}
	case modulario.ChannelAppIO:
		raw, err := answerOf(data, m.Action.Field, contacts.FiscalCode, "codice fiscale")
		if err != nil {
			return err
		}
		cf := strings.ToUpper(strings.TrimSpace(raw))
		if !schemas.ValidCodiceFiscale(cf) {
			return permanentf("the codice fiscale answer is not valid")
		}
		m.Recipients = []string{cf}
	}
	return nil
}

// resolveEmail resolves "office", "citizen" or a list of fixed addresses.
func resolveEmail(m *Message, data map[string]any, contact string) error {
	var to any
	if len(m.Action.To) > 0 {
		if err := json.Unmarshal(m.Action.To, &to); err != nil {
			return permanentf("the recipients of the action are not valid")
		}
	}
	switch t := to.(type) {
	case string:
		if t == "office" {
			if m.Office == nil || len(m.Office.Emails) == 0 {
				return permanentf("the submission's office has no email address")
			}
			m.Recipients = append([]string(nil), m.Office.Emails...)
			return nil
		}
		if t != "citizen" {
			return permanentf("unknown recipient %q", t)
		}
		addr, err := answerOf(data, m.Action.Field, contact, "email address")
		if err != nil {
			return err
		}
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != strings.TrimSpace(addr) {
			return permanentf("the citizen's email address is not valid")
		}
		m.Recipients = []string{strings.TrimSpace(addr)}
	case []any:
		for _, x := range t {
			s, _ := x.(string)
			if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
				return permanentf("fixed recipient %q is not an email address", s)
			}
			m.Recipients = append(m.Recipients, s)
		}
	}
	if len(m.Recipients) == 0 {
		return permanentf("the email action has no recipient")
	}
	return nil
}

// answerOf returns the answer named by field, else by the contacts setting.
func answerOf(data map[string]any, field, contact, what string) (string, error) {
	ref := field
	if ref == "" {
		ref = contact
	}
	if ref == "" {
		return "", permanentf("no field holds the citizen's %s (set the action's field or the form's contacts)", what)
	}
	v, ok := schemas.GetPointer(data, schemas.FieldPointer(ref))
	s, _ := v.(string)
	if !ok || strings.TrimSpace(s) == "" {
		return "", permanentf("the citizen gave no %s", what)
	}
	return s, nil
}

// NormalizePhone turns a mobile phone number, Italian or international,
// into E.164 ("+393331234567"), for SMS and WhatsApp. Spaces of any kind
// (a non-breaking one pasted from a document too), dots, dashes, slashes
// and brackets are dropped; "0039" becomes "+39"; an Italian mobile
// written without country code ("333 123 4567") or with "39" but no "+"
// ("39 333 1234567") gets +39. Numbers with another country code are taken
// as they are. Anything else is refused with an error wrapping
// ErrPermanent, Italian landlines ("06 1234567", also "+39 0331 123456":
// a 0 after +39 is never dropped, since area codes such as 0331 look like
// mobile prefixes) and other Italian non-mobile numbers with one saying so:
// they cannot receive SMS or WhatsApp messages.
func NormalizePhone(s string) (string, error) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case unicode.IsSpace(r) || strings.ContainsRune(".-/()", r):
		default:
			return "", permanentf("the phone number is not valid")
		}
	}
	n := b.String()
	switch {
	case strings.HasPrefix(n, "+"):
	case strings.HasPrefix(n, "00"):
		n = "+" + n[2:]
	case strings.HasPrefix(n, "393") && len(n) >= 11 && len(n) <= 12:
		n = "+" + n // 39 and a mobile: 9 or 10 digits after it
	case strings.HasPrefix(n, "3") || strings.HasPrefix(n, "0"):
		n = "+39" + n
	default:
		return "", permanentf("the phone number is not valid")
	}
	digits := n[1:]
	if len(digits) < 8 || len(digits) > 15 || digits[0] == '0' {
		return "", permanentf("the phone number is not valid")
	}
	national, italian := strings.CutPrefix(digits, "39")
	if !italian {
		return n, nil
	}
	switch {
	case strings.HasPrefix(national, "0"):
		return "", permanentf("the phone number is a landline, not a mobile: SMS and WhatsApp need a mobile number")
	case !strings.HasPrefix(national, "3"):
		return "", permanentf("the phone number is not a mobile number: SMS and WhatsApp need a mobile number")
	case len(national) < 9 || len(national) > 10:
		return "", permanentf("the phone number is not valid")
	}
	return "+39" + national, nil
}
