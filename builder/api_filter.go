package builder

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// apiParams are the query parameters GET /api/v1/submissions accepts
// (and "lang", as everywhere); any other is refused, so a typo never
// silently widens a query.
var apiParams = []string{
	"office", "form", "status", "assignee", "channel", "tag",
	"from", "to", "q", "overdue", "sort", "cursor", "limit",
}

// apiSorts maps the sort parameter to sorts.
var apiSorts = map[string]modulario.InboxSort{
	"": modulario.SortNewest, "newest": modulario.SortNewest,
	"oldest": modulario.SortOldest, "due": modulario.SortDue,
}

// apiFilter reads the list filter from the query string, limited to the
// offices of tok: office (one of the token's; another is 403), form,
// status (repeatable or comma-separated), assignee (user ID or "-"),
// channel, tag, from and to (YYYY-MM-DD, both days included, Europe/Rome,
// or RFC 3339 instants, to excluded), q, overdue (true/false), sort
// (newest, oldest, due), cursor and limit (1-200). Bad values are a 400
// problem naming each parameter.
func (s *Server) apiFilter(c echo.Context, tok *modulario.APIToken) (modulario.InboxFilter, error) {
	q := c.QueryParams()
	bads := s.unknownParams(c, apiParams...)
	bad := func(param string) { bads = append(bads, param) }
	f := modulario.InboxFilter{Offices: append([]string{}, tok.Offices...), Form: strings.TrimSpace(q.Get("form")),
		Tag: strings.TrimSpace(q.Get("tag")), Text: strings.TrimSpace(q.Get("q")), Cursor: q.Get("cursor"),
		Assignee: strings.TrimSpace(q.Get("assignee"))}
	if o := strings.TrimSpace(q.Get("office")); o != "" {
		if !tok.CanSeeOffice(o) {
			return f, s.apiErr(c, http.StatusForbidden, "api.office_forbidden", o)
		}
		f.Offices = []string{o}
	}
	for _, v := range q["status"] {
		for _, st := range strings.Split(v, ",") {
			if st = strings.TrimSpace(st); st == "" {
				continue
			} else if !knownStatus(modulario.SubmissionStatus(st)) {
				bad("status")
			} else {
				f.Statuses = append(f.Statuses, modulario.SubmissionStatus(st))
			}
		}
	}
	if ch := modulario.Channel(q.Get("channel")); ch != "" && !knownChannel(ch) {
		bad("channel")
	} else {
		f.Channel = ch
	}
	switch q.Get("overdue") {
	case "", "false", "0":
	case "true", "1":
		f.Overdue = true
	default:
		bad("overdue")
	}
	var ok bool
	if f.Sort, ok = apiSorts[q.Get("sort")]; !ok {
		bad("sort")
	}
	if f.From, ok = s.apiTime(q.Get("from"), false); !ok {
		bad("from")
	}
	if f.To, ok = s.apiTime(q.Get("to"), true); !ok {
		bad("to")
	}
	if l := q.Get("limit"); l != "" {
		if n, ok := apiLimit(l); !ok {
			bad("limit")
		} else {
			f.Limit = n
		}
	}
	return f, s.badParams(c, bads...)
}

// apiTime reads a day (YYYY-MM-DD, in the comune's time zone; with
// endOfRange the following midnight, so the day is included) or an RFC
// 3339 instant. An empty value is the zero time.
func (s *Server) apiTime(v string, endOfRange bool) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, true
	}
	if d, err := time.ParseInLocation("2006-01-02", v, s.loc); err == nil {
		if endOfRange {
			d = d.AddDate(0, 0, 1)
		}
		return d, true
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}
