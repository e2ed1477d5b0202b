package builder

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
)

// formsPath is the root of the form editor.
const formsPath = "/admin/moduli"

// previewTTL is how long a preview link signed for the editor stays valid.
const previewTTL = 4 * time.Hour

// formRoutes registers the form editor's routes: editors only (admin
// passes every role check), operators get 403.
func (s *Server) formRoutes() {
	s.addFormPartials()
	s.addEmbedPanel()
	ed := modulario.RoleEditor
	get := func(p string, h echo.HandlerFunc) { s.route(http.MethodGet, formsPath+p, h, ed) }
	post := func(p string, h echo.HandlerFunc) { s.route(http.MethodPost, formsPath+p, h, ed) }

	get("", s.formList)
	get("/nuovo", s.formNew)
	post("/nuovo", s.formCreate)
	get("/:slug", s.formEditor)
	get("/:slug/impostazioni", s.formSettings)
	post("/:slug/impostazioni", s.formSettingsSave)

	post("/:slug/passi", s.stepAdd)
	get("/:slug/passi/:step", s.stepEdit)
	post("/:slug/passi/:step", s.stepSave)
	post("/:slug/passi/:step/sposta", s.stepMove)
	post("/:slug/passi/:step/elimina", s.stepDelete)

	post("/:slug/campi", s.fieldAdd)
	post("/:slug/azioni-campo", s.fieldAction)
	get("/:slug/campi/*", s.fieldEdit)
	post("/:slug/campi/*", s.fieldSave)

	s.ruleRoutes(get, post)
	s.versionRoutes(get, post)
}

// editing is a form loaded for editing: its record, the version being
// edited (the draft, else the live one) and the document.
type editing struct {
	Form    *modulario.Form
	Version *modulario.Version
	Doc     *formedit.Doc
}

// parseStored parses the definition of a stored version; one that no
// longer parses is a server fault.
func parseStored(v *modulario.Version) (*formedit.Doc, error) {
	doc, err := formedit.Parse(v.Definition)
	if err != nil {
		return nil, &modulario.Error{Code: modulario.EINTERNAL, Message: "stored definition unreadable", Err: err}
	}
	return doc, nil
}

// loadForm loads the form named by the :slug parameter.
func (s *Server) loadForm(c echo.Context) (*editing, error) {
	ctx := c.Request().Context()
	form, err := s.cfg.Forms.FindForm(ctx, c.Param("slug"))
	if err != nil {
		return nil, s.formNotFound(c, err)
	}
	if !canEditForm(userOf(c), form.Office) {
		return nil, modulario.Errorf(modulario.EFORBIDDEN, "%s", s.t(c, "fe.form.other_office"))
	}
	v, err := s.currentVersion(c, form)
	if err != nil {
		return nil, err
	}
	doc, err := parseStored(v)
	if err != nil {
		return nil, err
	}
	ed := &editing{Form: form, Version: v, Doc: doc}
	if err := s.checkBase(c, ed); err != nil {
		return nil, err
	}
	return ed, nil
}

// formNotFound turns ENOTFOUND into an Italian message.
func (s *Server) formNotFound(c echo.Context, err error) error {
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "fe.form.not_found"))
	}
	return err
}

// saveDoc checks the edited document as the renderer will and stores it as
// the draft; the live version is never touched. An invalid document is not
// saved: the EINVALID error carries every problem by JSON pointer. A form
// changed by someone else since ed was loaded is not saved either
// (staleError, 409): last save never silently wins.
func (s *Server) saveDoc(c echo.Context, ed *editing, action, detail string) error {
	if err := ed.Doc.Check(); err != nil {
		return err
	}
	m := ed.Doc.View().Meta
	if !canEditForm(userOf(c), m.Office) {
		return &modulario.Error{Code: modulario.EINVALID, Message: s.t(c, "fe.form.other_office"),
			Fields: map[string]string{"/office": s.t(c, "fe.form.other_office")}}
	}
	return s.storeDoc(c, ed, action, detail)
}

// storeDoc stores ed's checked document as the draft and audits the save,
// unless the form changed since ed was loaded (staleError). The editor and
// the API (PUT /api/v1/forms/{slug}/draft) both save through it, after
// their own permission checks.
func (s *Server) storeDoc(c echo.Context, ed *editing, action, detail string) error {
	m := ed.Doc.View().Meta
	meta := modulario.Form{Slug: ed.Form.Slug, Title: m.Title, Summary: m.Summary, Category: m.Category, Office: m.Office}
	s.editMu.Lock()
	defer s.editMu.Unlock()
	if err := s.checkCurrent(c, ed); err != nil {
		return err
	}
	form, changed, err := s.cfg.Forms.SaveDraft(c.Request().Context(), meta, ed.Doc.JSON())
	if err != nil {
		return err
	}
	ed.Form = form
	// A restore is worth recording even when it only dropped the draft.
	if changed || action == "form.restore" {
		s.audit(c, action, "form:"+form.Slug, detail)
	}
	return nil
}

// editorURL is the editor page of a form, with an anchor when given.
func editorURL(slug string, anchor string) string {
	u := formsPath + "/" + slug
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

// backToEditor redirects to the editor after a change, with a flash.
func (s *Server) backToEditor(c echo.Context, slug, okKey, anchor string) error {
	u := formsPath + "/" + slug
	if okKey != "" {
		u += "?ok=" + okKey
	}
	if anchor != "" {
		u += "#" + anchor
	}
	return c.Redirect(http.StatusSeeOther, u)
}

// isInvalid reports whether err is a validation error to show on the page.
func isInvalid(err error) bool { return modulario.ErrorCode(err) == modulario.EINVALID }

// fieldErrors turns an EINVALID error into the error summary. ids maps a
// JSON pointer (or a key of Fields) to the id of the input it is about;
// unknown keys are listed with their pointer and no anchor.
func fieldErrors(err error, ids map[string]string) []FieldError {
	fields := modulario.ErrorFields(err)
	if len(fields) == 0 {
		return []FieldError{{Message: modulario.ErrorMessage(err)}}
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]FieldError, 0, len(keys))
	for _, k := range keys {
		if id, ok := ids[k]; ok {
			out = append(out, FieldError{ID: id, Message: fields[k]})
			continue
		}
		m := fields[k]
		if k != "" {
			m = k + ": " + m
		} else {
			m = modulario.ErrorMessage(err) + " " + m
		}
		out = append(out, FieldError{Message: m})
	}
	return out
}

// intParam reads a non-negative integer path parameter; a bad one is 404.
func (s *Server) intParam(c echo.Context, name string) (int, error) {
	n, err := strconv.Atoi(c.Param(name))
	if err != nil || n < 0 {
		return 0, modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "err.not_found"))
	}
	return n, nil
}

// delta reads the direction of a move button: "su" is -1, anything else +1.
func delta(c echo.Context) int {
	if c.FormValue("dir") == "su" {
		return -1
	}
	return 1
}

// previewURL signs a preview link for version n of a form.
func (s *Server) previewURL(slug string, n int) string {
	if n <= 0 || len(s.cfg.PreviewKey) == 0 {
		return ""
	}
	return "/anteprima/" + modulario.SignPreview(s.cfg.PreviewKey, slug, n, s.cfg.Now().Add(previewTTL))
}

// formCrumbs is the breadcrumb of a form's pages: Home / Moduli / title
// (linked when a sub-page follows).
func (s *Server) formCrumbs(c echo.Context, v *View, f *modulario.Form, page string) {
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "nav.forms"), URL: formsPath})
	if f == nil {
		return
	}
	if page == "" {
		v.Crumbs = append(v.Crumbs, Crumb{Label: f.Title})
		return
	}
	v.Crumbs = append(v.Crumbs, Crumb{Label: f.Title, URL: editorURL(f.Slug, "")}, Crumb{Label: page})
}

// trimmed returns the trimmed form value of name.
func trimmed(c echo.Context, name string) string { return strings.TrimSpace(c.FormValue(name)) }
