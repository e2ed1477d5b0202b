package formedit

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/modulario/modulario/schemas"
)

// Palette lists the field types in the order shown to staff.
var Palette = []PaletteEntry{
	{TypeShortText, "Testo breve", "Una riga: nome, oggetto, numero di pratica."},
	{TypeLongText, "Testo lungo", "Più righe: descrizioni e motivazioni."},
	{TypeNumber, "Numero", "Un numero, anche con limiti minimo e massimo."},
	{TypeEmail, "Email", "Un indirizzo email, controllato."},
	{TypePEC, "PEC", "Un indirizzo di posta elettronica certificata."},
	{TypePhone, "Telefono", "Un numero di telefono fisso o cellulare."},
	{TypeFiscalCode, "Codice fiscale", "Controllato con il carattere di controllo."},
	{TypeVATNumber, "Partita IVA", "Undici cifre, controllate."},
	{TypeIBAN, "IBAN", "Coordinate bancarie, controllate."},
	{TypeCAP, "CAP", "Codice di avviamento postale, cinque cifre."},
	{TypeDate, "Data", "Giorno, mese e anno."},
	{TypeTime, "Ora", "Ore e minuti."},
	{TypeRadio, "Scelta singola", "Una risposta tra poche opzioni, tutte visibili."},
	{TypeSelect, "Elenco a discesa", "Una risposta tra molte opzioni."},
	{TypeCheckboxes, "Scelta multipla", "Una o più risposte tra le opzioni."},
	{TypeYesNo, "Sì/No", "Una domanda con risposta sì o no."},
	{TypeConsent, "Consenso", "Una casella che il cittadino deve spuntare."},
	{TypeFile, "File", "Un documento allegato (PDF o immagine)."},
	{TypePhoto, "Foto", "Un'immagine JPEG o PNG."},
	{TypeAddress, "Indirizzo", "Via, numero civico, CAP e comune."},
	{TypeAppointment, "Appuntamento", "Giorno e ora presso uno sportello o in videochiamata: occupa un passo da solo."},
	{TypeRepeat, "Gruppo ripetibile", "Domande ripetute per ogni elemento (es. i figli)."},
	{TypeInfo, "Testo informativo", "Un paragrafo da leggere, senza risposta."},
}

// paletteLabel returns the Italian label of t.
func paletteLabel(t FieldType) string {
	for _, p := range Palette {
		if p.Type == t {
			return p.Label
		}
	}
	switch t {
	case TypeGroup:
		return "Gruppo"
	case TypeAdvanced:
		return "Campo avanzato"
	}
	return string(t)
}

// formats maps string formats to palette types.
var formats = map[string]FieldType{
	"email": TypeEmail, "telefono": TypePhone, "codice-fiscale": TypeFiscalCode,
	"partita-iva": TypeVATNumber, "iban": TypeIBAN, "cap": TypeCAP, "date": TypeDate, "time": TypeTime,
	"appuntamento": TypeAppointment,
}

// formatOf is the inverse of formats.
func formatOf(t FieldType) string {
	if t == TypePEC {
		return "email"
	}
	for f, ft := range formats {
		if ft == t {
			return f
		}
	}
	return ""
}

// pecComment marks an email field as a PEC address.
const pecComment = "PEC"

// knownKeys are the schema keywords the editor reads and writes.
var knownKeys = map[string]bool{
	"type": true, "title": true, "description": true, "format": true, "$comment": true,
	"minLength": true, "maxLength": true, "minimum": true, "maximum": true,
	"minItems": true, "maxItems": true, "uniqueItems": true, "items": true,
	"properties": true, "required": true, "oneOf": true, "enum": true, "const": true,
	"default": true, "examples": true,
}

// advancedReason lists, in Italian, the keywords of prop the editor cannot show.
func advancedReason(prop *object) string {
	var extra []string
	for _, k := range prop.ks() {
		if !knownKeys[k] {
			extra = append(extra, k)
		}
	}
	if prop.has("oneOf") && options(prop) == nil {
		extra = append(extra, "oneOf")
	}
	if prop.has("$comment") && prop.str("$comment") != pecComment {
		extra = append(extra, "$comment")
	}
	if len(extra) == 0 {
		return ""
	}
	sort.Strings(extra)
	return "campo avanzato — modificabile in JSON (" + strings.Join(extra, ", ") + ")"
}

// options reads enum, or oneOf made only of {const, title}.
func options(prop *object) []Option {
	var out []Option
	for _, v := range prop.arr("enum") {
		out = append(out, Option{Value: posted(v), Label: posted(v)})
	}
	if out != nil {
		return out
	}
	for _, alt := range prop.arr("oneOf") {
		o, ok := alt.(*object)
		if !ok || !o.has("const") {
			return nil
		}
		label := o.str("title")
		if label == "" {
			label = posted(o.get("const"))
		}
		out = append(out, Option{Value: posted(o.get("const")), Label: label})
	}
	return out
}

// posted is how an HTML control posts value v (schemas' convention, so the
// editor's condition values match what the renderer compares).
func posted(v any) string {
	switch v.(type) {
	case *object, []any:
		v = plain(v)
	}
	return schemas.ValueString(v)
}

// schemaType returns the JSON type of prop (first non-null).
func schemaType(prop *object) string {
	switch t := prop.get("type").(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if s, _ := x.(string); s != "null" {
				return s
			}
		}
	}
	switch {
	case prop.has("properties"):
		return "object"
	case prop.has("items"):
		return "array"
	}
	return "string"
}

// classify returns the palette type of a property and the ui entry.
func classify(prop, ui *object) FieldType {
	widget := ui.str("widget")
	typ := schemaType(prop)
	switch {
	case widget == "file" || prop.has("contentMediaType"):
		for _, a := range ui.strings("accept") {
			if !strings.HasPrefix(a, "image/") {
				return TypeFile
			}
		}
		if len(ui.strings("accept")) == 0 {
			return TypeFile
		}
		return TypePhoto
	case typ == "object":
		return objectType(prop)
	case typ == "array":
		items := prop.obj("items")
		if items.has("properties") {
			return TypeRepeat
		}
		if items != nil && options(items) != nil {
			return TypeCheckboxes
		}
		return TypeAdvanced
	case typ == "boolean":
		if c, ok := prop.get("const").(bool); ok && c {
			return TypeConsent
		}
		return TypeYesNo
	case options(prop) != nil:
		if widget == "select" || widget != "radio" && len(options(prop)) > 4 {
			return TypeSelect
		}
		return TypeRadio
	case typ == "number" || typ == "integer":
		return TypeNumber
	}
	return stringType(prop, ui)
}

// objectType tells an address from another group.
func objectType(prop *object) FieldType {
	props := prop.obj("properties")
	if !props.has("via") {
		return TypeGroup
	}
	for _, k := range props.ks() {
		switch k {
		case "via", "civico", "cap", "comune":
		default:
			return TypeGroup
		}
	}
	return TypeAddress
}

// stringType classifies a plain string property.
func stringType(prop, ui *object) FieldType {
	f := prop.str("format")
	if f == "email" && prop.str("$comment") == pecComment {
		return TypePEC
	}
	if t, ok := formats[f]; ok {
		return t
	}
	if f != "" {
		return TypeAdvanced
	}
	if ui.str("widget") == "textarea" {
		return TypeLongText
	}
	if ml, ok := prop.get("maxLength").(json.Number); ok && ui.str("widget") == "" {
		if n, _ := ml.Int64(); n > 255 {
			return TypeLongText
		}
	}
	return TypeShortText
}

// family groups types a field may switch between.
func family(t FieldType) string {
	switch t {
	case TypeShortText, TypeLongText, TypeEmail, TypePEC, TypePhone, TypeFiscalCode,
		TypeVATNumber, TypeIBAN, TypeCAP, TypeDate, TypeTime:
		return "text"
	case TypeRadio, TypeSelect, TypeCheckboxes:
		return "choice"
	case TypeFile, TypePhoto:
		return "file"
	case TypeYesNo, TypeConsent:
		return "bool"
	}
	return string(t)
}

// valid reports whether t is a palette type.
func valid(t FieldType) bool {
	for _, p := range Palette {
		if p.Type == t {
			return true
		}
	}
	return false
}
