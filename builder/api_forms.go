package builder

import (
	"cmp"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
	"github.com/modulario/modulario/schemas"
)

// Forms in the staff API: a token sees and manages the forms of its
// offices; a form of another office answers 404 exactly like a missing
// one. Drafts are saved and published through the editor's own code
// (storeDoc, publishProblems, commitPublish), under the same lock.

// apiForm is the stable JSON shape of a form. Every key is always present.
type apiForm struct {
	Slug      string               `json:"slug"`
	Title     string               `json:"title"`
	Summary   string               `json:"summary"`
	Category  string               `json:"category"`
	Office    string               `json:"office"`
	Status    modulario.FormStatus `json:"status"`
	Published int                  `json:"published"`
	Draft     int                  `json:"draft"`
	Latest    int                  `json:"latest"`
	CreatedAt time.Time            `json:"created_at"`
	UpdatedAt time.Time            `json:"updated_at"`
	Links     apiFormLinks         `json:"links"`
}

// apiFormLinks are the API addresses of a form and, while it is live, the
// citizens' service page.
type apiFormLinks struct {
	Self       string  `json:"self"`
	Versions   string  `json:"versions"`
	Definition string  `json:"definition"`
	Service    *string `json:"service"`
}

// apiFormList is the answer of GET /api/v1/forms.
type apiFormList struct {
	Items      []*apiForm `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

// apiVersion is one version in GET /api/v1/forms/{slug}/versions. State
// is draft, live or superseded (published once, replaced since).
type apiVersion struct {
	Number      int            `json:"number"`
	State       string         `json:"state"`
	Hash        string         `json:"hash"`
	CreatedAt   time.Time      `json:"created_at"`
	PublishedAt *time.Time     `json:"published_at"`
	Author      *string        `json:"author"`
	PublishedBy *string        `json:"published_by"`
	Links       apiVersionLink `json:"links"`
}

// apiVersionLink is where a version's definition is exported.
type apiVersionLink struct {
	Definition string `json:"definition"`
}

// apiFormRoutes registers /api/v1/forms.
func (s *Server) apiFormRoutes(get func(string, echo.HandlerFunc)) {
	get(apiFormsPath, s.apiListForms)
	get(apiFormsPath+"/:slug", s.apiGetForm)
	get(apiFormsPath+"/:slug/versions", s.apiFormVersions)
	get(apiFormsPath+"/:slug/definition", s.apiFormDefinition)
	s.echo.PUT(apiFormsPath+"/:slug/draft", s.apiAuthLimit(schemas.MaxDocumentSize, s.apiPutDraft))
	s.echo.POST(apiFormsPath+"/:slug/publish", s.apiAuth(s.apiPublishForm))
}

// toAPIForm converts a stored form to its API shape.
func (s *Server) toAPIForm(f *modulario.Form) *apiForm {
	self := apiFormsPath + "/" + f.Slug
	out := &apiForm{Slug: f.Slug, Title: f.Title, Summary: f.Summary, Category: f.Category, Office: f.Office,
		Status: f.Status(), Published: f.Published, Draft: f.Draft, Latest: f.Latest,
		CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt,
		Links: apiFormLinks{Self: self, Versions: self + "/versions", Definition: self + "/definition"}}
	if f.Published > 0 && !f.Archived {
		out.Links.Service = apiOptional(s.serviceURL(f.Slug))
	}
	return out
}

// apiFormKey orders the form list (category, title, slug) and is what a
// cursor of the list holds.
type apiFormKey struct {
	Category string `json:"c"`
	Title    string `json:"t"`
	Slug     string `json:"s"`
}

func formKey(f *modulario.Form) apiFormKey { return apiFormKey{f.Category, f.Title, f.Slug} }

func cmpFormKey(a, b apiFormKey) int {
	return cmp.Or(strings.Compare(a.Category, b.Category), strings.Compare(a.Title, b.Title), strings.Compare(a.Slug, b.Slug))
}

// apiFormStatuses are the values of the status filter.
var apiFormStatuses = map[string]bool{
	string(modulario.FormDraft): true, string(modulario.FormPublished): true,
	string(modulario.FormPublishedWithDraft): true, string(modulario.FormArchived): true,
}

// apiListForms answers GET /api/v1/forms: one page of the forms of the
// token's offices, optionally of one status and one category.
func (s *Server) apiListForms(c echo.Context) error {
	q, err := s.apiListQuery(c, "status", "category")
	if err != nil {
		return err
	}
	status := c.QueryParam("status")
	if status != "" && !apiFormStatuses[status] {
		return s.badParams(c, "status")
	}
	forms, err := s.cfg.Forms.ListForms(c.Request().Context(), modulario.FormFilter{Category: c.QueryParam("category")})
	if err != nil {
		return err
	}
	tok := tokenOf(c)
	visible := forms[:0]
	for _, f := range forms {
		if tok.CanSeeOffice(f.Office) && (status == "" || string(f.Status()) == status) {
			visible = append(visible, f)
		}
	}
	page, next, ok := paginate(visible, formKey, cmpFormKey, q.Cursor, q.Limit)
	if !ok {
		return s.badParams(c, "cursor")
	}
	out := &apiFormList{Items: make([]*apiForm, len(page)), NextCursor: next}
	for i, f := range page {
		out.Items[i] = s.toAPIForm(f)
	}
	return c.JSON(http.StatusOK, out)
}

// apiFindForm loads the form named by :slug if the token may see it; 404
// otherwise, the same for a form of another office as for none.
func (s *Server) apiFindForm(c echo.Context) (*modulario.Form, error) {
	f, err := s.cfg.Forms.FindForm(c.Request().Context(), c.Param("slug"))
	if modulario.ErrorCode(err) == modulario.ENOTFOUND || (err == nil && !tokenOf(c).CanSeeOffice(f.Office)) {
		return nil, s.apiErr(c, http.StatusNotFound, "api.form_not_found")
	}
	return f, err
}

// currentNumber is the number of the version an edit starts from: the
// draft, else the live one (0 when there is neither).
func currentNumber(f *modulario.Form) int {
	if f.Draft != 0 {
		return f.Draft
	}
	return f.Published
}

// currentVersion is the version an edit starts from: the draft, else the
// live one.
func (s *Server) currentVersion(c echo.Context, f *modulario.Form) (*modulario.Version, error) {
	return s.cfg.Forms.FindVersion(c.Request().Context(), f.Slug, currentNumber(f))
}

// apiGetForm answers GET /api/v1/forms/{slug}, with the ETag of the
// current version (the If-Match value of the next PUT .../draft).
func (s *Server) apiGetForm(c echo.Context) error {
	f, err := s.apiFindForm(c)
	if err != nil {
		return err
	}
	v, err := s.currentVersion(c, f)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(v.Hash))
	return c.JSON(http.StatusOK, s.toAPIForm(f))
}

// apiFormVersions answers GET /api/v1/forms/{slug}/versions, newest first.
func (s *Server) apiFormVersions(c echo.Context) error {
	f, err := s.apiFindForm(c)
	if err != nil {
		return err
	}
	versions, err := s.cfg.Forms.ListVersions(c.Request().Context(), f.Slug)
	if err != nil {
		return err
	}
	out := struct {
		Items []apiVersion `json:"items"`
	}{Items: make([]apiVersion, 0, len(versions))}
	for _, v := range versions {
		state := "superseded"
		switch v.Number {
		case f.Draft:
			state = "draft"
		case f.Published:
			state = "live"
		}
		out.Items = append(out.Items, apiVersion{Number: v.Number, State: state, Hash: v.Hash, CreatedAt: v.CreatedAt,
			PublishedAt: v.PublishedAt, Author: apiOptional(v.Author), PublishedBy: apiOptional(v.PublishedBy),
			Links: apiVersionLink{Definition: apiFormsPath + "/" + f.Slug + "/definition?version=" + strconv.Itoa(v.Number)}})
	}
	return c.JSON(http.StatusOK, out)
}

// apiFormDefinition answers GET /api/v1/forms/{slug}/definition: the
// definition exactly as stored, of ?version=draft, published or a number
// (default: the draft, else the live version), with its hash as ETag.
func (s *Server) apiFormDefinition(c echo.Context) error {
	if err := s.badParams(c, s.unknownParams(c, "version")...); err != nil {
		return err
	}
	f, err := s.apiFindForm(c)
	if err != nil {
		return err
	}
	n := f.Draft
	switch raw := c.QueryParam("version"); raw {
	case "":
		n = currentNumber(f)
	case "draft":
	case "published":
		n = f.Published
	default:
		if n, err = strconv.Atoi(raw); err != nil || n < 1 {
			return s.badParams(c, "version")
		}
	}
	v, err := s.cfg.Forms.FindVersion(c.Request().Context(), f.Slug, n)
	if n == 0 || modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return s.apiErr(c, http.StatusNotFound, "api.version_not_found")
	} else if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(v.Hash))
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, v.Definition)
}

// apiPutDraft answers PUT /api/v1/forms/{slug}/draft: the body is a whole
// form definition, checked exactly as the editor's JSON tab checks it and
// saved as the draft (201 when it creates the form). Its office must be
// one of the token's (403 otherwise). If-Match (the ETag of the current
// version) and If-None-Match: * make the save conditional (412).
func (s *Server) apiPutDraft(c echo.Context) error {
	slug := c.Param("slug")
	body, _, err := s.readAPIBody(c, echo.MIMEApplicationJSON)
	if err != nil {
		return err
	}
	if !json.Valid(body) {
		return s.apiErr(c, http.StatusBadRequest, "api.bad_json")
	}
	existing, cur, err := s.apiDraftBase(c, slug)
	if err != nil {
		return err
	}
	if err := s.apiPrecondition(c, cur); err != nil {
		return err
	}
	doc, err := s.apiDefinition(c, slug, body)
	if err != nil {
		return err
	}
	ed := &editing{Form: existing, Version: cur, Doc: doc}
	action, detail := "form.save", "saved the draft through the API"
	if existing == nil {
		ed.Form = &modulario.Form{Slug: slug}
		action, detail = "form.create", "created form "+slug+" through the API"
	}
	if err := s.storeDoc(c, ed, action, detail); err != nil {
		return s.apiSaveError(c, err, existing == nil)
	}
	return s.apiFormAnswer(c, ed.Form, existing == nil)
}

// apiDraftBase loads the form a draft is saved to and its current
// version; both nil for a new form. A form of another office is 404; a
// new form's slug must be a valid address (422).
func (s *Server) apiDraftBase(c echo.Context, slug string) (*modulario.Form, *modulario.Version, error) {
	f, err := s.cfg.Forms.FindForm(c.Request().Context(), slug)
	switch {
	case err == nil && !tokenOf(c).CanSeeOffice(f.Office):
		return nil, nil, s.apiErr(c, http.StatusNotFound, "api.form_not_found")
	case err == nil:
		v, err := s.currentVersion(c, f)
		return f, v, err
	case modulario.ErrorCode(err) != modulario.ENOTFOUND:
		return nil, nil, err
	case !validFormSlug(slug):
		return nil, nil, s.apiInvalid(c, "/slug", s.t(c, "fe.forms.err_slug"))
	}
	return nil, nil, nil
}

// apiDefinition parses and checks a definition sent for slug: the slug in
// the body must be the URL's (or absent: it is set); the office must be
// one of the token's.
func (s *Server) apiDefinition(c echo.Context, slug string, body []byte) (*formedit.Doc, error) {
	doc, err := formedit.Parse(body)
	if err != nil {
		return nil, err
	}
	view := doc.View()
	if !doc.HasSlug() {
		doc.SetSlug(slug)
	} else if view.Meta.Slug != slug {
		return nil, s.apiInvalid(c, "/slug", s.t(c, "fe.json.err_slug", slug))
	}
	if err := doc.Check(); err != nil {
		return nil, err
	}
	office := view.Meta.Office
	if office == "" {
		return nil, s.apiInvalid(c, "/office", s.t(c, "api.form_office_required"))
	}
	if !tokenOf(c).CanSeeOffice(office) {
		return nil, s.apiErr(c, http.StatusForbidden, "api.form_office_forbidden", office)
	}
	return doc, nil
}

// apiSaveError maps a refused save or publish: a change by someone else
// meanwhile is 412 for a conditional request and 409 otherwise, as is a
// form created under the same address meanwhile.
func (s *Server) apiSaveError(c echo.Context, err error, created bool) error {
	switch {
	case isStale(err) && c.Request().Header.Get("If-Match") != "":
		return s.apiErr(c, http.StatusPreconditionFailed, "api.precondition")
	case isStale(err), created && modulario.ErrorCode(err) == modulario.EINVALID:
		return s.apiErr(c, http.StatusConflict, "api.form_conflict")
	}
	return err
}

// apiFormAnswer answers a save or publish with the form and the ETag of
// its current version (201 with Location when it was created).
func (s *Server) apiFormAnswer(c echo.Context, f *modulario.Form, created bool) error {
	v, err := s.currentVersion(c, f)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("ETag", etag(v.Hash))
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		h.Set(echo.HeaderLocation, apiFormsPath+"/"+f.Slug)
	}
	return c.JSON(status, s.toAPIForm(f))
}

// apiPublishForm answers POST /api/v1/forms/{slug}/publish: the editor's
// checks (422 listing what stops it), 409 without a draft, If-Match on the
// draft's ETag.
func (s *Server) apiPublishForm(c echo.Context) error {
	f, err := s.apiFindForm(c)
	if err != nil {
		return err
	}
	if f.Draft == 0 {
		return s.apiErr(c, http.StatusConflict, "api.form_no_draft")
	}
	v, err := s.cfg.Forms.FindVersion(c.Request().Context(), f.Slug, f.Draft)
	if err != nil {
		return err
	}
	if err := s.apiPrecondition(c, v); err != nil {
		return err
	}
	doc, err := parseStored(v)
	if err != nil {
		return err
	}
	problems, err := s.publishProblems(c, doc)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		errs := make([]apiFieldError, len(problems))
		for i, p := range problems {
			errs[i] = apiFieldError{Message: p}
		}
		return &apiError{Status: http.StatusUnprocessableEntity, Detail: s.t(c, "api.form_cannot_publish"), Errors: errs}
	}
	published, err := s.commitPublish(c, &editing{Form: f, Version: v, Doc: doc})
	if err != nil {
		return s.apiSaveError(c, err, false)
	}
	return s.apiFormAnswer(c, published, false)
}

// apiInvalid is a 422 problem about one part of the body.
func (s *Server) apiInvalid(c echo.Context, pointer, message string) error {
	return &apiError{Status: http.StatusUnprocessableEntity, Detail: s.t(c, "api.bad_body"),
		Errors: []apiFieldError{{Pointer: pointer, Message: message}}}
}

// etag quotes a version hash as a strong entity tag.
func etag(hash string) string { return `"` + hash + `"` }

// apiPrecondition checks If-Match (one of the listed entity tags, or *,
// must be cur's) and If-None-Match: * (there must be no cur): 412 when
// they fail.
func (s *Server) apiPrecondition(c echo.Context, cur *modulario.Version) error {
	h := c.Request().Header
	if m := h.Get("If-Match"); m != "" && (cur == nil || !etagListed(m, cur.Hash)) {
		return s.apiErr(c, http.StatusPreconditionFailed, "api.precondition")
	}
	if strings.TrimSpace(h.Get("If-None-Match")) == "*" && cur != nil {
		return s.apiErr(c, http.StatusPreconditionFailed, "api.precondition")
	}
	return nil
}

// etagListed reports whether the If-Match list names hash (strongly) or
// is "*".
func etagListed(list, hash string) bool {
	for _, t := range strings.Split(list, ",") {
		if t = strings.TrimSpace(t); t == "*" || t == etag(hash) {
			return true
		}
	}
	return false
}
