package builder

import (
	"strconv"

	"github.com/modulario/modulario/builder/chart"
)

// maxChartRows is the most rows a horizontal bar chart draws; the data
// table lists them all.
const maxChartRows = 15

// received is the chart of requests received per day or week.
func (d *dashCtx) received() dashChart {
	unit, heading := "dash.rec.day", "dash.rec.heading_day"
	if d.p.Week {
		unit, heading = "dash.rec.week", "dash.rec.heading_week"
	}
	ch := dashChart{ID: "dash-received", Heading: d.t(heading), Caption: d.t("dash.rec.caption"),
		Cols: []string{d.t(unit), d.t("dash.rec.received"), d.t("dash.rec.open")},
		Link: d.link(d.from), LinkText: d.t("dash.fig.received_link")}
	if d.st.Total == 0 {
		ch.Empty = d.t("dash.empty_requests")
		return ch
	}
	var labels []string
	rec := chart.Series{Name: d.t("dash.rec.received")}
	open := chart.Series{Name: d.t("dash.rec.open")}
	peak := d.st.Buckets[0]
	for _, b := range d.st.Buckets {
		labels = append(labels, b.Start.In(d.s.loc).Format("02/01"))
		rec.Values = append(rec.Values, float64(b.Received))
		open.Values = append(open.Values, float64(b.Open))
		if b.Received > peak.Received {
			peak = b
		}
		first := d.day(b.Start)
		to := b.Start
		if d.p.Week {
			first = d.t("dash.rec.week_of", first)
			to = b.Start.AddDate(0, 0, 6)
		}
		url := d.link(b.Start, qTo, to.In(d.s.loc).Format("2006-01-02"))
		ch.Rows = append(ch.Rows, []dashCell{{Text: first, URL: url},
			{Text: strconv.Itoa(b.Received)}, {Text: strconv.Itoa(b.Open)}})
	}
	desc := d.t("dash.rec.desc", d.st.Total, d.st.Open, peak.Received, d.day(peak.Start))
	ch.SVG = chart.Bars(chart.Spec{ID: ch.ID, Title: ch.Heading, Desc: desc, XLabel: d.t(unit),
		YLabel: d.t("dash.requests"), Integer: true}, labels, rec, open)
	return ch
}

// status is the chart of the period's requests by status.
func (d *dashCtx) status() dashChart {
	ch := dashChart{ID: "dash-status", Heading: d.t("dash.status.heading"), Caption: d.t("dash.status.caption"),
		Cols: []string{d.t("dash.status.col"), d.t("dash.requests"), d.t("dash.percent")}}
	if d.st.Total == 0 {
		ch.Empty = d.t("dash.empty_requests")
		return ch
	}
	var rows []chart.Row
	var parts []string
	for _, kc := range d.st.ByStatus {
		label := d.statusLabel(kc.Key)
		text := strconv.Itoa(kc.Count) + " (" + pct(kc.Count, d.st.Total) + ")"
		rows = append(rows, chart.Row{Label: label, Value: float64(kc.Count), Text: text})
		parts = append(parts, label+": "+text)
		ch.Rows = append(ch.Rows, []dashCell{{Text: label, URL: d.link(d.from, qStatus, kc.Key)},
			{Text: strconv.Itoa(kc.Count)}, {Text: pct(kc.Count, d.st.Total)}})
	}
	ch.SVG = chart.HBars(chart.Spec{ID: ch.ID, Title: ch.Heading,
		Desc: describe(d.t("dash.status.desc", d.st.Total), parts), XLabel: d.t("dash.hbar_axis")}, rows)
	return ch
}

// statusLabel is the Italian name of a status.
func (d *dashCtx) statusLabel(key string) string {
	if l, ok := msg[langOf(d.c)]["dash.st."+key]; ok {
		return l
	}
	return key
}

// counted builds a horizontal bar chart with its table from counts; link,
// when not nil, gives each row's inbox URL.
func (d *dashCtx) counted(ch dashChart, counts []dashCount, total int, label func(string) string,
	link func(string) string) dashChart {
	if len(counts) == 0 {
		return ch
	}
	var rows []chart.Row
	var parts []string
	for i, kc := range counts {
		l := label(kc.Key)
		text := strconv.Itoa(kc.Count) + " (" + pct(kc.Count, total) + ")"
		if i < maxChartRows {
			rows = append(rows, chart.Row{Label: l, Value: float64(kc.Count), Text: text})
		}
		parts = append(parts, l+": "+text)
		first := dashCell{Text: l}
		if link != nil {
			first.URL = link(kc.Key)
		}
		ch.Rows = append(ch.Rows, []dashCell{first, {Text: strconv.Itoa(kc.Count)}, {Text: pct(kc.Count, total)}})
	}
	if len(counts) > maxChartRows {
		ch.Lead = d.t("dash.top_rows", maxChartRows, len(counts))
	}
	axis := ch.axis
	if axis == "" {
		axis = d.t("dash.hbar_axis")
	}
	ch.SVG = chart.HBars(chart.Spec{ID: ch.ID, Title: ch.Heading, Desc: describe(ch.Lead, parts), XLabel: axis}, rows)
	return ch
}

// formTitle is a form's title, its slug if unknown.
func (d *dashCtx) formTitle(slug string) string {
	if f := d.forms[slug]; f != nil && f.Title != "" {
		return f.Title
	}
	return slug
}

// byForm is the chart of requests per form.
func (d *dashCtx) byForm() dashChart {
	ch := dashChart{ID: "dash-forms", Heading: d.t("dash.forms.heading"), Caption: d.t("dash.forms.caption"),
		Cols: []string{d.t("dash.forms.col"), d.t("dash.requests"), d.t("dash.percent")}, Empty: d.t("dash.empty_requests")}
	ch = d.counted(ch, d.st.ByForm, d.st.Total, d.formTitle, func(slug string) string {
		other := *d
		other.p.Form = slug
		return other.link(d.from)
	})
	if len(ch.Rows) > 0 {
		ch.Empty = ""
	}
	return ch
}

// byCategory is the chart of requests per category of their form.
func (d *dashCtx) byCategory() dashChart {
	ch := dashChart{ID: "dash-categories", Heading: d.t("dash.cat.heading"), Caption: d.t("dash.cat.caption"),
		Cols: []string{d.t("dash.cat.col"), d.t("dash.requests"), d.t("dash.percent")}, Empty: d.t("dash.empty_requests")}
	cats := map[string]int{}
	for _, kc := range d.st.ByForm {
		cat := ""
		if f := d.forms[kc.Key]; f != nil {
			cat = f.Category
		}
		cats[cat] += kc.Count
	}
	ch = d.counted(ch, countsByFrequency(cats), d.st.Total, func(c string) string {
		if c == "" {
			return d.t("dash.cat.none")
		}
		return c
	}, nil)
	if len(ch.Rows) > 0 {
		ch.Empty = ""
	}
	return ch
}

// byTag is the chart of requests per tag.
func (d *dashCtx) byTag() dashChart {
	ch := dashChart{ID: "dash-tags", Heading: d.t("dash.tags.heading"), Caption: d.t("dash.tags.caption"),
		Cols: []string{d.t("dash.tags.col"), d.t("dash.requests"), d.t("dash.percent")}, Empty: d.t("dash.tags.empty")}
	ch = d.counted(ch, d.st.ByTag, d.st.Total, func(t string) string { return t }, func(t string) string {
		return d.link(d.from, qTag, t)
	})
	if len(ch.Rows) > 0 {
		ch.Empty = ""
		ch.Lead = joinLead(d.t("dash.tags.lead"), ch.Lead)
	}
	return ch
}

// choices builds one chart per choice field of the selected form.
func (d *dashCtx) choices(pg *dashPage) {
	switch {
	case d.p.FormDef == nil:
		pg.ChoicesNote = d.t("dash.choice.pick_form")
		return
	case len(d.st.Choices) == 0:
		pg.ChoicesNote = d.t("dash.choice.none")
		return
	}
	for i, cc := range d.st.Choices {
		ch := dashChart{ID: "dash-choice-" + strconv.Itoa(i+1),
			Heading: d.t("dash.choice.heading", cc.Label, d.t("dash.last_days", d.p.Days)),
			Caption: d.t("dash.choice.caption", cc.Label),
			Cols:    []string{d.t("dash.choice.col"), d.t("dash.requests"), d.t("dash.choice.percent")},
			Empty:   d.t("dash.choice.empty"), axis: d.t("dash.choice.axis")}
		if cc.Answered > 0 {
			labels := map[string]string{}
			for _, r := range cc.Rows {
				labels[r.Key] = r.Label
			}
			ch = d.counted(ch, cc.Rows, cc.Answered, func(k string) string { return labels[k] }, nil)
			ch.Empty = ""
			ch.Lead = joinLead(d.t("dash.choice.lead", cc.Answered), ch.Lead)
		}
		pg.Choices = append(pg.Choices, ch)
	}
}

// joinLead joins two sentences, either of which may be empty.
func joinLead(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + " " + b
}
