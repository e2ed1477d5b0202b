package builder

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario/builder/formedit"
)

// extraOptionRows is how many empty option rows the field page offers;
// "Aggiungi altre opzioni" shows as many more, without JavaScript.
const extraOptionRows = 3

// acceptChoice is one file type staff may allow.
type acceptChoice struct{ Value, Label string }

// acceptChoices are the file types offered for file and foto fields (all
// recognisable by the server from their content).
var acceptChoices = []acceptChoice{
	{"application/pdf", "PDF"},
	{"image/jpeg", "JPEG"},
	{"image/png", "PNG"},
	{"application/vnd.oasis.opendocument.text", "ODT"},
	{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"},
}

// fieldData is the data of the field edit page.
type fieldData struct {
	Field     formedit.FieldView
	Anchor    string
	TypeLabel string
	Top       bool
	Kind      string // family of the limits shown: text, number, choice, file, repeat, info, bool, group
	Options   []formedit.Option
	Accept    []acceptChoice
	Accepted  map[string]bool
	Cond      *condEditor
	// Calendars are the checkboxes of an appuntamento field.
	Calendars []option
	// Raw keeps posted numbers as typed, so a bad one is shown back.
	Raw map[string]string
}

// fieldKind groups palette types by the limits their page shows.
func fieldKind(t formedit.FieldType) string {
	switch t {
	case formedit.TypeNumber:
		return "number"
	case formedit.TypeRadio, formedit.TypeSelect, formedit.TypeCheckboxes:
		return "choice"
	case formedit.TypeFile, formedit.TypePhoto:
		return "file"
	case formedit.TypeRepeat:
		return "repeat"
	case formedit.TypeInfo:
		return "info"
	case formedit.TypeYesNo, formedit.TypeConsent:
		return "bool"
	case formedit.TypeAddress, formedit.TypeGroup:
		return "group"
	case formedit.TypeDate, formedit.TypeTime:
		return "date"
	case formedit.TypeAppointment:
		return "appointment"
	}
	return "text"
}

// fieldEdit shows the edit page of the field at the path after /campi/.
func (s *Server) fieldEdit(c echo.Context) error {
	ed, f, err := s.loadField(c)
	if err != nil {
		return err
	}
	d := s.newFieldData(c, ed, f)
	d.Options = append(d.Options, make([]formedit.Option, extraOptionRows)...)
	return s.renderEditor(c, http.StatusOK, ed, "field", s.t(c, "fe.field.page_title", f.Label), d, nil)
}

// loadField loads the form and the field at the path after /campi/.
func (s *Server) loadField(c echo.Context) (*editing, formedit.FieldView, error) {
	ed, err := s.loadForm(c)
	if err != nil {
		return nil, formedit.FieldView{}, err
	}
	f, err := ed.Doc.Field(c.Param("*"))
	return ed, f, err
}

// newFieldData prepares the page for f.
func (s *Server) newFieldData(c echo.Context, ed *editing, f formedit.FieldView) *fieldData {
	d := &fieldData{Field: f, Anchor: fieldAnchor(f.Path), TypeLabel: typeLabel(f.Type), Top: !strings.Contains(f.Path, "/"),
		Kind: fieldKind(f.Type), Options: append([]formedit.Option(nil), f.Options...), Accept: acceptChoices,
		Accepted: map[string]bool{}, Raw: map[string]string{}}
	for _, a := range f.Accept {
		d.Accepted[a] = true
	}
	if d.Kind == "appointment" {
		d.Calendars, _ = s.calendarOptions(c.Request().Context(), f.Calendars)
	}
	if d.Top {
		d.Cond = s.newCondEditor(c, "", ed.Doc.View(), f.Condition, func(r formedit.FieldRef) bool { return r.Path == f.Path })
	}
	return d
}

// fieldSave applies the posted field page; "Aggiungi altre opzioni" only
// shows more empty rows.
func (s *Server) fieldSave(c echo.Context) error {
	ed, f, err := s.loadField(c)
	if err != nil {
		return err
	}
	path := c.Param("*")
	d := s.newFieldData(c, ed, f)
	errs := s.readField(c, d)
	var cond *formedit.Condition
	if d.Top {
		var ce *condEditor
		cond, ce = readCondition(c, "", ed.Doc.View())
		d.Cond.Field, d.Cond.Op, d.Cond.Value, d.Cond.Checked = ce.Field, ce.Op, ce.Value, ce.Checked
	}
	title := s.t(c, "fe.field.page_title", f.Label)
	if c.FormValue("azione") == "righe" {
		d.Options = append(d.Options, make([]formedit.Option, extraOptionRows)...)
		return s.renderEditor(c, http.StatusOK, ed, "field", title, d, nil)
	}
	if len(errs) == 0 {
		err = ed.Doc.UpdateField(path, d.Field)
		if err == nil && d.Top && f.Type != formedit.TypeInfo { // informative texts have no schema slot to condition
			err = ed.Doc.SetCondition(path, cond)
		}
		if err == nil {
			err = s.saveDoc(c, ed, "form.save", "edited field "+path)
		}
		if err != nil && !isInvalid(err) {
			return err
		}
		if err != nil {
			errs = fieldErrors(err, fieldInputIDs)
		}
	}
	if len(errs) > 0 {
		d.Options = append(d.Options, make([]formedit.Option, extraOptionRows)...)
		return s.renderEditor(c, http.StatusUnprocessableEntity, ed, "field", title, d, errs)
	}
	return s.backToEditor(c, ed.Form.Slug, "ok.fe_field_saved", fieldAnchor(path))
}

// fieldInputIDs maps the keys of the editing model's errors to inputs.
var fieldInputIDs = map[string]string{
	"label": "label", "Label": "label", "help": "help", "placeholder": "placeholder",
	"options": "opt-label-0", "Options": "opt-label-0", "condition": "cond_field", "Condition": "cond_field",
	"minLength": "min_length", "maxLength": "max_length", "minimum": "minimum", "maximum": "maximum",
	"minItems": "min_items", "maxItems": "max_items", "accept": "accept-0", "maxSize": "max_size",
	"calendars": "cal-0",
}

// readField reads the posted page into d.Field and d.Options, returning
// the errors of values that are not numbers.
func (s *Server) readField(c echo.Context, d *fieldData) []FieldError {
	f := &d.Field
	f.Label = trimmed(c, "label")
	f.Help = strings.TrimSpace(c.FormValue("help"))
	f.Placeholder = trimmed(c, "placeholder")
	f.Prefill = f.CanPrefill && c.FormValue("prefill") == "1"
	f.Required = c.FormValue("required") == "1"
	f.Text = strings.TrimSpace(c.FormValue("text"))
	var errs []FieldError
	if f.Label == "" && d.Kind != "info" {
		errs = append(errs, FieldError{ID: "label", Message: s.t(c, "fe.field.err_label")})
	}
	intField := func(id string, dst **int) {
		raw := trimmed(c, id)
		d.Raw[id] = raw
		*dst = nil
		if raw == "" {
			return
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 {
			errs = append(errs, FieldError{ID: id, Message: s.t(c, "fe.field.err_int")})
			return
		}
		*dst = &n
	}
	numField := func(id string, dst **float64) {
		raw := strings.ReplaceAll(trimmed(c, id), ",", ".")
		d.Raw[id] = trimmed(c, id)
		*dst = nil
		if raw == "" {
			return
		}
		n, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			errs = append(errs, FieldError{ID: id, Message: s.t(c, "fe.field.err_number")})
			return
		}
		*dst = &n
	}
	switch d.Kind {
	case "text":
		intField("min_length", &f.MinLength)
		intField("max_length", &f.MaxLength)
	case "number":
		numField("minimum", &f.Minimum)
		numField("maximum", &f.Maximum)
	case "repeat":
		intField("min_items", &f.MinItems)
		intField("max_items", &f.MaxItems)
	case "file":
		s.readFileLimits(c, d, &errs)
	case "appointment":
		form, _ := c.FormParams()
		f.Calendars = form["calendari"]
		d.Calendars, _ = s.calendarOptions(c.Request().Context(), f.Calendars)
	case "choice":
		d.Options = readOptions(c)
		f.Options = nil
		for _, o := range d.Options {
			if o.Label != "" || o.Value != "" {
				f.Options = append(f.Options, o)
			}
		}
		d.Options = append([]formedit.Option(nil), f.Options...)
	}
	return errs
}

// readFileLimits reads the allowed types and the size in MB.
func (s *Server) readFileLimits(c echo.Context, d *fieldData, errs *[]FieldError) {
	form, _ := c.FormParams()
	d.Field.Accept = nil
	d.Accepted = map[string]bool{}
	for _, a := range form["accept"] {
		for _, ch := range acceptChoices {
			if ch.Value == a {
				d.Field.Accept = append(d.Field.Accept, a)
				d.Accepted[a] = true
			}
		}
	}
	raw := trimmed(c, "max_size")
	d.Raw["max_size"] = raw
	d.Field.MaxSizeMB = 0
	if raw == "" {
		return
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 25 {
		*errs = append(*errs, FieldError{ID: "max_size", Message: s.t(c, "fe.field.err_size")})
		return
	}
	d.Field.MaxSizeMB = n
}

// readOptions reads the option rows (opt_value_N, opt_label_N, and the
// "remove" box opt_remove_N). A row with only a label gets a value made
// from it; removed rows are dropped; empty rows are kept for the page.
func readOptions(c echo.Context) []formedit.Option {
	n, _ := strconv.Atoi(c.FormValue("opt_rows"))
	if n < 0 || n > 200 {
		n = 0
	}
	var out []formedit.Option
	for i := 0; i < n; i++ {
		k := strconv.Itoa(i)
		if c.FormValue("opt_remove_"+k) == "1" {
			continue
		}
		o := formedit.Option{Value: strings.TrimSpace(c.FormValue("opt_value_" + k)), Label: strings.TrimSpace(c.FormValue("opt_label_" + k))}
		if o.Value == "" && o.Label != "" {
			o.Value = slugify(o.Label)
		}
		if o.Label == "" && o.Value != "" {
			o.Label = o.Value
		}
		out = append(out, o)
	}
	return out
}
