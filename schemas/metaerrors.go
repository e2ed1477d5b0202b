package schemas

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// englishPrinter formats the library's own messages.
var englishPrinter = message.NewPrinter(language.English)

// patternMessages explains the meta-schema's patterns by $defs name.
var patternMessages = map[string]string{
	"slug":         "must be lowercase words separated by hyphens",
	"calendarSlug": "must be a calendar slug: lowercase words separated by hyphens",
	"fieldName":    "must start with a letter and contain only letters, digits, '_' or '-' (at most 64 characters)",
}

// collectMetaErrors flattens a meta-schema validation error into one
// English sentence per instance pointer (the first one found wins).
func collectMetaErrors(e *jsonschema.ValidationError, out map[string]string) {
	add := func(ptr, msg string) {
		if _, ok := out[ptr]; !ok {
			out[ptr] = msg
		}
	}
	ptr := joinPointer("", e.InstanceLocation...)
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		for _, m := range k.Missing {
			add(joinPointer(ptr, m), "is required")
		}
		return
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			add(joinPointer(ptr, p), "is not a known property")
		}
		return
	}
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collectMetaErrors(c, out)
		}
		return
	}
	add(ptr, metaMessage(e))
}

// metaMessage phrases one leaf error of the meta-schema in English.
func metaMessage(e *jsonschema.ValidationError) string {
	switch k := e.ErrorKind.(type) {
	case *kind.Type:
		return "must be " + strings.Join(articled(k.Want), " or ")
	case *kind.Enum:
		return "must be one of: " + joinValues(k.Want)
	case *kind.Const:
		return fmt.Sprintf("must be %s", jsonValue(k.Want))
	case *kind.Pattern:
		for name, msg := range patternMessages {
			if strings.HasSuffix(e.SchemaURL, "/$defs/"+name) {
				return msg
			}
		}
		return fmt.Sprintf("must match the pattern %s", k.Want)
	case *kind.MinLength:
		if k.Want == 1 {
			return "must not be empty"
		}
		return fmt.Sprintf("must be at least %d characters long", k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("must be at most %d characters long", k.Want)
	case *kind.Minimum:
		return fmt.Sprintf("must be at least %s", k.Want.FloatString(0))
	case *kind.Maximum:
		return fmt.Sprintf("must be at most %s", k.Want.FloatString(0))
	case *kind.FalseSchema:
		return "is not allowed"
	}
	return "is not valid: " + e.ErrorKind.LocalizedString(englishPrinter)
}

// articled turns JSON type names into English phrases ("an object").
func articled(types []string) []string {
	out := make([]string, len(types))
	for i, t := range types {
		switch t {
		case "object", "array", "integer":
			out[i] = "an " + t
		default:
			out[i] = "a " + t
		}
	}
	return out
}

// joinValues lists JSON values separated by commas.
func joinValues(vs []any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = jsonValue(v)
	}
	return strings.Join(parts, ", ")
}

// jsonValue formats a value as JSON would write it.
func jsonValue(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

// fieldNamePattern is what property names must match: they become HTML
// names and ids.
var fieldNamePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_-]{0,63}$`)

// checkPropertyNames reports every property name in the schema v (at
// pointer ptr) that does not match fieldNamePattern. The library's
// propertyNames errors do not carry a reliable instance location, so the
// check is done here.
func checkPropertyNames(v any, ptr string, out map[string]string) {
	walkSchema(v, ptr, func(m map[string]any, p string) {
		props, _ := m["properties"].(map[string]any)
		for name := range props {
			if !fieldNamePattern.MatchString(name) {
				out[joinPointer(joinPointer(p, "properties"), name)] = patternMessages["fieldName"]
			}
		}
	})
}
