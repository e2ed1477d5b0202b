package builder

import (
	"net/http"
	"sort"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/unicode/norm"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
)

// formRow is one line of the forms list.
type formRow struct {
	Form        *modulario.Form
	StatusLabel string
	StatusClass string
}

// formListData is the data of the forms list.
type formListData struct {
	Rows       []formRow
	Query      string
	Category   string
	Categories []string
	Total      int
}

// formList shows every form with its status, searchable by title and
// filtered by category.
func (s *Server) formList(c echo.Context) error {
	all, err := s.cfg.Forms.ListForms(c.Request().Context(), modulario.FormFilter{})
	if err != nil {
		return err
	}
	d := &formListData{Query: trimmed(c, "q"), Category: c.QueryParam("categoria"), Total: len(all)}
	seen := map[string]bool{}
	q := strings.ToLower(d.Query)
	for _, f := range all {
		if !canEditForm(userOf(c), f.Office) {
			continue
		}
		if f.Category != "" && !seen[f.Category] {
			seen[f.Category] = true
			d.Categories = append(d.Categories, f.Category)
		}
		if q != "" && !strings.Contains(strings.ToLower(f.Title), q) && !strings.Contains(f.Slug, q) {
			continue
		}
		if d.Category != "" && f.Category != d.Category {
			continue
		}
		label, class := s.statusBadge(c, f)
		d.Rows = append(d.Rows, formRow{Form: f, StatusLabel: label, StatusClass: class})
	}
	sort.Strings(d.Categories)
	v := s.view(c, s.t(c, "fe.forms.title"), "forms", d)
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "nav.forms")})
	return s.render(c, http.StatusOK, "form_list", v)
}

// statusBadge returns the Italian status of a form and its badge class.
func (s *Server) statusBadge(c echo.Context, f *modulario.Form) (string, string) {
	switch f.Status() {
	case modulario.FormArchived:
		return s.t(c, "fe.status.archived"), "bg-secondary"
	case modulario.FormPublishedWithDraft:
		return s.t(c, "fe.status.published_draft"), "bg-warning text-dark"
	case modulario.FormPublished:
		return s.t(c, "fe.status.published"), "bg-success"
	}
	return s.t(c, "fe.status.draft"), "bg-primary"
}

// formNewData is the data of the "Nuovo modulo" page.
type formNewData struct {
	Title     string
	Slug      string
	Template  string
	Templates []formedit.Template
}

// formNew shows the blank form and the template gallery.
func (s *Server) formNew(c echo.Context) error {
	return s.renderFormNew(c, http.StatusOK, &formNewData{Template: c.QueryParam("modello")}, nil)
}

func (s *Server) renderFormNew(c echo.Context, status int, d *formNewData, errs []FieldError) error {
	d.Templates = formedit.Templates()
	v := s.view(c, s.t(c, "fe.forms.new"), "forms", d)
	s.formCrumbs(c, v, nil, "")
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "fe.forms.new")})
	v.Errors = errs
	return s.render(c, status, "form_new", v)
}

// reservedSlugs collide with the editor's own pages.
var reservedSlugs = map[string]bool{"nuovo": true}

// validFormSlug reports whether slug may be the address of a new form.
func validFormSlug(slug string) bool {
	return modulario.ValidSlug(slug) && len(slug) <= 80 && !reservedSlugs[slug]
}

// formCreate creates a form, blank or from a gallery template, and opens
// the editor on it.
func (s *Server) formCreate(c echo.Context) error {
	d := &formNewData{Title: trimmed(c, "title"), Slug: strings.ToLower(trimmed(c, "slug")), Template: c.FormValue("template")}
	if d.Slug == "" {
		d.Slug = slugify(d.Title)
	}
	var errs []FieldError
	if d.Title == "" {
		errs = append(errs, FieldError{ID: "title", Message: s.t(c, "fe.forms.err_title")})
	}
	switch {
	case !validFormSlug(d.Slug):
		errs = append(errs, FieldError{ID: "slug", Message: s.t(c, "fe.forms.err_slug")})
	default:
		if _, err := s.cfg.Forms.FindForm(c.Request().Context(), d.Slug); err == nil {
			errs = append(errs, FieldError{ID: "slug", Message: s.t(c, "fe.forms.err_slug_taken", d.Slug)})
		} else if modulario.ErrorCode(err) != modulario.ENOTFOUND {
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderFormNew(c, http.StatusUnprocessableEntity, d, errs)
	}
	doc, err := s.newDoc(c, d)
	if err != nil {
		if isInvalid(err) {
			return s.renderFormNew(c, http.StatusUnprocessableEntity, d, fieldErrors(err, map[string]string{"template": "template-blank"}))
		}
		return err
	}
	ed := &editing{Form: &modulario.Form{Slug: d.Slug}, Doc: doc}
	if err := s.saveDoc(c, ed, "form.create", "created form "+d.Slug+templateDetail(d.Template)); err != nil {
		if isInvalid(err) {
			return s.renderFormNew(c, http.StatusUnprocessableEntity, d, fieldErrors(err, nil))
		}
		return err
	}
	return s.backToEditor(c, d.Slug, "ok.fe_form_created", "")
}

// newDoc starts the document: blank, or from the chosen template.
func (s *Server) newDoc(c echo.Context, d *formNewData) (*formedit.Doc, error) {
	if d.Template == "" {
		return formedit.New(d.Slug, d.Title), nil
	}
	for _, t := range formedit.Templates() {
		if t.Slug == d.Template {
			return formedit.FromTemplate(t, d.Slug, d.Title)
		}
	}
	m := s.t(c, "fe.forms.err_template")
	return nil, &modulario.Error{Code: modulario.EINVALID, Message: m, Fields: map[string]string{"template": m}}
}

func templateDetail(t string) string {
	if t == "" {
		return ""
	}
	return " from template " + t
}

// slugify suggests an address from a title: lower case ASCII words joined
// by hyphens ("Iscrizione all'asilo" → "iscrizione-all-asilo").
func slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(title)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}
