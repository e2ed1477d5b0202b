package builder

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
)

// settingsData is the data of a form's "Impostazioni" tab.
type settingsData struct {
	Meta    formedit.Meta
	Offices []*modulario.Office
	// Deadline is the deadline input as typed ("" for none).
	Deadline string
	// RetentionMonths is the retention period input as typed; the action
	// is Meta.RetentionAction ("" none, "delete", "anonymise").
	RetentionMonths string
	// Fields maps an input's id to its error message, shown inline.
	Fields map[string]string
}

// metaInputIDs maps JSON pointers of the descriptive part to inputs.
var metaInputIDs = map[string]string{
	"/title": "title", "/summary": "summary", "/description": "description",
	"/requirements": "requirements", "/category": "category", "/office": "office",
	"/privacy": "privacy", "/confirmation": "confirmation", "/deadline_days": "deadline_days",
	"/retention": "retention-none", "/retention/months": "retention_months", "/retention/action": "retention-none",
	"title": "title", "summary": "summary", "office": "office", "privacy": "privacy",
}

// formSettings shows the descriptive part of a form.
func (s *Server) formSettings(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	offices, err := s.cfg.Offices.ListOffices(c.Request().Context())
	if err != nil {
		return err
	}
	d := &settingsData{Meta: ed.Doc.View().Meta, Offices: offices}
	if d.Meta.DeadlineDays > 0 {
		d.Deadline = strconv.Itoa(d.Meta.DeadlineDays)
	}
	if d.Meta.RetentionMonths > 0 {
		d.RetentionMonths = strconv.Itoa(d.Meta.RetentionMonths)
	}
	return s.renderEditor(c, http.StatusOK, ed, "settings", s.t(c, "fe.tab.settings"), d, nil)
}

// formSettingsSave stores the descriptive part as the draft.
func (s *Server) formSettingsSave(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	offices, err := s.cfg.Offices.ListOffices(ctx)
	if err != nil {
		return err
	}
	m := ed.Doc.View().Meta
	m.Title, m.Summary, m.Category = trimmed(c, "title"), trimmed(c, "summary"), trimmed(c, "category")
	m.Office = c.FormValue("office")
	for _, k := range []struct {
		dst  *string
		name string
	}{{&m.Description, "description"}, {&m.Requirements, "requirements"}, {&m.Privacy, "privacy"}, {&m.Confirmation, "confirmation"}} {
		*k.dst = strings.TrimSpace(strings.ReplaceAll(c.FormValue(k.name), "\r\n", "\n"))
	}
	d := &settingsData{Meta: m, Offices: offices, Deadline: trimmed(c, "deadline_days"), RetentionMonths: trimmed(c, "retention_months")}
	var errs []FieldError
	if m.DeadlineDays, err = parseDeadline(d.Deadline); err != nil {
		errs = append(errs, FieldError{ID: "deadline_days", Message: s.t(c, "fe.settings.err_deadline")})
	}
	errs = append(errs, s.parseRetention(c, &m, d)...)
	if m.Title == "" {
		errs = append(errs, FieldError{ID: "title", Message: s.t(c, "fe.forms.err_title")})
	}
	if m.Privacy == "" {
		errs = append(errs, FieldError{ID: "privacy", Message: s.t(c, "fe.settings.err_privacy")})
	}
	if m.Office != "" && !officeExists(offices, m.Office) {
		errs = append(errs, FieldError{ID: "office", Message: s.t(c, "fe.settings.err_office")})
	}
	if len(errs) == 0 {
		err = ed.Doc.SetMeta(m)
		if err == nil {
			err = s.saveDoc(c, ed, "form.save", "edited settings")
		}
		if err != nil && !isInvalid(err) {
			return err
		} else if err != nil {
			errs = fieldErrors(err, metaInputIDs)
		}
	}
	if len(errs) > 0 {
		d.Fields = make(map[string]string, len(errs))
		for _, e := range errs {
			d.Fields[e.ID] = e.Message
		}
		return s.renderEditor(c, http.StatusUnprocessableEntity, ed, "settings", s.t(c, "fe.tab.settings"), d, errs)
	}
	return c.Redirect(http.StatusSeeOther, formsPath+"/"+ed.Form.Slug+"/impostazioni?ok=ok.fe_saved")
}

// maxDeadlineDays is the longest deadline a form may set (two years).
const maxDeadlineDays = 730

// parseDeadline reads the deadline in days: "" is none (0), otherwise a
// whole number from 1 to maxDeadlineDays.
func parseDeadline(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxDeadlineDays {
		return 0, strconv.ErrRange
	}
	return n, nil
}

// maxRetentionMonths is the longest retention period (100 years, as the
// definition's meta-schema allows).
const maxRetentionMonths = 1200

// parseRetention reads "Conservazione dei dati": no action keeps requests
// (the months are ignored); delete or anonymise need 1 to
// maxRetentionMonths months. It sets m's retention fields and d's action.
func (s *Server) parseRetention(c echo.Context, m *formedit.Meta, d *settingsData) []FieldError {
	action := c.FormValue("retention_action")
	m.RetentionMonths, m.RetentionAction = 0, ""
	d.Meta.RetentionAction = action
	switch action {
	case "":
		return nil
	case string(modulario.RetentionDelete), string(modulario.RetentionAnonymise):
	default:
		return []FieldError{{ID: "retention-none", Message: s.t(c, "fe.settings.err_retention_action")}}
	}
	n, err := strconv.Atoi(d.RetentionMonths)
	if err != nil || n < 1 || n > maxRetentionMonths {
		return []FieldError{{ID: "retention_months", Message: s.t(c, "fe.settings.err_retention_months")}}
	}
	m.RetentionMonths, m.RetentionAction = n, action
	return nil
}

// officeExists reports whether slug names one of offices.
func officeExists(offices []*modulario.Office, slug string) bool {
	for _, o := range offices {
		if o.Slug == slug {
			return true
		}
	}
	return false
}
