package builder

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// inboxView is the data of the inbox page.
type inboxView struct {
	Filter inboxFilterView
	Rows   []inboxRow
	// NextURL and FirstURL page through the results ("" when none).
	NextURL, FirstURL string
	// BulkURL is the action of the bulk form: it carries the filter so
	// the page shown afterwards lists the same requests.
	BulkURL string
	// AssignTo and SetStatus are the choices of the bulk actions.
	AssignTo  []option
	SetStatus []option
	// Export links carry the filter (ZIP only with attachments).
	ExportCSV, ExportXLSX, ExportZIP string
	// Outcome is the result of a bulk action just applied.
	Outcome *bulkOutcome
	// Bulk echoes the bulk form after an error.
	BulkMessage string
}

// inboxFilterView is the filter form as the user filled it.
type inboxFilterView struct {
	Offices, Forms, Statuses, Assignees, Channels, Sorts, Pers []option
	Tag, From, To, Text                                        string
	Overdue                                                    bool
	// Active reports whether any filter is set (for the empty state).
	Active bool
}

// inboxRow is one request of the results table.
type inboxRow struct {
	ID                                 uint64
	Number                             string
	Status                             modulario.SubmissionStatus
	CreatedAt                          time.Time
	DueAt                              *time.Time
	Overdue                            bool
	Form, Subject, Office, StatusLabel string
	Assignee, Channel                  string
}

// perPage are the page sizes offered.
var perPage = []int{10, 25, 50, 100}

// inbox lists the requests of the user's offices, filtered.
func (s *Server) inbox(c echo.Context) error {
	return s.renderInbox(c, http.StatusOK, nil, nil)
}

// renderInbox answers the inbox page with status, an optional bulk outcome
// and extra errors (of a bulk action).
func (s *Server) renderInbox(c echo.Context, status int, outcome *bulkOutcome, extra []FieldError) error {
	ctx := c.Request().Context()
	f, errs := s.inboxFilter(c)
	page, err := s.cfg.Submissions.ListSubmissions(ctx, f)
	if modulario.ErrorCode(err) == modulario.EINVALID && f.Cursor != "" {
		errs = append(errs, FieldError{Message: s.t(c, "inbox.filter.bad_cursor")})
		f.Cursor = ""
		page, err = s.cfg.Submissions.ListSubmissions(ctx, f)
	}
	if err != nil {
		return err
	}
	dir, err := s.loadStaff(ctx)
	if err != nil {
		return err
	}
	offices, err := s.officeNames(c)
	if err != nil {
		return err
	}
	titles, forms, err := s.formTitles(ctx)
	if err != nil {
		return err
	}
	q := s.filterQuery(c)
	q.Del("ok")
	iv := &inboxView{Outcome: outcome, BulkMessage: c.FormValue("messaggio")}
	iv.Filter = s.filterView(c, f, dir, offices, forms)
	iv.Rows = s.inboxRows(c, page.Items, dir, offices, titles)
	if page.Next != "" {
		iv.NextURL = inboxPath + "?" + withParam(q, qCursor, page.Next).Encode()
	}
	if f.Cursor != "" {
		iv.FirstURL = withQuery(inboxPath, q)
	}
	iv.BulkURL = bulkPath
	iv.ExportCSV, iv.ExportXLSX = withQuery(exportCSVPath, q), withQuery(exportXLSXPath, q)
	if s.cfg.Attachments != nil {
		iv.ExportZIP = withQuery(exportZIPPath, q)
	}
	if bq := withParam(q, qCursor, f.Cursor); len(bq) > 0 {
		iv.BulkURL += "?" + bq.Encode()
	}
	iv.AssignTo = append([]option{{Value: modulario.AssigneeNone, Label: s.t(c, "inbox.bulk.unassign")}},
		dir.options(dir.assignees(f.Offices), "")...)
	for _, st := range bulkStatuses {
		iv.SetStatus = append(iv.SetStatus, option{Value: string(st), Label: s.statusLabel(c, st)})
	}
	v := s.view(c, s.t(c, "inbox.title"), "inbox", iv)
	v.Errors = append(errs, extra...)
	v.Crumbs = append(v.Crumbs, Crumb{Label: v.Title})
	return s.render(c, status, "inbox", v)
}

// withQuery appends q to path when it is not empty.
func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// withParam returns a copy of q with key set to value (removed if empty).
func withParam(q url.Values, key, value string) url.Values {
	out := url.Values{}
	for k, vs := range q {
		out[k] = append([]string(nil), vs...)
	}
	if value == "" {
		out.Del(key)
	} else {
		out.Set(key, value)
	}
	return out
}

// inboxRows formats a page of requests for the table.
func (s *Server) inboxRows(c echo.Context, items []*modulario.Submission, dir *staff,
	offices, titles map[string]string) []inboxRow {
	ctx := c.Request().Context()
	now := s.cfg.Now()
	rows := make([]inboxRow, 0, len(items))
	for _, sub := range items {
		r := inboxRow{ID: sub.ID, Number: sub.Number, Status: sub.Status, CreatedAt: sub.CreatedAt,
			DueAt: sub.DueAt, Overdue: sub.Overdue(now), Form: titles[sub.FormSlug],
			Office: officeLabel(offices, sub.Office), StatusLabel: s.statusLabel(c, sub.Status),
			Channel: s.channelLabel(c, sub.Channel)}
		if r.Form == "" {
			r.Form = sub.FormSlug
		}
		if sub.Assignee != "" {
			r.Assignee = dir.name(sub.Assignee, "")
		}
		r.Subject = subjectOf(s.formOrNil(ctx, sub), answers(sub))
		rows = append(rows, r)
	}
	return rows
}

// formOrNil is the compiled version of sub, nil (logged) if it cannot be
// loaded: the inbox still lists the request.
func (s *Server) formOrNil(ctx context.Context, sub *modulario.Submission) *schemas.Form {
	f, err := s.formVersion(ctx, sub.FormSlug, sub.Version)
	if err != nil {
		s.cfg.Logger.WarnContext(ctx, "form version not loaded", "form", sub.FormSlug, "version", sub.Version, "err", err)
		return nil
	}
	return f
}

// officeLabel is an office's name, its slug if unknown.
func officeLabel(names map[string]string, slug string) string {
	if n, ok := names[slug]; ok && n != "" {
		return n
	}
	return slug
}

// filterView fills the filter form from the query string.
func (s *Server) filterView(c echo.Context, f modulario.InboxFilter, dir *staff,
	offices map[string]string, forms []*modulario.Form) inboxFilterView {
	q := c.QueryParams()
	u := userOf(c)
	fv := inboxFilterView{Tag: q.Get(qTag), From: q.Get(qFrom), To: q.Get(qTo), Text: q.Get(qText),
		Overdue: f.Overdue}
	for k, vs := range q {
		if k != qSort && k != qPer && k != qCursor && k != "ok" && k != "lang" && len(vs) > 0 && vs[0] != "" {
			fv.Active = true
		}
	}
	all := "inbox.filter.all_offices"
	if u.Role == modulario.RoleAdmin {
		all = "inbox.filter.every_office"
	}
	fv.Offices = []option{{Value: "", Label: s.t(c, all)}}
	for _, slug := range s.visibleOffices(u, offices) {
		fv.Offices = append(fv.Offices, option{Value: slug, Label: officeLabel(offices, slug), Selected: q.Get(qOffice) == slug})
	}
	fv.Forms = []option{{Value: "", Label: s.t(c, "inbox.filter.all_forms")}}
	for _, fm := range forms {
		fv.Forms = append(fv.Forms, option{Value: fm.Slug, Label: fm.Title, Selected: f.Form == fm.Slug})
	}
	for _, st := range modulario.Statuses {
		fv.Statuses = append(fv.Statuses, option{Value: string(st), Label: s.statusLabel(c, st), Selected: hasStatus(f.Statuses, st)})
	}
	a := q.Get(qAssignee)
	fv.Assignees = append([]option{{Value: "", Label: s.t(c, "inbox.filter.anyone")},
		{Value: "io", Label: s.t(c, "inbox.filter.me"), Selected: a == "io"},
		{Value: modulario.AssigneeNone, Label: s.t(c, "inbox.filter.nobody"), Selected: a == modulario.AssigneeNone}},
		dir.options(dir.assignees(scopeOffices(u, "")), a)...)
	fv.Channels = []option{{Value: "", Label: s.t(c, "inbox.filter.all_channels")}}
	for _, ch := range channels {
		fv.Channels = append(fv.Channels, option{Value: string(ch), Label: s.channelLabel(c, ch), Selected: f.Channel == ch})
	}
	for _, o := range []string{"recenti", "meno-recenti", "scadenza"} {
		fv.Sorts = append(fv.Sorts, option{Value: o, Label: s.t(c, "inbox.sort."+o), Selected: sortParams[o] == f.Sort})
	}
	per := f.Limit
	if per == 0 {
		per = 25
	}
	for _, n := range perPage {
		fv.Pers = append(fv.Pers, option{Value: strconv.Itoa(n), Label: strconv.Itoa(n), Selected: n == per})
	}
	return fv
}

// visibleOffices lists the office slugs u may filter on, by name.
func (s *Server) visibleOffices(u *modulario.User, names map[string]string) []string {
	var out []string
	if u.Role == modulario.RoleAdmin {
		for slug := range names {
			out = append(out, slug)
		}
	} else {
		out = append(out, u.Offices...)
	}
	sortByName(out, names)
	return out
}

func hasStatus(list []modulario.SubmissionStatus, st modulario.SubmissionStatus) bool {
	for _, x := range list {
		if x == st {
			return true
		}
	}
	return false
}
