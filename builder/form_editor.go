package builder

import (
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
)

// editorData is the data of the editor and of every tab of a form.
type editorData struct {
	Form        *modulario.Form
	View        *formedit.View
	Tab         string
	StatusLabel string
	StatusClass string
	SavedAt     time.Time
	PreviewURL  string
	// Base is the hash of the version the page was drawn from; pages
	// that replace a part of the form post it back (see checkBase).
	Base  string
	Steps []stepRow
	// Ctx is what field rows need from the page (they are drawn by a
	// shared template whose dot is the row).
	Ctx *rowCtx
	// Page is the data of the tab's own content.
	Page any
}

// rowCtx is the page context shared by every field row.
type rowCtx struct {
	Lang, CSRF, Slug string
	Steps            []stepOption
	Palette          []paletteGroup
	// CalNames names the calendars bound to appointment fields.
	CalNames map[string]string
}

// stepOption is one entry of "Sposta al passo".
type stepOption struct {
	Number int
	Title  string
}

// paletteSel is the data of the palette select.
type paletteSel struct {
	ID      string
	Lang    string
	Palette []paletteGroup
}

// PaletteFor returns the palette select data with id (for templates).
func (r *rowCtx) PaletteFor(id string) paletteSel {
	return paletteSel{ID: id, Lang: r.Lang, Palette: r.Palette}
}

// stepRow is one step as the editor lists it.
type stepRow struct {
	formedit.StepView
	Number      int
	First, Last bool
	Rows        []fieldRow
	CondText    string
}

// fieldRow is one field as the editor lists it.
type fieldRow struct {
	formedit.FieldView
	Anchor      string
	TypeLabel   string
	CondText    string
	First, Last bool
	Top         bool
	Nested      bool // a gruppo ripetibile or gruppo, which takes children
	Rows        []fieldRow
	Step        int // 1-based step of the row
	Ctx         *rowCtx
}

// paletteGroup is one group of the "Aggiungi campo" palette.
type paletteGroup struct {
	Label   string
	Entries []formedit.PaletteEntry
}

// paletteGroups orders the palette types under their Italian group keys.
var paletteGroups = []struct {
	Key   string
	Types []formedit.FieldType
}{
	{"fe.palette.text", []formedit.FieldType{formedit.TypeShortText, formedit.TypeLongText, formedit.TypeNumber, formedit.TypeDate, formedit.TypeTime}},
	{"fe.palette.choices", []formedit.FieldType{formedit.TypeRadio, formedit.TypeSelect, formedit.TypeCheckboxes, formedit.TypeYesNo, formedit.TypeConsent}},
	{"fe.palette.personal", []formedit.FieldType{formedit.TypeEmail, formedit.TypePEC, formedit.TypePhone, formedit.TypeFiscalCode, formedit.TypeVATNumber, formedit.TypeIBAN, formedit.TypeCAP, formedit.TypeAddress}},
	{"fe.palette.files", []formedit.FieldType{formedit.TypeFile, formedit.TypePhoto}},
	{"fe.palette.structure", []formedit.FieldType{formedit.TypeRepeat, formedit.TypeInfo}},
	{"fe.palette.booking", []formedit.FieldType{formedit.TypeAppointment}},
}

// palette returns the palette grouped for the "Aggiungi campo" select.
func (s *Server) palette(c echo.Context) []paletteGroup {
	byType := map[formedit.FieldType]formedit.PaletteEntry{}
	for _, p := range formedit.Palette {
		byType[p.Type] = p
	}
	var out []paletteGroup
	for _, g := range paletteGroups {
		pg := paletteGroup{Label: s.t(c, g.Key)}
		for _, t := range g.Types {
			if t == formedit.TypeAppointment && !s.booking() {
				continue // nothing to bind it to
			}
			if p, ok := byType[t]; ok {
				pg.Entries = append(pg.Entries, p)
			}
		}
		if len(pg.Entries) > 0 {
			out = append(out, pg)
		}
	}
	return out
}

// typeLabel is the Italian name of a field type.
func typeLabel(t formedit.FieldType) string {
	for _, p := range formedit.Palette {
		if p.Type == t {
			return p.Label
		}
	}
	switch t {
	case formedit.TypeGroup:
		return "Gruppo"
	case formedit.TypeAdvanced:
		return "Campo avanzato"
	}
	return string(t)
}

// editorView builds the data shared by the editor's tabs.
func (s *Server) editorView(c echo.Context, ed *editing, tab string) *editorData {
	view := ed.Doc.View()
	d := &editorData{Form: ed.Form, View: view, Tab: tab, SavedAt: ed.Form.UpdatedAt}
	if ed.Version != nil {
		d.Base = ed.Version.Hash
	}
	d.Ctx = &rowCtx{Lang: langOf(c), Slug: ed.Form.Slug, Palette: s.palette(c), CalNames: s.calendarNames(c.Request().Context())}
	if sess := sessionOf(c); sess != nil {
		d.Ctx.CSRF = sess.CSRF
	}
	for i, st := range view.Steps {
		d.Ctx.Steps = append(d.Ctx.Steps, stepOption{Number: i + 1, Title: st.Title})
	}
	d.StatusLabel, d.StatusClass = s.statusBadge(c, ed.Form)
	d.PreviewURL = s.previewURL(ed.Form.Slug, currentNumber(ed.Form))
	for i, st := range view.Steps {
		row := stepRow{StepView: st, Number: i + 1, First: i == 0, Last: i == len(view.Steps)-1,
			CondText: s.condText(c, st.Condition, view)}
		row.Rows = s.fieldRows(c, st.Fields, view, true, i+1, d.Ctx)
		d.Steps = append(d.Steps, row)
	}
	return d
}

// fieldRows wraps fields (and their children) for the editor list.
func (s *Server) fieldRows(c echo.Context, fields []formedit.FieldView, view *formedit.View, top bool, step int, ctx *rowCtx) []fieldRow {
	rows := make([]fieldRow, 0, len(fields))
	for i, f := range fields {
		r := fieldRow{FieldView: f, Anchor: fieldAnchor(f.Path), TypeLabel: typeLabel(f.Type),
			CondText: s.condText(c, f.Condition, view), First: i == 0, Last: i == len(fields)-1, Top: top,
			Nested: f.Type == formedit.TypeRepeat || f.Type == formedit.TypeGroup, Step: step, Ctx: ctx}
		r.Rows = s.fieldRows(c, f.Children, view, false, step, ctx)
		rows = append(rows, r)
	}
	return rows
}

// tabPaths are the URL segments of the editor's tabs.
var tabPaths = map[string]string{"settings": "impostazioni", "rules": "regole", "json": "json", "versions": "versioni"}

// TabURL is the address of a tab of the editor (for templates).
func (d *editorData) TabURL(tab string) string {
	switch tab {
	case "editor":
		return editorURL(d.Form.Slug, "")
	case "preview":
		return d.PreviewURL
	}
	return formsPath + "/" + d.Form.Slug + "/" + tabPaths[tab]
}

// fieldAnchor is the id of a field's row in the editor.
func fieldAnchor(path string) string { return "campo-" + strings.ReplaceAll(path, "/", "--") }

// activeTab is the tab highlighted on the editor's sub-pages.
var activeTab = map[string]string{"field": "editor", "step": "editor", "appointment": "editor", "rule": "rules", "version": "versions", "diff": "versions"}

// renderEditor renders a tab of the editor with status and errors.
func (s *Server) renderEditor(c echo.Context, status int, ed *editing, tab, title string, page any, errs []FieldError) error {
	d := s.editorView(c, ed, tab)
	if t, ok := activeTab[tab]; ok {
		d.Tab = t
	}
	d.Page = page
	full := ed.Form.Title
	if title != "" {
		full = title + ": " + ed.Form.Title
	}
	v := s.view(c, full, "forms", d)
	s.formCrumbs(c, v, ed.Form, title)
	v.Errors = errs
	name := "form_" + tab
	return s.render(c, status, name, v)
}

// formEditor shows the steps and fields of a form, the palette and the
// live preview.
func (s *Server) formEditor(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	return s.renderEditor(c, http.StatusOK, ed, "editor", "", nil, nil)
}

// editorFail shows the editor again with the errors of a refused change
// (422), or returns any other error.
func (s *Server) editorFail(c echo.Context, err error) error {
	if !isInvalid(err) && modulario.ErrorCode(err) != modulario.ECONFLICT {
		return err
	}
	ed, lerr := s.loadForm(c)
	if lerr != nil {
		return lerr
	}
	status := http.StatusUnprocessableEntity
	if modulario.ErrorCode(err) == modulario.ECONFLICT {
		status = http.StatusConflict
	}
	return s.renderEditor(c, status, ed, "editor", "", nil, fieldErrors(err, nil))
}

// applyAndSave loads the form, applies op to its document and saves the
// draft, then redirects to the editor (anchor from op) with okKey.
// A save that lost a race with another editor is applied again to the
// newer draft, a few times at most.
func (s *Server) applyAndSave(c echo.Context, action, okKey string, op func(ed *editing) (detail, anchor string, err error)) error {
	for try := 1; ; try++ {
		ed, err := s.loadForm(c)
		if err != nil {
			return err
		}
		detail, anchor, err := op(ed)
		if err == nil {
			err = s.saveDoc(c, ed, action, detail)
		}
		if isStale(err) && try < saveRetries {
			continue
		}
		if err != nil {
			return s.editorFail(c, err)
		}
		return s.backToEditor(c, ed.Form.Slug, okKey, anchor)
	}
}

// addFormPartials parses the editor's shared partials into every form_*
// page (the core parses only its own shared files into every page).
func (s *Server) addFormPartials() {
	src, err := fs.ReadFile(themesTemplates(), "admin/form_partials.html")
	if err != nil {
		panic("builder: form partials: " + err.Error())
	}
	for name, t := range s.pages {
		if strings.HasPrefix(name, "form_") && name != "form_partials" {
			if _, err := t.New("admin/form_partials.html").Parse(string(src)); err != nil {
				panic("builder: form partials: " + err.Error())
			}
		}
	}
}
