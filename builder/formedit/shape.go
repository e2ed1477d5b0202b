package formedit

import (
	"encoding/json"
	"strconv"
)

// Defaults of new fields.
const (
	defaultMaxSizeMB = 10
	mb               = 1 << 20
)

var (
	fileAccept  = []string{"application/pdf", "image/jpeg", "image/png"}
	photoAccept = []string{"image/jpeg", "image/png"}
)

// num returns a JSON number.
func num(n int) json.Number { return json.Number(strconv.Itoa(n)) }

// strs converts strings to a JSON array.
func strs(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// newProperty returns the schema and the ui entry of a new field of type t.
func newProperty(t FieldType, label string) (*object, *object) {
	prop, ui := objectOf("type", "string", "title", label), newObject()
	switch t {
	case TypeNumber:
		prop.set("type", "number")
	case TypeRadio, TypeSelect:
		prop.set("oneOf", optionsJSON(defaultOptions()))
	case TypeCheckboxes:
		prop.set("type", "array")
		prop.set("items", objectOf("type", "string", "oneOf", optionsJSON(defaultOptions())))
		prop.set("uniqueItems", true)
	case TypeYesNo:
		prop.set("type", "boolean")
	case TypeConsent:
		prop.set("type", "boolean")
		prop.set("const", true)
	case TypeAddress:
		prop.set("type", "object")
		prop.set("properties", objectOf(
			"via", objectOf("type", "string", "title", "Via o piazza", "minLength", num(2), "maxLength", num(150)),
			"civico", objectOf("type", "string", "title", "Numero civico", "maxLength", num(10)),
			"cap", objectOf("type", "string", "title", "CAP", "format", "cap"),
			"comune", objectOf("type", "string", "title", "Comune", "minLength", num(2), "maxLength", num(100))))
		prop.set("required", strs([]string{"via", "civico", "cap", "comune"}))
	case TypeRepeat:
		prop.set("type", "array")
		prop.set("items", objectOf("type", "object", "properties", newObject()))
		prop.set("minItems", num(1))
		prop.set("maxItems", num(10))
	}
	shapeUI(t, prop, ui)
	return prop, ui
}

// shapeUI sets the keys that follow from t on a string-like property and
// its ui entry, removing those of other types.
func shapeUI(t FieldType, prop, ui *object) {
	if family(t) == "text" {
		prop.set("type", "string")
		f := formatOf(t)
		prop.setOrDel("format", f, f == "")
		if t == TypePEC {
			prop.set("$comment", pecComment)
		} else if prop.str("$comment") == pecComment {
			prop.del("$comment")
		}
	}
	widget := map[FieldType]string{TypeLongText: "textarea", TypeRadio: "radio", TypeSelect: "select",
		TypeYesNo: "radio", TypeFile: "file", TypePhoto: "file"}[t]
	old := ui.str("widget")
	if widget != "" {
		ui.set("widget", widget)
	} else if old == "textarea" || old == "radio" || old == "select" || old == "file" {
		ui.del("widget")
	}
	if t == TypeLongText && !ui.has("rows") {
		ui.set("rows", num(5))
	} else if t != TypeLongText && old == "textarea" {
		ui.del("rows")
	}
	auto := map[FieldType]string{TypeEmail: "email", TypePEC: "email", TypePhone: "tel"}[t]
	if auto != "" {
		ui.set("autocomplete", auto)
	}
	if family(t) == "file" {
		accept := fileAccept
		if t == TypePhoto {
			accept = photoAccept
		}
		ui.set("accept", strs(accept))
		if !ui.has("maxSize") {
			ui.set("maxSize", num(defaultMaxSizeMB*mb))
		}
	} else {
		ui.del("accept")
		ui.del("maxSize")
	}
}

// defaultOptions are the options of a new choice field.
func defaultOptions() []Option {
	return []Option{{"opzione_1", "Opzione 1"}, {"opzione_2", "Opzione 2"}}
}

// optionsJSON writes options as oneOf alternatives.
func optionsJSON(opts []Option) []any {
	out := make([]any, len(opts))
	for i, o := range opts {
		out[i] = objectOf("const", o.Value, "title", o.Label)
	}
	return out
}

// retype changes a field between compatible types.
func retype(from, to FieldType, prop, ui *object) {
	switch {
	case from == to:
	case family(to) == "choice":
		opts := options(choiceHolder(prop))
		for _, k := range []string{"enum", "oneOf", "items", "uniqueItems", "minItems", "maxItems"} {
			prop.del(k)
		}
		if to == TypeCheckboxes {
			prop.set("type", "array")
			prop.set("items", objectOf("type", "string", "oneOf", optionsJSON(opts)))
			prop.set("uniqueItems", true)
		} else {
			prop.set("type", "string")
			prop.set("oneOf", optionsJSON(opts))
		}
	case to == TypeConsent:
		prop.set("const", true)
	case to == TypeYesNo:
		prop.del("const")
	}
	shapeUI(to, prop, ui)
}

// choiceHolder returns the object holding the options of a choice field.
func choiceHolder(prop *object) *object {
	if schemaType(prop) == "array" {
		return prop.obj("items")
	}
	return prop
}
