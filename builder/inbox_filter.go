package builder

// CONTRACT FILE: the inbox, export and dashboard read the same filters
// from the query string with inboxFilter, and restrict them to what the
// user may see with scopeOffices and canSeeSubmission.

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// Query parameters of the inbox (also used by its exports and the
// dashboard): ufficio, modulo, stato (repeatable), assegnatario (a user ID,
// "-" for unassigned, "io" for the signed-in user), canale, etichetta, dal
// and al (YYYY-MM-DD, both included, Europe/Rome), q (words or a request
// number), scadute=1, ordine (recenti, meno-recenti, scadenza), dopo (the
// cursor) and per (page size).
const (
	qOffice   = "ufficio"
	qForm     = "modulo"
	qStatus   = "stato"
	qAssignee = "assegnatario"
	qChannel  = "canale"
	qTag      = "etichetta"
	qFrom     = "dal"
	qTo       = "al"
	qText     = "q"
	qOverdue  = "scadute"
	qSort     = "ordine"
	qCursor   = "dopo"
	qPer      = "per"
)

// sortParams maps the ordine values to sorts.
var sortParams = map[string]modulario.InboxSort{
	"": modulario.SortNewest, "recenti": modulario.SortNewest,
	"meno-recenti": modulario.SortOldest, "scadenza": modulario.SortDue,
}

// channels are the channels a filter may name.
var channels = []modulario.Channel{modulario.ChannelWeb, modulario.ChannelAPI,
	modulario.ChannelPhone, modulario.ChannelCounter, modulario.ChannelEmail}

// inboxFilter reads the filter from the query string, scoped to the
// offices the signed-in user may see. Bad values are reported as field
// errors (keyed by parameter name, Italian) and left out of the filter, so
// the page still answers.
func (s *Server) inboxFilter(c echo.Context) (modulario.InboxFilter, []FieldError) {
	q := c.QueryParams()
	u := userOf(c)
	var errs []FieldError
	bad := func(id, key string) { errs = append(errs, FieldError{ID: id, Message: s.t(c, key)}) }
	f := modulario.InboxFilter{
		Offices: scopeOffices(u, q.Get(qOffice)),
		Form:    strings.TrimSpace(q.Get(qForm)),
		Tag:     strings.TrimSpace(q.Get(qTag)),
		Text:    strings.TrimSpace(q.Get(qText)),
		Overdue: q.Get(qOverdue) == "1",
		Cursor:  q.Get(qCursor),
	}
	for _, st := range q[qStatus] {
		if st == "" {
			continue
		}
		if !knownStatus(modulario.SubmissionStatus(st)) {
			bad(qStatus, "inbox.filter.bad_status")
			continue
		}
		f.Statuses = append(f.Statuses, modulario.SubmissionStatus(st))
	}
	switch a := q.Get(qAssignee); a {
	case "":
	case "io":
		if u != nil {
			f.Assignee = u.ID
		}
	default:
		f.Assignee = a
	}
	if ch := modulario.Channel(q.Get(qChannel)); ch != "" {
		if knownChannel(ch) {
			f.Channel = ch
		} else {
			bad(qChannel, "inbox.filter.bad_channel")
		}
	}
	var ok bool
	if f.Sort, ok = sortParams[q.Get(qSort)]; !ok {
		f.Sort = modulario.SortNewest
		bad(qSort, "inbox.filter.bad_sort")
	}
	if d, ok := s.parseDay(q.Get(qFrom)); !ok {
		bad(qFrom, "inbox.filter.bad_date")
	} else {
		f.From = d
	}
	if d, ok := s.parseDay(q.Get(qTo)); !ok {
		bad(qTo, "inbox.filter.bad_date")
	} else if !d.IsZero() {
		f.To = d.AddDate(0, 0, 1) // "al" includes that day
	}
	if per := q.Get(qPer); per != "" {
		n, err := strconv.Atoi(per)
		if err != nil || n < 1 || n > 200 {
			bad(qPer, "inbox.filter.bad_per")
		} else {
			f.Limit = n
		}
	}
	return f, errs
}

// parseDay reads YYYY-MM-DD as midnight in the comune's time zone; an
// empty value is the zero time.
func (s *Server) parseDay(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, true
	}
	d, err := time.ParseInLocation("2006-01-02", v, s.loc)
	return d, err == nil
}

// filterQuery writes f back as the query string inboxFilter reads
// (without the cursor), for links to other pages, exports and sorts.
func (s *Server) filterQuery(c echo.Context) url.Values {
	q := url.Values{}
	for k, vs := range c.QueryParams() {
		if k == qCursor {
			continue
		}
		for _, v := range vs {
			if v != "" {
				q.Add(k, v)
			}
		}
	}
	return q
}

// scopeOffices returns the offices a filter may cover for u: every office
// (nil) for an admin who asked for none, the one asked for if u may see
// it, otherwise all of u's offices (an empty, non-nil slice for a user of
// no office: they see nothing).
func scopeOffices(u *modulario.User, requested string) []string {
	if u == nil {
		return []string{}
	}
	if requested != "" && canSeeOffice(u, requested) {
		return []string{requested}
	}
	if u.Role == modulario.RoleAdmin {
		return nil
	}
	return append([]string{}, u.Offices...)
}

// canSeeSubmission reports whether u may see (and work) request sub: the
// admin every request, others those of their offices.
func canSeeSubmission(u *modulario.User, sub *modulario.Submission) bool {
	return canSeeOffice(u, sub.Office)
}

func knownStatus(st modulario.SubmissionStatus) bool {
	for _, s := range modulario.Statuses {
		if s == st {
			return true
		}
	}
	return false
}

func knownChannel(ch modulario.Channel) bool {
	for _, c := range channels {
		if c == ch {
			return true
		}
	}
	return false
}
