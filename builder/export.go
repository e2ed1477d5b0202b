package builder

// Exports of the filtered inbox: the rows and their columns, shared by the
// CSV and XLSX writers (export_csv.go, export_xlsx.go); the attachments
// ZIP is in export_zip.go.
//
// Columns: the fixed ones (exportFixed) first, then the answers. When the
// filter names one form, every leaf field of that form's latest published
// version is a column (schemas.Form.Columns: nested fields flattened as
// "Indirizzo › CAP", option labels, Sì/No, repeatable groups as
// "1: …; 2: …", files by name); requests made against an older version
// fill the columns whose fields still exist. Otherwise (several forms in
// one file) a single "Risposte" column holds a readable summary
// "Campo: valore; …" of each request's answers, formatted with the
// version it was made against.

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// exportKind is how a cell is written: text, or a date to be shown as one.
type exportKind int

const (
	exportText exportKind = iota
	exportDateTime
	exportDate
)

// exportCell is one value of an exported row.
type exportCell struct {
	Kind exportKind
	Text string
	Time time.Time // in the comune's time zone; zero: empty cell
}

// exportFixed are the catalogue keys of the fixed columns, in order; the
// matching kinds are in exportFixedKinds.
var exportFixed = []string{"export.col.number", "export.col.received", "export.col.form",
	"export.col.version", "export.col.office", "export.col.status", "export.col.assignee",
	"export.col.channel", "export.col.tags", "export.col.in_charge", "export.col.due",
	"export.col.closed"}

// exporter turns requests into rows; it caches the names it looks up
// (forms, offices, users: a bounded set) so a long export stays cheap.
type exporter struct {
	s    *Server
	c    echo.Context
	lang string
	// form and cols are set when the filter names one form.
	form    *schemas.Form
	cols    []schemas.Column
	titles  map[string]string
	offices map[string]string
	users   map[string]string
}

// newExporter prepares the columns for filter f.
func (s *Server) newExporter(c echo.Context, f modulario.InboxFilter) *exporter {
	x := &exporter{s: s, c: c, lang: langOf(c), titles: map[string]string{},
		offices: map[string]string{}, users: map[string]string{}}
	ctx := c.Request().Context()
	if list, err := s.cfg.Offices.ListOffices(ctx); err == nil {
		for _, o := range list {
			x.offices[o.Slug] = o.Name
		}
	}
	if f.Form != "" && s.cfg.Forms != nil {
		if form, err := s.cfg.Forms.FindForm(ctx, f.Form); err == nil {
			n := form.Published
			if n == 0 {
				n = form.Latest
			}
			if sf := x.version(ctx, form.Slug, n); sf != nil {
				x.form, x.cols = sf, sf.Columns()
			}
		}
	}
	return x
}

// header returns the column titles.
func (x *exporter) header() []string {
	out := make([]string, 0, len(exportFixed)+len(x.cols)+1)
	for _, k := range exportFixed {
		out = append(out, x.s.t(x.c, k))
	}
	if x.form == nil {
		return append(out, x.s.t(x.c, "export.col.answers"))
	}
	for _, col := range x.cols {
		out = append(out, col.Header)
	}
	return out
}

// row returns the cells of one request, in header order.
func (x *exporter) row(ctx context.Context, sub *modulario.Submission) []exportCell {
	t := func(s string) exportCell { return exportCell{Text: s} }
	out := make([]exportCell, 0, len(exportFixed)+len(x.cols)+1)
	out = append(out, t(sub.Number), x.date(exportDateTime, &sub.CreatedAt), t(x.formTitle(ctx, sub.FormSlug)),
		t(strconv.Itoa(sub.Version)), t(x.officeName(sub.Office)),
		t(x.s.t(x.c, "export.status."+string(sub.Status))), t(x.userName(ctx, sub.Assignee)),
		t(x.s.t(x.c, "export.channel."+string(sub.Channel))), t(strings.Join(sub.Tags, "; ")),
		x.date(exportDateTime, sub.TakenInChargeAt), x.date(exportDate, sub.DueAt),
		x.date(exportDateTime, sub.ClosedAt))
	data, files := answers(sub), attachmentNames(sub)
	if x.form == nil {
		return append(out, t(x.answers(ctx, sub, data, files)))
	}
	for _, col := range x.cols {
		out = append(out, t(schemas.ColumnValue(col, data, x.lang, files)))
	}
	return out
}

// date is a date cell; nil or zero is an empty one.
func (x *exporter) date(kind exportKind, at *time.Time) exportCell {
	if at == nil || at.IsZero() {
		return exportCell{Kind: kind}
	}
	return exportCell{Kind: kind, Time: at.In(x.s.loc)}
}

// answers is the readable summary of the answers of a request of any
// form: "Campo: valore; Gruppo › Campo: valore", or the raw JSON when
// the version it was made against cannot be read.
func (x *exporter) answers(ctx context.Context, sub *modulario.Submission, data map[string]any, files map[string]string) string {
	sf := x.version(ctx, sub.FormSlug, sub.Version)
	if sf == nil {
		return string(sub.Data)
	}
	var parts []string
	for _, st := range sf.Summary(data, x.lang, files) {
		parts = exportSummary(parts, st.Items, "", data)
	}
	return strings.Join(parts, "; ")
}

// exportSummary flattens summary items into "Label: value" strings,
// leaving out the questions without an answer.
func exportSummary(out []string, items []schemas.SummaryItem, prefix string, data map[string]any) []string {
	for _, it := range items {
		label := prefix + it.Label
		if len(it.Children) > 0 {
			out = exportSummary(out, it.Children, label+schemas.ColumnSeparator, data)
			continue
		}
		if v, ok := schemas.GetPointer(data, it.Pointer); !ok || v == nil || v == "" || isEmptyList(v) {
			continue
		}
		out = append(out, label+": "+it.Value)
	}
	return out
}

// isEmptyList reports whether v is an empty JSON array.
func isEmptyList(v any) bool {
	l, ok := v.([]any)
	return ok && len(l) == 0
}

// version returns one compiled form version; nil if it cannot be loaded.
func (x *exporter) version(ctx context.Context, slug string, n int) *schemas.Form {
	sf, _ := x.s.formVersion(ctx, slug, n)
	return sf
}

func (x *exporter) formTitle(ctx context.Context, slug string) string {
	if t, ok := x.titles[slug]; ok {
		return t
	}
	t := slug
	if f, err := x.s.cfg.Forms.FindForm(ctx, slug); err == nil && f.Title != "" {
		t = f.Title
	}
	x.titles[slug] = t
	return t
}

func (x *exporter) officeName(slug string) string {
	if n := x.offices[slug]; n != "" {
		return n
	}
	return slug
}

func (x *exporter) userName(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	if n, ok := x.users[id]; ok {
		return n
	}
	n := id
	if u, err := x.s.cfg.Users.FindUser(ctx, id); err == nil {
		n = u.Name
		if n == "" {
			n = u.Email
		}
	}
	x.users[id] = n
	return n
}

// exportFilter reads the inbox filter of an export; on bad values it
// answers 400 with the Italian messages and returns ok false.
func (s *Server) exportFilter(c echo.Context) (modulario.InboxFilter, bool, error) {
	f, errs := s.inboxFilter(c)
	if len(errs) == 0 {
		return f, true, nil
	}
	lines := []string{s.t(c, "export.bad_filter")}
	for _, e := range errs {
		lines = append(lines, e.Message)
	}
	return f, false, s.exportRefuse(c, http.StatusBadRequest, strings.Join(lines, " "))
}

// exportRefuse answers an export that cannot be made with status and an
// Italian message on the admin error page (plain text if it fails).
func (s *Server) exportRefuse(c echo.Context, status int, message string) error {
	c.Response().Header().Del(echo.HeaderContentDisposition)
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	if c.Request().Method == http.MethodHead {
		return c.NoContent(status)
	}
	v := s.view(c, s.statusTitle(c, status), "inbox", &errorView{Status: status, Message: message})
	if err := s.render(c, status, "error", v); err != nil {
		return c.String(status, message)
	}
	return nil
}

// exportHeaders sets the headers of a download named
// "<base>-YYYY-MM-DD.<ext>" (today in the comune's time zone).
func (s *Server) exportHeaders(c echo.Context, base, ext, contentType string) {
	name := base + "-" + s.cfg.Now().In(s.loc).Format("2006-01-02") + "." + ext
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
}

// exportAudit records an export: format, filter (without the free text,
// which may be personal data: only whether there was one) and how many
// requests it held; failed is set when it stopped before the end.
func (s *Server) exportAudit(c echo.Context, format string, rows int, failed bool) {
	detail := format + " export of " + strconv.Itoa(rows) + " requests"
	if failed {
		detail += " (interrupted)"
	}
	if f := exportFilterSummary(s.filterQuery(c)); f != "" {
		detail += "; filter: " + f
	}
	s.audit(c, "submission.export", "submissions", detail)
}

// exportFilterParams are the filter parameters an audit entry records.
var exportFilterParams = []string{qOffice, qForm, qStatus, qAssignee, qChannel, qTag,
	qFrom, qTo, qText, qOverdue, qSort}

// exportFilterSummary writes the filter parameters as k=v; the free text q
// (which may name a person) is reduced to "q=yes".
func exportFilterSummary(q url.Values) string {
	var parts []string
	for _, k := range exportFilterParams {
		vs := q[k]
		if len(vs) == 0 {
			continue
		}
		v := strings.Join(vs, ",")
		if k == qText {
			v = "yes"
		}
		if r := []rune(v); len(r) > 80 {
			v = string(r[:80])
		}
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, " ")
}
