package schemas

import (
	"fmt"
	"strings"
)

// widgetKinds are the kinds each ui widget can draw. A widget that does not
// fit its field would otherwise be ignored in silence (a "select" without
// options draws a text input).
var widgetKinds = map[string][]Kind{
	"text":     {KindText},
	"textarea": {KindTextarea},
	"select":   {KindSelect},
	"radio":    {KindRadio},
	"checkbox": {KindCheckbox, KindCheckboxes},
	"date":     {KindDate},
	"file":     {KindFile},
	"hidden":   {KindHidden},
}

// singleChoice is what "select" and "radio" need.
const singleChoice = `needs a list of options (enum, or oneOf/anyOf made of const and title) or a yes/no field ("type": "boolean"); ` +
	`a multiple choice ("type": "array") is drawn as checkboxes`

// widgetNeeds says what each widget needs, for the definition's author.
var widgetNeeds = map[string]string{
	"text":     `needs a string field without options or a date/time format`,
	"textarea": `needs a string field without options or a date/time format`,
	"select":   singleChoice,
	"radio":    singleChoice,
	"checkbox": `needs a yes/no field ("type": "boolean") or a multiple choice ("type": "array" with options)`,
	"date":     `needs a string field with "format": "date"`,
	"file":     `needs a string field (or an array of strings for several files)`,
	"hidden":   `needs a string, number or boolean field`,
	"markdown": `is for informative paragraphs that are not schema properties: give the entry a "text" and list its key in a step`,
}

// checkUI reports ui settings that do not fit the field (definition
// authoring checks, see compiled.lint).
func (b *fieldBuilder) checkUI(f *Field, u FieldUI) {
	if b.lint == nil {
		return
	}
	uiPtr := joinPointer("/ui/fields", f.Path)
	if why := widgetMismatch(f, u.Widget); why != "" {
		b.lint[joinPointer(uiPtr, "widget")] = fmt.Sprintf("%q %s", u.Widget, why)
	}
	if u.Autocomplete != "" {
		if why := autocompleteProblem(u.Autocomplete); why != "" {
			b.lint[joinPointer(uiPtr, "autocomplete")] = why
		}
	}
	switch {
	case u.ErrorMessage == "":
	case strings.ContainsAny(u.ErrorMessage, "\r\n"):
		b.lint[joinPointer(uiPtr, "errorMessage")] = "must be one line of plain text: it is shown beside the field as it is"
	case f.Pattern == "" && f.Format == "":
		b.lint[joinPointer(uiPtr, "errorMessage")] = `is shown when the answer does not match the field's "pattern" or "format", and this field has neither`
	}
}

// widgetMismatch returns what widget needs when field f cannot be drawn
// with it, or "".
func widgetMismatch(f *Field, widget string) string {
	switch widget {
	case "", "appointment": // appointments have checkAppointment
		return ""
	case "markdown":
		return widgetNeeds[widget]
	case "hidden":
		if f.typ == "object" || f.typ == "array" {
			return widgetNeeds[widget]
		}
		return ""
	case "file":
		if f.typ != "string" && f.typ != "array" {
			return widgetNeeds[widget]
		}
		return ""
	case "date":
		if f.Kind == KindDate && f.Format != "date" {
			return widgetNeeds[widget]
		}
	}
	kinds, known := widgetKinds[widget]
	if !known { // the meta-schema reports unknown widgets
		return ""
	}
	for _, k := range kinds {
		if f.Kind == k {
			return ""
		}
	}
	return widgetNeeds[widget]
}

// Autofill tokens of the HTML standard ("autocomplete" attribute).
var (
	autofillFields = setOf("name", "honorific-prefix", "given-name", "additional-name", "family-name",
		"honorific-suffix", "nickname", "username", "new-password", "current-password", "one-time-code",
		"organization-title", "organization", "street-address", "address-line1", "address-line2",
		"address-line3", "address-level4", "address-level3", "address-level2", "address-level1", "country",
		"country-name", "postal-code", "cc-name", "cc-given-name", "cc-additional-name", "cc-family-name",
		"cc-number", "cc-exp", "cc-exp-month", "cc-exp-year", "cc-csc", "cc-type", "transaction-currency",
		"transaction-amount", "language", "bday", "bday-day", "bday-month", "bday-year", "sex", "url", "photo")
	autofillContact = setOf("tel", "tel-country-code", "tel-national", "tel-area-code", "tel-local",
		"tel-local-prefix", "tel-local-suffix", "tel-extension", "email", "impp")
	autofillKinds = setOf("home", "work", "mobile", "fax", "pager")
)

func setOf(words ...string) map[string]bool {
	out := make(map[string]bool, len(words))
	for _, w := range words {
		out[w] = true
	}
	return out
}

// autocompleteProblem checks an autocomplete value against the HTML
// autofill grammar: "on", "off", or [section-NAME] [shipping|billing]
// [home|work|mobile|fax|pager, before contact fields] FIELD [webauthn].
// It returns why the value is invalid, or "".
func autocompleteProblem(value string) string {
	toks := strings.Fields(strings.ToLower(value))
	if len(toks) == 1 && (toks[0] == "on" || toks[0] == "off") {
		return ""
	}
	bad := fmt.Sprintf("%q is not a valid autofill value: use a field name of the HTML standard such as name, given-name, family-name, email, tel, street-address, postal-code, address-level2, bday, or \"off\"", value)
	if n := len(toks); n > 0 && toks[n-1] == "webauthn" {
		toks = toks[:n-1]
	}
	if len(toks) > 0 && strings.HasPrefix(toks[0], "section-") && len(toks[0]) > len("section-") {
		toks = toks[1:]
	}
	if len(toks) > 0 && (toks[0] == "shipping" || toks[0] == "billing") {
		toks = toks[1:]
	}
	switch {
	case len(toks) == 1 && (autofillFields[toks[0]] || autofillContact[toks[0]]):
		return ""
	case len(toks) == 2 && autofillKinds[toks[0]] && autofillContact[toks[1]]:
		return ""
	}
	return bad
}
