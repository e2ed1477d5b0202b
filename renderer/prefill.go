package renderer

// Prefill by URL: a link to a form may preset the answers of the fields
// whose definition says "prefill": true (/servizi/acqua?fornitura=domestica).
// The values travel from the service page to the privacy notice as query
// parameters, then as hidden inputs named "prefill.NAME" of the consent
// form, and are seeded into the draft when the citizen consents. Each hop
// validates them again against their field and drops anything else, so a
// link can never set a field the definition does not open to links.

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario/schemas"
)

const (
	// maxPrefillValues caps the values one link may preset (a checkbox
	// group counts one per option); maxPrefillBytes caps each value.
	maxPrefillValues = 20
	maxPrefillBytes  = 500
	// prefillInput prefixes the hidden inputs of the consent form, so a
	// field name can never collide with the form's own inputs.
	prefillInput = "prefill."
)

// prefillHidden is one hidden input of the consent form.
type prefillHidden struct {
	Name  string
	Value string
}

// prefillOf returns the prefill values of a request to the start of the
// flow: the query of a GET, the hidden inputs of the consent POST.
func (s *Server) prefillOf(c echo.Context, form *schemas.Form) url.Values {
	if c.Request().Method == http.MethodPost {
		values, _ := s.prefillFromPost(c, form)
		return values
	}
	return s.prefillFromQuery(c, form)
}

// prefillFromQuery returns the query parameters of the request that preset
// one of form's prefill fields with a valid value, by field name.
func (s *Server) prefillFromQuery(c echo.Context, form *schemas.Form) url.Values {
	values, _ := s.prefillValues(c, form, c.QueryParams(), "")
	return values
}

// prefillFromPost returns the "prefill.NAME" inputs of the consent form
// that preset one of form's prefill fields with a valid value, by name,
// and the same values converted to their fields' types (nil when the
// form cannot be parsed).
func (s *Server) prefillFromPost(c echo.Context, form *schemas.Form) (url.Values, map[string]any) {
	r := c.Request()
	if err := r.ParseForm(); err != nil {
		return nil, nil
	}
	return s.prefillValues(c, form, r.PostForm, prefillInput)
}

// prefillValues keeps the params named prefix+NAME whose NAME is a prefill
// field of form and whose values convert and validate, within the caps.
// Dropped parameters are logged at debug level by name, never by value.
// It also returns the kept values converted to their fields' types.
func (s *Server) prefillValues(c echo.Context, form *schemas.Form, params url.Values, prefix string) (url.Values, map[string]any) {
	out, data := url.Values{}, map[string]any{}
	budget := maxPrefillValues
	for _, fl := range form.PrefillFields() {
		raw := params[prefix+fl.Name]
		if len(raw) == 0 {
			continue
		}
		if len(raw) > budget || oversized(raw) {
			s.prefillDropped(c, form, fl.Name, "over the limits")
			continue
		}
		v, ok := form.PrefillValue(fl.Name, raw)
		if !ok {
			s.prefillDropped(c, form, fl.Name, "invalid")
			continue
		}
		budget -= len(raw)
		out[fl.Name], data[fl.Name] = raw, v
	}
	if n := ignoredParams(form, params, prefix); n > 0 {
		s.cfg.Logger.DebugContext(c.Request().Context(), "prefill parameters ignored",
			"form", form.Def.Slug, "count", n)
	}
	return out, data
}

// ignoredParams counts the params named prefix+NAME where NAME is neither
// a prefill field of form nor a reserved parameter (lang, embed): links
// may carry anything (analytics tags), and none of it is an error.
func ignoredParams(form *schemas.Form, params url.Values, prefix string) int {
	n := 0
	for name := range params {
		field, ok := strings.CutPrefix(name, prefix)
		if ok && form.PrefillField(field) == nil && !schemas.IsPrefillReserved(field) {
			n++
		}
	}
	return n
}

// oversized reports whether one of the values is over maxPrefillBytes.
func oversized(values []string) bool {
	for _, v := range values {
		if len(v) > maxPrefillBytes {
			return true
		}
	}
	return false
}

// prefillDropped logs a prefill value that was not used. The value is
// never logged: it may be personal data (a name, a codice fiscale).
func (s *Server) prefillDropped(c echo.Context, form *schemas.Form, field, reason string) {
	s.cfg.Logger.DebugContext(c.Request().Context(), "prefill value dropped",
		"form", form.Def.Slug, "field", field, "reason", reason)
}

// prefillQuery returns "?" and the encoded values, or "" when there are
// none: the service page's start link carries them to the privacy notice.
func prefillQuery(values url.Values) string {
	if len(values) == 0 {
		return ""
	}
	return "?" + values.Encode()
}

// prefillInputs returns the hidden inputs that carry the values through
// the consent form, in name order.
func prefillInputs(values url.Values) []prefillHidden {
	var out []prefillHidden
	for _, name := range slices.Sorted(maps.Keys(values)) {
		for _, v := range values[name] {
			out = append(out, prefillHidden{Name: prefillInput + name, Value: v})
		}
	}
	return out
}

// prefillDraft returns the first answers of a draft started from the
// consent form: its valid prefill inputs converted to their fields'
// types, and the form's defaults, as the draft's JSON data.
func (s *Server) prefillDraft(c echo.Context, form *schemas.Form) ([]byte, error) {
	_, data := s.prefillFromPost(c, form)
	return json.Marshal(form.SeedDefaults(data))
}
