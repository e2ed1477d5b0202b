package builder

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
)

// publishRoutes registers publishing, discarding, archiving and deleting.
func (s *Server) publishRoutes(get, post func(string, echo.HandlerFunc)) {
	get("/:slug/pubblica", s.publishPage)
	post("/:slug/pubblica", s.publish)
	get("/:slug/scarta", s.confirmPage("discard"))
	post("/:slug/scarta", s.discard)
	get("/:slug/elimina", s.confirmPage("delete"))
	post("/:slug/elimina", s.deleteForm)
	post("/:slug/archivia", s.archive)
}

// publishData is the data of the publish page.
type publishData struct {
	Problems []string
	Changes  []formedit.Change
	HasDraft bool
	Live     int
}

// publishProblems lists, in Italian, what stops the draft from going
// live: an invalid document, no answerable field, no office to receive the
// requests (or one that no longer exists), rules routing to unknown offices.
// The editor's publish page and POST /api/v1/forms/{slug}/publish share it.
func (s *Server) publishProblems(c echo.Context, doc *formedit.Doc) ([]string, error) {
	var out []string
	if err := doc.Check(); err != nil {
		if !isInvalid(err) {
			return nil, err
		}
		for _, fe := range fieldErrors(err, nil) {
			out = append(out, fe.Message)
		}
	}
	view := doc.View()
	if view.Meta.Title == "" {
		out = append(out, s.t(c, "fe.publish.no_title"))
	}
	if len(view.Fields) == 0 {
		out = append(out, s.t(c, "fe.publish.no_fields"))
	}
	offices, err := s.cfg.Offices.ListOffices(c.Request().Context())
	if err != nil {
		return nil, err
	}
	switch {
	case len(offices) == 0:
		out = append(out, s.t(c, "fe.publish.no_offices"))
	case view.Meta.Office == "":
		out = append(out, s.t(c, "fe.publish.no_office"))
	case !officeExists(offices, view.Meta.Office):
		out = append(out, s.t(c, "fe.publish.office_gone", view.Meta.Office))
	}
	for i, r := range view.Rules {
		if r.Route != "" && !officeExists(offices, r.Route) {
			out = append(out, s.t(c, "fe.publish.rule_office", i+1, r.Route))
		}
	}
	for _, a := range doc.Assignees() {
		_, err := modulario.FindAssignee(c.Request().Context(), s.cfg.Users, a.Value)
		if modulario.ErrorCode(err) == modulario.ENOTFOUND {
			out = append(out, s.t(c, "fe.publish.rule_assign", a.Rule+1, a.Value))
		} else if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// publishPage shows what would go live and anything that stops it.
func (s *Server) publishPage(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	d, err := s.publishData(c, ed)
	if err != nil {
		return err
	}
	return s.renderEditor(c, http.StatusOK, ed, "publish", s.t(c, "fe.publish.title"), d, nil)
}

// publishData gathers the checks and the changes against the live version.
func (s *Server) publishData(c echo.Context, ed *editing) (*publishData, error) {
	d := &publishData{HasDraft: ed.Form.Draft > 0, Live: ed.Form.Published}
	if !d.HasDraft {
		return d, nil
	}
	problems, err := s.publishProblems(c, ed.Doc)
	if err != nil {
		return nil, err
	}
	d.Problems = problems
	if ed.Form.Published > 0 {
		live, err := s.cfg.Forms.FindVersion(c.Request().Context(), ed.Form.Slug, ed.Form.Published)
		if err != nil {
			return nil, err
		}
		d.Changes = formedit.Diff(live.Definition, ed.Version.Definition)
	}
	return d, nil
}

// publish makes the draft the live version, refusing (422, with the list)
// when a check fails.
func (s *Server) publish(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	if ed.Form.Draft == 0 {
		return modulario.Errorf(modulario.ECONFLICT, "%s", s.t(c, "fe.publish.nothing"))
	}
	d, err := s.publishData(c, ed)
	if err != nil {
		return err
	}
	if len(d.Problems) > 0 {
		errs := make([]FieldError, len(d.Problems))
		for i, p := range d.Problems {
			errs[i] = FieldError{Message: p}
		}
		return s.renderEditor(c, http.StatusUnprocessableEntity, ed, "publish", s.t(c, "fe.publish.title"), d, errs)
	}
	form, err := s.commitPublish(c, ed)
	if err != nil {
		return err
	}
	return s.backToEditor(c, form.Slug, "ok.fe_published", "")
}

// commitPublish makes ed's draft live and audits it, unless the form
// changed since ed was loaded (staleError). The caller has checked
// publishProblems.
func (s *Server) commitPublish(c echo.Context, ed *editing) (*modulario.Form, error) {
	s.editMu.Lock()
	defer s.editMu.Unlock()
	if err := s.checkCurrent(c, ed); err != nil {
		return nil, err
	}
	form, err := s.cfg.Forms.PublishDraft(c.Request().Context(), ed.Form.Slug)
	if err != nil {
		return nil, err
	}
	s.audit(c, "form.publish", "form:"+form.Slug, "published version "+strconv.Itoa(form.Published))
	return form, nil
}

// confirmData is the data of a confirmation page (no JavaScript needed).
type confirmData struct {
	What   string // "discard" or "delete"
	Action string
}

// confirmPage asks before discarding the draft or deleting the form.
func (s *Server) confirmPage(what string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ed, err := s.loadForm(c)
		if err != nil {
			return err
		}
		action := formsPath + "/" + ed.Form.Slug + "/scarta"
		if what == "delete" {
			action = formsPath + "/" + ed.Form.Slug + "/elimina"
		}
		d := &confirmData{What: what, Action: action}
		return s.renderEditor(c, http.StatusOK, ed, "confirm", s.t(c, "fe.confirm."+what+"_title"), d, nil)
	}
}

// discard drops the unpublished changes; the live version stays.
func (s *Server) discard(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	if ed.Form.Draft == 0 || ed.Form.Published == 0 {
		return modulario.Errorf(modulario.ECONFLICT, "%s", s.t(c, "fe.confirm.discard_none"))
	}
	s.editMu.Lock()
	defer s.editMu.Unlock()
	if err := s.checkCurrent(c, ed); err != nil {
		return err
	}
	if _, err := s.cfg.Forms.DiscardDraft(c.Request().Context(), ed.Form.Slug); err != nil {
		return err
	}
	s.audit(c, "form.discard", "form:"+ed.Form.Slug, "discarded draft version "+strconv.Itoa(ed.Form.Draft))
	return s.backToEditor(c, ed.Form.Slug, "ok.fe_discarded", "")
}

// deleteForm removes a form that was never published.
func (s *Server) deleteForm(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	if ed.Form.Published > 0 {
		return modulario.Errorf(modulario.ECONFLICT, "%s", s.t(c, "fe.confirm.delete_published"))
	}
	s.editMu.Lock()
	defer s.editMu.Unlock()
	if err := s.checkCurrent(c, ed); err != nil {
		return err
	}
	if err := s.cfg.Forms.DeleteForm(c.Request().Context(), ed.Form.Slug); err != nil {
		return err
	}
	s.audit(c, "form.delete", "form:"+ed.Form.Slug, "deleted form")
	return s.redirect(c, formsPath, "ok.fe_form_deleted")
}

// archive archives a form (archiviato=1) or brings it back (0).
func (s *Server) archive(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	on := c.FormValue("archiviato") != "0"
	if _, err := s.cfg.Forms.SetArchived(c.Request().Context(), ed.Form.Slug, on); err != nil {
		return err
	}
	detail, okKey := "archived", "ok.fe_archived"
	if !on {
		detail, okKey = "unarchived", "ok.fe_unarchived"
	}
	s.audit(c, "form.archive", "form:"+ed.Form.Slug, detail)
	return s.backToEditor(c, ed.Form.Slug, okKey, "")
}
