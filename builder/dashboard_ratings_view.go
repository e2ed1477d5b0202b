package builder

import (
	"math"
	"strconv"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/chart"
)

// ratings fills the ratings part: figures, distribution, per form, trend
// and the answers to the follow-up question.
func (d *dashCtx) ratings(pg *dashPage) {
	rs := d.st.Ratings
	if rs.Count == 0 {
		pg.RatingsEmpty = d.t("dash.rat.empty")
		return
	}
	pg.RatingFigures = []dashFigure{
		{Label: d.t("dash.rat.average"), Value: d.t("dash.rat.stars_of", chart.FormatNumber(rs.Average)),
			Note: d.t("dash.rat.average_note", rs.Count)},
	}
	pg.Ratings = []dashChart{d.ratingDist(), d.ratingForms(), d.ratingTrend(),
		d.ratingReasons("positive", rs.Positive), d.ratingReasons("negative", rs.Negative)}
}

// stars prints "1 stella" or "N stelle".
func (d *dashCtx) stars(n int) string {
	if n == 1 {
		return d.t("dash.rat.star")
	}
	return d.t("dash.rat.stars", n)
}

// ratingDist is the distribution of the ratings from 5 stars down to 1.
func (d *dashCtx) ratingDist() dashChart {
	rs := d.st.Ratings
	ch := dashChart{ID: "dash-rating-dist", Heading: d.t("dash.rat.dist.heading"), Caption: d.t("dash.rat.dist.caption"),
		Cols: []string{d.t("dash.rat.dist.col"), d.t("dash.rat.count"), d.t("dash.percent")}, axis: d.t("dash.rat.hbar_axis")}
	var counts []dashCount
	for n := modulario.MaxRatingStars; n >= modulario.MinRatingStars; n-- {
		counts = append(counts, dashCount{Key: strconv.Itoa(n), Count: rs.Dist[n-1]})
	}
	return d.counted(ch, counts, rs.Count, func(k string) string {
		n, _ := strconv.Atoi(k)
		return d.stars(n)
	}, nil)
}

// ratingForms is the average rating of each form.
func (d *dashCtx) ratingForms() dashChart {
	ch := dashChart{ID: "dash-rating-forms", Heading: d.t("dash.rat.forms.heading"), Caption: d.t("dash.rat.forms.caption"),
		Cols: []string{d.t("dash.forms.col"), d.t("dash.rat.count"), d.t("dash.rat.average")}}
	var rows []chart.Row
	var parts []string
	for i, fr := range d.st.Ratings.ByForm {
		title := d.formTitle(fr.Slug)
		avg := chart.FormatNumber(fr.Average)
		text := d.t("dash.rat.avg_count", avg, fr.Count)
		if i < maxChartRows {
			rows = append(rows, chart.Row{Label: title, Value: fr.Average, Text: text})
		}
		parts = append(parts, title+": "+text)
		ch.Rows = append(ch.Rows, []dashCell{{Text: title}, {Text: strconv.Itoa(fr.Count)}, {Text: avg}})
	}
	ch.SVG = chart.HBars(chart.Spec{ID: ch.ID, Title: ch.Heading, Desc: describe("", parts), YMax: 5,
		XLabel: d.t("dash.rat.axis")}, rows)
	return ch
}

// ratingTrend is the average rating per week or month.
func (d *dashCtx) ratingTrend() dashChart {
	rs := d.st.Ratings
	unit, heading, layout := "dash.rec.week", "dash.rat.trend.heading_week", "02/01"
	if rs.Monthly {
		unit, heading, layout = "dash.rat.month", "dash.rat.trend.heading_month", "01/2006"
	}
	ch := dashChart{ID: "dash-rating-trend", Heading: d.t(heading), Caption: d.t("dash.rat.trend.caption"),
		Cols: []string{d.t(unit), d.t("dash.rat.count"), d.t("dash.rat.average")}}
	var labels, parts []string
	avg := chart.Series{Name: d.t("dash.rat.average")}
	for _, b := range rs.Trend {
		l := b.Start.In(d.s.loc).Format(layout)
		labels = append(labels, l)
		first := l
		if !rs.Monthly {
			first = d.t("dash.rec.week_of", d.day(b.Start))
		}
		if b.Count == 0 {
			avg.Values = append(avg.Values, math.NaN())
			ch.Rows = append(ch.Rows, []dashCell{{Text: first}, {Text: "0"}, {Text: "–"}})
			continue
		}
		a := chart.FormatNumber(b.Average)
		avg.Values = append(avg.Values, b.Average)
		parts = append(parts, l+": "+a)
		ch.Rows = append(ch.Rows, []dashCell{{Text: first}, {Text: strconv.Itoa(b.Count)}, {Text: a}})
	}
	ch.SVG = chart.Line(chart.Spec{ID: ch.ID, Title: ch.Heading, Desc: describe(d.t("dash.rat.trend.desc"), parts),
		XLabel: d.t(unit), YLabel: d.t("dash.rat.axis"), YMax: 5}, labels, avg)
	return ch
}

// ratingReasons are the answers to the follow-up question of one branch.
func (d *dashCtx) ratingReasons(branch string, counts []dashCount) dashChart {
	ch := dashChart{ID: "dash-rating-" + branch, Heading: d.t("dash.rat." + branch + ".heading"),
		Caption: d.t("dash.rat." + branch + ".caption"),
		Cols:    []string{d.t("dash.rat.reason"), d.t("dash.rat.count"), d.t("dash.percent")},
		axis:    d.t("dash.rat.hbar_axis")}
	total := 0
	for _, kc := range counts {
		total += kc.Count
	}
	if total == 0 {
		ch.Empty = d.t("dash.rat.no_reasons")
		return ch
	}
	return d.counted(ch, counts, total, func(k string) string {
		if l, ok := msg[langOf(d.c)]["dash.rat."+branch+"."+k]; ok {
			return l
		}
		return k
	}, nil)
}
