package builder

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario/builder/formedit"
)

// condOps are the condition operators in the order the select lists them.
var condOps = []string{formedit.OpEq, formedit.OpIn, formedit.OpTrue, formedit.OpGt}

// condEditor is the data of the condition editor ("Mostra questo campo
// solo se [campo] [operatore] [valore]"). Prefix keeps ids unique when a
// page holds more than one editor.
type condEditor struct {
	Lang    string
	Legend  string
	Always  string // label of the empty choice of the field select
	Prefix  string
	Fields  []formedit.FieldRef
	Choices []formedit.FieldRef // the fields with options, for the option checkboxes
	Ops     []condOp
	Field   string
	Op      string
	Value   string          // free value, for fields without options
	Checked map[string]bool // "path|value" of the ticked options
}

// condOp is one entry of the operator select.
type condOp struct{ Value, Label string }

// newCondEditor prepares the editor for cond, offering every answerable
// field except those in exclude.
func (s *Server) newCondEditor(c echo.Context, prefix string, view *formedit.View, cond *formedit.Condition, exclude func(formedit.FieldRef) bool) *condEditor {
	e := &condEditor{Lang: langOf(c), Prefix: prefix, Checked: map[string]bool{}, Op: formedit.OpEq,
		Legend: s.t(c, "fe.cond.legend"), Always: s.t(c, "fe.cond.always")}
	for _, f := range view.Fields {
		if exclude != nil && exclude(f) {
			continue
		}
		e.Fields = append(e.Fields, f)
		if len(f.Options) > 0 {
			e.Choices = append(e.Choices, f)
		}
	}
	for _, op := range condOps {
		e.Ops = append(e.Ops, condOp{Value: op, Label: s.t(c, "fe.cond.op_"+op)})
	}
	if cond != nil {
		e.Field, e.Op = cond.Field, cond.Op
		if ref := findRef(view, cond.Field); ref != nil && len(ref.Options) > 0 {
			for _, v := range cond.Values {
				e.Checked[cond.Field+"|"+v] = true
			}
		} else {
			e.Value = strings.Join(cond.Values, ", ")
		}
	}
	return e
}

// IsChecked reports whether an option box is ticked (for templates).
func (e *condEditor) IsChecked(path, value string) bool { return e.Checked[path+"|"+value] }

// findRef returns the answerable field at path, or nil.
func findRef(view *formedit.View, path string) *formedit.FieldRef {
	for i := range view.Fields {
		if view.Fields[i].Path == path {
			return &view.Fields[i]
		}
	}
	return nil
}

// readCondition reads the posted condition editor. An empty field means
// "always shown" (nil). Values come from the ticked options of a choice
// field, else from the free value (comma separated for "è uno tra").
func readCondition(c echo.Context, prefix string, view *formedit.View) (*formedit.Condition, *condEditor) {
	e := &condEditor{Prefix: prefix, Checked: map[string]bool{}}
	e.Field = c.FormValue(prefix + "cond_field")
	e.Op = c.FormValue(prefix + "cond_op")
	e.Value = strings.TrimSpace(c.FormValue(prefix + "cond_value"))
	form, _ := c.FormParams()
	for _, v := range form[prefix+"cond_option"] {
		e.Checked[v] = true
	}
	if e.Field == "" {
		return nil, e
	}
	cond := &formedit.Condition{Field: e.Field, Op: e.Op}
	if e.Op == formedit.OpTrue {
		return cond, e
	}
	ref := findRef(view, e.Field)
	if ref != nil && len(ref.Options) > 0 {
		for _, o := range ref.Options {
			if e.Checked[e.Field+"|"+o.Value] {
				cond.Values = append(cond.Values, o.Value)
			}
		}
		if len(cond.Values) > 0 || e.Value == "" {
			return cond, e
		}
	}
	if e.Op == formedit.OpIn {
		for _, v := range strings.Split(e.Value, ",") {
			if v = strings.TrimSpace(v); v != "" {
				cond.Values = append(cond.Values, v)
			}
		}
	} else if e.Value != "" {
		cond.Values = []string{e.Value}
	}
	return cond, e
}

// condText is the condition as a sentence: «Tipo» è uguale a «Perdita».
func (s *Server) condText(c echo.Context, cond *formedit.Condition, view *formedit.View) string {
	if cond == nil || cond.Field == "" {
		return ""
	}
	label, values := cond.Field, cond.Values
	if ref := findRef(view, cond.Field); ref != nil {
		label = ref.Label
		values = optionLabels(ref, cond.Values)
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "«" + v + "»"
	}
	switch cond.Op {
	case formedit.OpTrue:
		return s.t(c, "fe.cond.text_true", label)
	case formedit.OpIn:
		return s.t(c, "fe.cond.text_in", label, strings.Join(quoted, ", "))
	case formedit.OpGt:
		return s.t(c, "fe.cond.text_gt", label, strings.Join(values, ""))
	}
	return s.t(c, "fe.cond.text_eq", label, strings.Join(quoted, ", "))
}

// optionLabels maps posted values to their labels where the field has options.
func optionLabels(ref *formedit.FieldRef, values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = v
		for _, o := range ref.Options {
			if o.Value == v {
				out[i] = o.Label
			}
		}
	}
	return out
}
