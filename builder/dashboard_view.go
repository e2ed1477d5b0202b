package builder

import (
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/chart"
)

// dashPage is the data of the dashboard template.
type dashPage struct {
	Offices, Forms, Periods, Grains []dashOption
	// Scope says in words what the numbers cover; Updated when they were
	// computed.
	Scope, Updated string
	Figures        []dashFigure
	Received       dashChart
	Status         dashChart
	ByForm         dashChart
	ByCategory     dashChart
	ByTag          dashChart
	// Choices are the answers to the selected form's choice fields;
	// ChoicesNote explains why there are none.
	Choices       []dashChart
	ChoicesNote   string
	RatingFigures []dashFigure
	Ratings       []dashChart
	RatingsEmpty  string
}

// dashOption is one option of a filter's select.
type dashOption struct {
	Value, Label string
	Selected     bool
}

// dashFigure is one big number with its explanation and an optional link
// to the matching requests.
type dashFigure struct{ Label, Value, Note, URL, LinkText string }

// dashCell is one cell of a data table; the first cell of a row is its
// header. URL, when set, links the text to the inbox.
type dashCell struct{ Text, URL string }

// dashChart is one chart with its data table alternative, or an empty
// state.
type dashChart struct {
	ID, Heading, Lead string
	SVG               template.HTML
	Caption           string
	Cols              []string
	Rows              [][]dashCell
	// Link leads to the inbox filtered the same way.
	Link, LinkText string
	// Empty, when set, replaces chart and table.
	Empty string
	// axis names the values of a horizontal bar chart (default: requests).
	axis string
}

// dashCtx carries what building the view needs.
type dashCtx struct {
	s     *Server
	c     echo.Context
	p     dashParams
	st    *dashStats
	forms map[string]*modulario.Form
	from  time.Time
}

func (d *dashCtx) t(key string, args ...any) string { return d.s.t(d.c, key, args...) }

// day prints a date as dd/mm/yyyy in local time.
func (d *dashCtx) day(t time.Time) string { return t.In(d.s.loc).Format("02/01/2006") }

// link is the inbox URL with the dashboard's office and form and the
// given extra parameters (pairs); since, when not zero, becomes "dal".
func (d *dashCtx) link(since time.Time, kv ...string) string {
	q := url.Values{}
	if d.p.Office != "" {
		q.Set(qOffice, d.p.Office)
	}
	if d.p.Form != "" {
		q.Set(qForm, d.p.Form)
	}
	if !since.IsZero() {
		q.Set(qFrom, since.In(d.s.loc).Format("2006-01-02"))
	}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Add(kv[i], kv[i+1])
	}
	return dashInboxPath + "?" + q.Encode()
}

// pct prints n out of total as a percentage ("34,5%").
func pct(n, total int) string {
	if total == 0 {
		return "0%"
	}
	return chart.FormatNumber(float64(n)*100/float64(total)) + "%"
}

// dashView builds the page data from the numbers.
func (s *Server) dashView(c echo.Context, p dashParams, st *dashStats, forms map[string]*modulario.Form,
	offices map[string]string) *dashPage {
	d := &dashCtx{s: s, c: c, p: p, st: st, forms: forms,
		from: newDashPeriod(st.ComputedAt, p.Days, p.Week, s.loc).From}
	pg := &dashPage{Updated: d.t("dash.updated", st.ComputedAt.In(s.loc).Format("15:04"))}
	d.filters(pg, offices)
	d.figures(pg)
	pg.Received = d.received()
	pg.Status = d.status()
	pg.ByForm, pg.ByCategory, pg.ByTag = d.byForm(), d.byCategory(), d.byTag()
	d.choices(pg)
	d.ratings(pg)
	return pg
}

// filters fills the options of the filter form and the scope sentence.
func (d *dashCtx) filters(pg *dashPage, offices map[string]string) {
	u := userOf(d.c)
	all := "dash.all_my_offices"
	if u != nil && u.Role == modulario.RoleAdmin {
		all = "dash.all_offices"
	}
	pg.Offices = []dashOption{{Value: "", Label: d.t(all), Selected: d.p.Office == ""}}
	for _, slug := range sortedByName(offices) {
		if canSeeOffice(u, slug) {
			pg.Offices = append(pg.Offices, dashOption{Value: slug, Label: offices[slug], Selected: slug == d.p.Office})
		}
	}
	pg.Forms = []dashOption{{Value: "", Label: d.t("dash.all_forms"), Selected: d.p.Form == ""}}
	titles := map[string]string{}
	for slug, f := range d.forms {
		if d.p.Offices == nil || formInScope(f, d.p.Offices) || slug == d.p.Form {
			titles[slug] = f.Title
		}
	}
	for _, kc := range d.st.ByForm { // requests re-routed from another office's form
		if f := d.forms[kc.Key]; f != nil {
			titles[kc.Key] = f.Title
		}
	}
	for _, slug := range sortedByName(titles) {
		pg.Forms = append(pg.Forms, dashOption{Value: slug, Label: titles[slug], Selected: slug == d.p.Form})
	}
	for _, n := range dashPeriods {
		pg.Periods = append(pg.Periods, dashOption{Value: strconv.Itoa(n), Label: d.t("dash.last_days", n),
			Selected: n == d.p.Days})
	}
	for _, g := range []string{"", "giorno", "settimana"} {
		key := "dash.grain." + g
		if g == "" {
			key = "dash.grain.auto"
		}
		pg.Grains = append(pg.Grains, dashOption{Value: g, Label: d.t(key), Selected: g == d.p.Grain})
	}
	office, form := d.t(all), d.t("dash.all_forms")
	if d.p.Office != "" {
		office = offices[d.p.Office]
	}
	if d.p.FormDef != nil {
		form = d.p.FormDef.Title
	}
	pg.Scope = d.t("dash.scope", office, form, d.t("dash.last_days", d.p.Days), d.day(d.from))
}

// sortedByName returns the keys of m ordered by their values.
func sortedByName(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if x, y := strings.ToLower(m[a]), strings.ToLower(m[b]); x != y {
			return x < y
		}
		return a < b
	})
	return keys
}

// figures fills the big numbers: received, open, overdue and medians.
func (d *dashCtx) figures(pg *dashPage) {
	st := d.st
	open := []string{}
	for _, s := range modulario.Statuses {
		if !s.Closed() {
			open = append(open, qStatus, string(s))
		}
	}
	pg.Figures = []dashFigure{
		{Label: d.t("dash.fig.received"), Value: strconv.Itoa(st.Total), Note: d.t("dash.fig.received_note", d.day(d.from)),
			URL: d.link(d.from), LinkText: d.t("dash.fig.received_link")},
		{Label: d.t("dash.fig.open"), Value: strconv.Itoa(st.Open), Note: d.t("dash.fig.open_note"),
			URL: d.link(d.from, open...), LinkText: d.t("dash.fig.open_link")},
		{Label: d.t("dash.fig.overdue"), Value: strconv.Itoa(st.Overdue), Note: d.t("dash.fig.overdue_note"),
			URL: d.link(time.Time{}, qOverdue, "1"), LinkText: d.t("dash.fig.overdue_link")},
		d.medianFigure("dash.fig.take", st.TakeMedian, st.TakeN),
		d.medianFigure("dash.fig.close", st.CloseMedian, st.CloseN),
	}
}

// medianFigure prints a median duration over n requests.
func (d *dashCtx) medianFigure(key string, m time.Duration, n int) dashFigure {
	if n == 0 {
		return dashFigure{Label: d.t(key), Value: "–", Note: d.t(key + "_none")}
	}
	return dashFigure{Label: d.t(key), Value: d.duration(m), Note: d.t(key+"_note", n)}
}

// duration prints d in days and hours, hours and minutes, or minutes.
func (d *dashCtx) duration(v time.Duration) string {
	days, hours, mins := int(v/(24*time.Hour)), int(v%(24*time.Hour)/time.Hour), int(v%time.Hour/time.Minute)
	unit := func(n int, one, many string) string {
		if n == 1 {
			return d.t(one)
		}
		return d.t(many, n)
	}
	switch {
	case days > 0 && hours > 0:
		return d.t("dash.dur.and", unit(days, "dash.dur.day", "dash.dur.days"), unit(hours, "dash.dur.hour", "dash.dur.hours"))
	case days > 0:
		return unit(days, "dash.dur.day", "dash.dur.days")
	case hours > 0 && mins > 0:
		return d.t("dash.dur.and", unit(hours, "dash.dur.hour", "dash.dur.hours"), unit(mins, "dash.dur.minute", "dash.dur.minutes"))
	case hours > 0:
		return unit(hours, "dash.dur.hour", "dash.dur.hours")
	case mins > 0:
		return unit(mins, "dash.dur.minute", "dash.dur.minutes")
	}
	return d.t("dash.dur.less_minute")
}

// describe joins the first rows of a chart into its description.
func describe(lead string, parts []string) string {
	const most = 20
	if len(parts) > most {
		parts = append(parts[:most:most], "…")
	}
	if len(parts) == 0 {
		return lead
	}
	return lead + " " + strings.Join(parts, "; ") + "."
}
