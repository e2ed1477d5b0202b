package builder

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
)

// stepAdd appends a step.
func (s *Server) stepAdd(c echo.Context) error {
	return s.applyAndSave(c, "form.save", "ok.fe_step_added", func(ed *editing) (string, string, error) {
		title := trimmed(c, "title")
		if title == "" {
			title = s.t(c, "fe.step.new_title", len(ed.Doc.View().Steps)+1)
		}
		i, err := ed.Doc.AddStep(title)
		return "added step " + strconv.Itoa(i+1), "passo-" + strconv.Itoa(i+1), err
	})
}

// stepData is the data of the step page (rename, intro, condition).
type stepData struct {
	Index  int
	Number int
	Title  string
	Intro  string
	Cond   *condEditor
}

// stepEdit shows the step page.
func (s *Server) stepEdit(c echo.Context) error {
	ed, i, err := s.loadStep(c)
	if err != nil {
		return err
	}
	view := ed.Doc.View()
	st := view.Steps[i]
	d := &stepData{Index: i, Number: i + 1, Title: st.Title, Intro: st.Intro,
		Cond: s.newCondEditor(c, "", view, st.Condition, func(f formedit.FieldRef) bool { return f.Step >= i })}
	return s.renderEditor(c, http.StatusOK, ed, "step", s.t(c, "fe.step.page_title", i+1), d, nil)
}

// stepSave renames a step, sets its intro and its condition.
func (s *Server) stepSave(c echo.Context) error {
	ed, i, err := s.loadStep(c)
	if err != nil {
		return err
	}
	view := ed.Doc.View()
	d := &stepData{Index: i, Number: i + 1, Title: trimmed(c, "title"), Intro: trimmed(c, "intro")}
	cond, ce := readCondition(c, "", view)
	d.Cond = s.newCondEditor(c, "", view, nil, func(f formedit.FieldRef) bool { return f.Step >= i })
	d.Cond.Field, d.Cond.Op, d.Cond.Value, d.Cond.Checked = ce.Field, ce.Op, ce.Value, ce.Checked
	if d.Title == "" {
		errs := []FieldError{{ID: "title", Message: s.t(c, "fe.step.err_title")}}
		return s.renderEditor(c, http.StatusUnprocessableEntity, ed, "step", s.t(c, "fe.step.page_title", i+1), d, errs)
	}
	err = ed.Doc.UpdateStep(i, d.Title, d.Intro)
	if err == nil {
		err = ed.Doc.SetStepCondition(i, cond)
	}
	if err == nil {
		err = s.saveDoc(c, ed, "form.save", "edited step "+strconv.Itoa(i+1))
	}
	if isInvalid(err) {
		errs := fieldErrors(err, map[string]string{"title": "title", "intro": "intro"})
		return s.renderEditor(c, http.StatusUnprocessableEntity, ed, "step", s.t(c, "fe.step.page_title", i+1), d, errs)
	} else if err != nil {
		return err
	}
	return s.backToEditor(c, ed.Form.Slug, "ok.fe_saved", "passo-"+strconv.Itoa(i+1))
}

// loadStep loads the form and the index of the step named by :step.
func (s *Server) loadStep(c echo.Context) (*editing, int, error) {
	ed, err := s.loadForm(c)
	if err != nil {
		return nil, 0, err
	}
	i, err := s.stepIndex(c, ed)
	return ed, i, err
}

// stepIndex reads the :step parameter (1-based in URLs) as an index.
func (s *Server) stepIndex(c echo.Context, ed *editing) (int, error) {
	n, err := s.intParam(c, "step")
	if err != nil || n < 1 || n > len(ed.Doc.View().Steps) {
		return 0, modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "fe.step.not_found"))
	}
	return n - 1, nil
}

// stepMove moves a step up or down.
func (s *Server) stepMove(c echo.Context) error {
	return s.applyAndSave(c, "form.save", "ok.fe_saved", func(ed *editing) (string, string, error) {
		i, err := s.stepIndex(c, ed)
		if err != nil {
			return "", "", err
		}
		d := delta(c)
		if err := ed.Doc.MoveStep(i, d); err != nil {
			return "", "", err
		}
		return "moved step " + strconv.Itoa(i+1), "passo-" + strconv.Itoa(i+1+d), nil
	})
}

// stepDelete deletes a step; its fields move to the previous one.
func (s *Server) stepDelete(c echo.Context) error {
	return s.applyAndSave(c, "form.save", "ok.fe_step_deleted", func(ed *editing) (string, string, error) {
		i, err := s.stepIndex(c, ed)
		if err != nil {
			return "", "", err
		}
		return "deleted step " + strconv.Itoa(i+1), "", ed.Doc.DeleteStep(i)
	})
}

// fieldAdd adds a field of a palette type to a step, or to a group when
// "group" names one, and opens its edit page.
func (s *Server) fieldAdd(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	t := formedit.FieldType(c.FormValue("type"))
	label := trimmed(c, "label")
	if label == "" {
		label = typeLabel(t)
	}
	if t == formedit.TypeAppointment && c.FormValue("group") == "" {
		return s.appointmentAdd(c, ed, label)
	}
	var path string
	if group := c.FormValue("group"); group != "" {
		path, err = ed.Doc.AddChild(group, t, label)
	} else {
		step, _ := strconv.Atoi(c.FormValue("step"))
		path, err = ed.Doc.AddField(step, t, label)
	}
	if err == nil {
		err = s.saveDoc(c, ed, "form.save", "added field "+path+" ("+string(t)+")")
	}
	if err != nil {
		return s.editorFail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, fieldURL(ed.Form.Slug, path)+"?ok=ok.fe_field_added")
}

// fieldURL is the edit page of a field.
func fieldURL(slug, path string) string { return formsPath + "/" + slug + "/campi/" + path }

// fieldAction moves (su, giu, to another step) or deletes a field.
func (s *Server) fieldAction(c echo.Context) error {
	path := c.FormValue("path")
	op := c.FormValue("op")
	okKey := "ok.fe_saved"
	if op == "elimina" {
		okKey = "ok.fe_field_deleted"
	}
	return s.applyAndSave(c, "form.save", okKey, func(ed *editing) (string, string, error) {
		switch op {
		case "su", "giu":
			d := 1
			if op == "su" {
				d = -1
			}
			return "moved field " + path, fieldAnchor(path), ed.Doc.MoveField(path, d)
		case "passo":
			n, err := strconv.Atoi(c.FormValue("to"))
			if err != nil {
				return "", "", modulario.Errorf(modulario.EINVALID, "%s", s.t(c, "fe.step.not_found"))
			}
			return "moved field " + path + " to step " + strconv.Itoa(n), fieldAnchor(path), ed.Doc.MoveFieldToStep(path, n-1)
		case "elimina":
			return "deleted field " + path, "", ed.Doc.DeleteField(path)
		}
		return "", "", modulario.Errorf(modulario.EINVALID, "%s", s.t(c, "err.bad_request"))
	})
}
