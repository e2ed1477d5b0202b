package builder

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
)

// versionRoutes registers JSON editing, versions and publishing.
func (s *Server) versionRoutes(get, post func(string, echo.HandlerFunc)) {
	get("/:slug/json", s.formJSON)
	post("/:slug/json", s.formJSONSave)
	get("/:slug/versioni", s.versionList)
	get("/:slug/versioni/confronta", s.versionDiff)
	get("/:slug/versioni/:n", s.versionShow)
	post("/:slug/versioni/:n/ripristina", s.versionRestore)
	s.publishRoutes(get, post)
}

// jsonData is the data of the JSON tab.
type jsonData struct{ Text string }

// formJSON shows the whole definition in a text area.
func (s *Server) formJSON(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	return s.renderEditor(c, http.StatusOK, ed, "json", s.t(c, "fe.tab.json"), &jsonData{Text: string(ed.Doc.JSON())}, nil)
}

// formJSONSave validates the posted document with the meta-schema and the
// compiler and saves it as the draft; every error names its JSON pointer.
func (s *Server) formJSONSave(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	text := strings.ReplaceAll(c.FormValue("definition"), "\r\n", "\n")
	doc, err := formedit.Parse([]byte(text))
	if err == nil {
		if slug := doc.View().Meta.Slug; slug != ed.Form.Slug {
			err = &modulario.Error{Code: modulario.EINVALID, Message: s.t(c, "fe.json.err_slug", ed.Form.Slug),
				Fields: map[string]string{"/slug": s.t(c, "fe.json.err_slug", ed.Form.Slug)}}
		}
	}
	if err == nil {
		ed.Doc = doc
		err = s.saveDoc(c, ed, "form.save", "saved JSON")
	}
	if isInvalid(err) {
		errs := fieldErrors(err, nil)
		for i := range errs {
			errs[i].ID = "definition"
		}
		return s.renderEditor(c, http.StatusUnprocessableEntity, ed, "json", s.t(c, "fe.tab.json"), &jsonData{Text: text}, errs)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, formsPath+"/"+ed.Form.Slug+"/json?ok=ok.fe_saved")
}

// versionRow is one version of the history.
type versionRow struct {
	Number      int
	State       string
	StateClass  string
	Author      string
	PublishedBy string
	CreatedAt   time.Time
	PublishedAt *time.Time
	Live, Draft bool
}

// versionsData is the data of the versions tab.
type versionsData struct {
	Rows     []versionRow
	From, To int
}

// versionList lists the versions with state, author and time.
func (s *Server) versionList(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	rows, err := s.versionRows(c, ed.Form)
	if err != nil {
		return err
	}
	d := &versionsData{Rows: rows}
	if len(rows) > 1 {
		d.From, d.To = rows[1].Number, rows[0].Number
	}
	return s.renderEditor(c, http.StatusOK, ed, "versions", s.t(c, "fe.tab.versions"), d, nil)
}

// versionRows reads the history, naming authors through UserService.
func (s *Server) versionRows(c echo.Context, f *modulario.Form) ([]versionRow, error) {
	versions, err := s.cfg.Forms.ListVersions(c.Request().Context(), f.Slug)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	name := func(id string) string {
		if id == "" {
			return ""
		}
		if n, ok := names[id]; ok {
			return n
		}
		n := id
		if u, err := s.cfg.Users.FindUser(c.Request().Context(), id); err == nil {
			n = u.Name
			if n == "" {
				n = u.Email
			}
		}
		names[id] = n
		return n
	}
	rows := make([]versionRow, 0, len(versions))
	for _, v := range versions {
		r := versionRow{Number: v.Number, Author: name(v.Author), PublishedBy: name(v.PublishedBy),
			CreatedAt: v.CreatedAt, PublishedAt: v.PublishedAt, Live: v.Number == f.Published, Draft: v.Number == f.Draft}
		switch {
		case r.Live:
			r.State, r.StateClass = s.t(c, "fe.version.live"), "bg-success"
		case r.Draft:
			r.State, r.StateClass = s.t(c, "fe.version.draft"), "bg-primary"
		default:
			r.State, r.StateClass = s.t(c, "fe.version.published"), "bg-secondary"
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// versionData is the data of one version's page.
type versionData struct {
	Number int
	Text   string
	Live   bool
	Draft  bool
}

// versionShow shows the JSON of one version.
func (s *Server) versionShow(c echo.Context) error {
	ed, v, err := s.loadVersion(c)
	if err != nil {
		return err
	}
	text := string(v.Definition)
	if doc, err := formedit.Parse(v.Definition); err == nil {
		text = string(doc.JSON())
	}
	d := &versionData{Number: v.Number, Text: text, Live: v.Number == ed.Form.Published, Draft: v.Number == ed.Form.Draft}
	return s.renderEditor(c, http.StatusOK, ed, "version", s.t(c, "fe.version.title", v.Number), d, nil)
}

// loadVersion loads the form and its version named by :n.
func (s *Server) loadVersion(c echo.Context) (*editing, *modulario.Version, error) {
	ed, err := s.loadForm(c)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.findVersion(c, ed.Form.Slug, c.Param("n"))
	return ed, v, err
}

// findVersion reads version number raw of a form; a bad number is 404.
func (s *Server) findVersion(c echo.Context, slug, raw string) (*modulario.Version, error) {
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return nil, modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "fe.version.not_found"))
	}
	v, err := s.cfg.Forms.FindVersion(c.Request().Context(), slug, n)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil, modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "fe.version.not_found"))
	}
	return v, err
}

// diffData is the data of the comparison page.
type diffData struct {
	From, To int
	Rows     []versionRow
	Changes  []formedit.Change
}

// versionDiff compares two versions (?da=N&a=M) as a readable list.
func (s *Server) versionDiff(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	from, err := s.findVersion(c, ed.Form.Slug, c.QueryParam("da"))
	if err != nil {
		return err
	}
	to, err := s.findVersion(c, ed.Form.Slug, c.QueryParam("a"))
	if err != nil {
		return err
	}
	rows, err := s.versionRows(c, ed.Form)
	if err != nil {
		return err
	}
	d := &diffData{From: from.Number, To: to.Number, Rows: rows, Changes: formedit.Diff(from.Definition, to.Definition)}
	return s.renderEditor(c, http.StatusOK, ed, "diff", s.t(c, "fe.diff.title", from.Number, to.Number), d, nil)
}

// versionRestore saves an old version's definition as the new draft.
func (s *Server) versionRestore(c echo.Context) error {
	ed, v, err := s.loadVersion(c)
	if err != nil {
		return err
	}
	doc, err := formedit.Parse(v.Definition)
	if err != nil {
		return err
	}
	ed.Doc = doc
	if err := s.saveDoc(c, ed, "form.restore", "restored version "+strconv.Itoa(v.Number)+" as draft"); err != nil {
		return s.editorFail(c, err)
	}
	return s.backToEditor(c, ed.Form.Slug, "ok.fe_restored", "")
}
