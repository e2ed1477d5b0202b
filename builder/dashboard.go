package builder

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// Query parameters of the dashboard besides ufficio and modulo: periodo
// (7, 30, 90 or 365 days; default 90) and granularita (giorno, settimana;
// empty: by day up to 31 days, by week beyond).
const (
	qPeriod = "periodo"
	qGrain  = "granularita"
)

// dashPeriods are the periods offered, in days.
var dashPeriods = []int{7, 30, 90, 365}

// dashParams are the dashboard's filters as read from the query string.
type dashParams struct {
	Office, Form string
	Days         int
	Grain        string // "", "giorno" or "settimana"
	Week         bool   // the granularity in effect
	// Offices is the scope: nil for every office (admins).
	Offices []string
	FormDef *modulario.Form // the selected form, nil for all
}

// dashParams reads and checks the filters; bad values are reported and
// replaced by the defaults, so the page still answers.
func (s *Server) dashParams(c echo.Context, forms map[string]*modulario.Form) (dashParams, []FieldError) {
	q := c.QueryParams()
	u := userOf(c)
	var errs []FieldError
	bad := func(id, key string) { errs = append(errs, FieldError{ID: id, Message: s.t(c, key)}) }
	p := dashParams{Office: strings.TrimSpace(q.Get(qOffice)), Form: strings.TrimSpace(q.Get(qForm)), Days: 90}
	if p.Office != "" && !canSeeOffice(u, p.Office) {
		bad(qOffice, "dash.err.office")
		p.Office = ""
	}
	p.Offices = scopeOffices(u, p.Office)
	if p.Form != "" {
		if p.FormDef = forms[p.Form]; p.FormDef == nil {
			bad(qForm, "dash.err.form")
			p.Form = ""
		}
	}
	if v := q.Get(qPeriod); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || !containsInt(dashPeriods, n) {
			bad(qPeriod, "dash.err.period")
		} else {
			p.Days = n
		}
	}
	switch g := q.Get(qGrain); g {
	case "":
		p.Week = p.Days > 31
	case "giorno", "settimana":
		p.Grain, p.Week = g, g == "settimana"
	default:
		bad(qGrain, "dash.err.grain")
		p.Week = p.Days > 31
	}
	return p, errs
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

// cacheKey identifies the numbers of p: the scope, not the user, so the
// operators of one office share them.
func (p dashParams) cacheKey() string {
	scope := "*"
	if p.Offices != nil {
		o := append([]string{}, p.Offices...)
		sort.Strings(o)
		scope = "[" + strings.Join(o, ",") + "]"
	}
	return scope + "|" + p.Form + "|" + strconv.Itoa(p.Days) + "|" + strconv.FormatBool(p.Week)
}

// dashboard shows the numbers of the user's offices.
func (s *Server) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	forms, err := s.dashForms(ctx)
	if err != nil {
		return err
	}
	p, errs := s.dashParams(c, forms)
	key := p.cacheKey()
	now := s.cfg.Now()
	st := dashCacheOf(s).get(key, now)
	if st == nil {
		if st, err = s.computeDashboard(ctx, p, forms); err != nil {
			return err
		}
		dashCacheOf(s).put(key, st, now)
	}
	offices, err := s.officeNames(c)
	if err != nil {
		return err
	}
	v := s.view(c, s.t(c, "dash.title"), "dashboard", s.dashView(c, p, st, forms, offices))
	v.Errors = errs
	v.Crumbs = append(v.Crumbs, Crumb{Label: v.Title})
	return s.render(c, http.StatusOK, "dashboard", v)
}

// dashForms maps every form's slug to it.
func (s *Server) dashForms(ctx context.Context) (map[string]*modulario.Form, error) {
	list, err := s.cfg.Forms.ListForms(ctx, modulario.FormFilter{})
	if err != nil {
		return nil, err
	}
	m := make(map[string]*modulario.Form, len(list))
	for _, f := range list {
		m[f.Slug] = f
	}
	return m, nil
}

// computeDashboard walks the requests of the period in p's scope, counts
// the overdue open ones (of any date) and summarises the ratings.
func (s *Server) computeDashboard(ctx context.Context, p dashParams, forms map[string]*modulario.Form) (*dashStats, error) {
	period := newDashPeriod(s.cfg.Now(), p.Days, p.Week, s.loc)
	sc := newStatsCollector(period, s.choiceFields(ctx, p.FormDef))
	f := modulario.InboxFilter{Offices: p.Offices, Form: p.Form, From: period.From, Sort: modulario.SortOldest}
	err := s.cfg.Submissions.EachSubmission(ctx, f, func(sub *modulario.Submission) error {
		sc.add(sub)
		return nil
	})
	if err != nil {
		return nil, err
	}
	over := modulario.InboxFilter{Offices: p.Offices, Form: p.Form, Overdue: true, Sort: modulario.SortOldest}
	err = s.cfg.Submissions.EachSubmission(ctx, over, func(sub *modulario.Submission) error {
		if sub.Overdue(period.Now) {
			sc.overdue++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	st := sc.finish()
	if s.cfg.Ratings != nil {
		list, err := s.cfg.Ratings.ListRatings(ctx, p.Form)
		if err != nil {
			return nil, err
		}
		st.Ratings = computeRatings(list, period, func(slug string) bool {
			return p.Offices == nil || formInScope(forms[slug], p.Offices)
		})
	}
	return st, nil
}

// formInScope reports whether form f belongs to one of offices.
func formInScope(f *modulario.Form, offices []string) bool {
	if f == nil {
		return false
	}
	for _, o := range offices {
		if f.Office == o {
			return true
		}
	}
	return false
}

// choiceFields returns the choice fields (single and multiple choice with
// options) of the live version of form f, groups included and repeatable
// groups left out; none when f is nil, unpublished or cannot be loaded.
func (s *Server) choiceFields(ctx context.Context, f *modulario.Form) []*schemas.Field {
	if f == nil || f.Published == 0 {
		return nil
	}
	form, err := s.formVersion(ctx, f.Slug, f.Published)
	if err != nil {
		s.cfg.Logger.WarnContext(ctx, "dashboard: form version", "form", f.Slug, "err", err)
		return nil
	}
	var out []*schemas.Field
	var walk func([]*schemas.Field)
	walk = func(fields []*schemas.Field) {
		for _, fl := range fields {
			switch fl.Kind {
			case schemas.KindGroup:
				walk(fl.Children)
			case schemas.KindSelect, schemas.KindRadio, schemas.KindCheckboxes:
				if len(fl.Options) > 0 {
					out = append(out, fl)
				}
			}
		}
	}
	walk(form.Fields())
	return out
}
