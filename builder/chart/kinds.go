package chart

import (
	"html/template"
	"math"
)

// Plot margins of Bars and Line, in user units.
const (
	marginLeft   = 64.0
	marginRight  = 16.0
	marginTop    = 36.0
	marginBottom = 56.0
)

// Bars draws vertical bars, one slot per label; with several series the
// bars of a slot stand side by side, the first solid blue and the others
// hatched, with a legend. Values missing from a series count as 0.
func Bars(s Spec, labels []string, series ...Series) template.HTML {
	w, h := size(s)
	c := newCanvas(s, int(w), int(h))
	fills := []string{ColorBar}
	for i := 1; i < len(series); i++ {
		fills = append(fills, c.hatch())
	}
	left, right, top, bottom := marginLeft, w-marginRight, marginTop, h-marginBottom
	scaleTop := c.valueAxis(maxOf(series), left, right, top, bottom)
	if len(series) > 1 {
		names := make([]string, len(series))
		for i, se := range series {
			names[i] = se.Name
		}
		c.legend(names, fills, right, 16)
	}
	n := len(labels)
	if n == 0 || len(series) == 0 {
		return c.html()
	}
	slot := (right - left) / float64(n)
	barW := slot * 0.8 / float64(len(series))
	direct := n*len(series) <= maxDirectLabels
	for i, l := range labels {
		for j, se := range series {
			v := valueAt(se.Values, i)
			bh := (bottom - top) * v / scaleTop
			x := left + slot*float64(i) + slot*0.1 + barW*float64(j)
			c.rect(x, bottom-bh, barW, bh, fills[j], ColorDark, l+" – "+se.Name+": "+c.spec.Format(v))
			if direct {
				c.text(x+barW/2, bottom-bh-4, "middle", ColorText, c.spec.Format(v), "")
			}
		}
	}
	c.categoryLabels(labels, left, slot, bottom+18)
	if s.XLabel != "" {
		c.text((left+right)/2, h-10, "middle", ColorMuted, s.XLabel, "")
	}
	return c.html()
}

// valueAt returns vs[i], or 0 when missing or not a number.
func valueAt(vs []float64, i int) float64 {
	if i >= len(vs) || math.IsNaN(vs[i]) || vs[i] < 0 {
		return 0
	}
	return vs[i]
}

// HBars draws one horizontal bar per row: the label above the bar and the
// row's text right after its end, so every number is written out.
func HBars(s Spec, rows []Row) template.HTML {
	const rowH, labelH, barH, top = 44.0, 16.0, 16.0, 8.0
	w, _ := size(s)
	h := top + rowH*float64(len(rows)) + 8
	if s.XLabel != "" {
		h += 20
	}
	c := newCanvas(s, int(w), int(h))
	maxV := s.YMax
	for _, r := range rows {
		if r.Value > maxV {
			maxV = r.Value
		}
	}
	if maxV <= 0 {
		maxV = 1
	}
	left, valueSpace := 8.0, 150.0
	plotW := w - left - valueSpace
	for i, r := range rows {
		y := top + rowH*float64(i)
		c.text(left, y+labelH-3, "start", ColorText, truncate(r.Label, 90), "")
		text := r.Text
		if text == "" {
			text = c.spec.Format(r.Value)
		}
		bw := plotW * math.Max(r.Value, 0) / maxV
		c.rect(left, y+labelH+2, bw, barH, ColorBar, "", r.Label+": "+text)
		c.text(left+bw+6, y+labelH+barH-1, "start", ColorText, text, ` font-weight="600"`)
	}
	c.line(left, top, left, top+rowH*float64(len(rows)), ColorMuted, 1)
	if s.XLabel != "" {
		c.text(left, h-8, "start", ColorMuted, s.XLabel, "")
	}
	return c.html()
}

// Line draws one line per series over the labels, with a marker on each
// point; NaN values are gaps (no data that period). The first series is a
// solid line with round markers, the others dashed with square markers.
func Line(s Spec, labels []string, series ...Series) template.HTML {
	w, h := size(s)
	c := newCanvas(s, int(w), int(h))
	left, right, top, bottom := marginLeft, w-marginRight, marginTop, h-marginBottom
	scaleTop := c.valueAxis(maxOf(series), left, right, top, bottom)
	n := len(labels)
	if n == 0 {
		return c.html()
	}
	if len(series) > 1 {
		names := make([]string, len(series))
		fills := make([]string, len(series))
		for i, se := range series {
			names[i], fills[i] = se.Name, ColorBar
		}
		c.legend(names, fills, right, 16)
	}
	slot := (right - left) / float64(n)
	direct := n <= maxDirectLabels && len(series) == 1
	for j, se := range series {
		c.polyline(se, labels, j, slot, left, top, bottom, scaleTop, direct)
	}
	c.categoryLabels(labels, left, slot, bottom+18)
	if s.XLabel != "" {
		c.text((left+right)/2, h-10, "middle", ColorMuted, s.XLabel, "")
	}
	return c.html()
}

// polyline draws series number j of a Line chart.
func (c *canvas) polyline(se Series, labels []string, j int, slot, left, top, bottom, scaleTop float64, direct bool) {
	path, pen := "", false
	type pt struct {
		x, y, v float64
		label   string
	}
	var pts []pt
	for i := range labels {
		if i >= len(se.Values) || math.IsNaN(se.Values[i]) {
			pen = false
			continue
		}
		v := se.Values[i]
		x, y := left+slot*(float64(i)+0.5), bottom-(bottom-top)*v/scaleTop
		if pen {
			path += " L" + num(x) + " " + num(y)
		} else {
			path += " M" + num(x) + " " + num(y)
		}
		pen = true
		pts = append(pts, pt{x, y, v, labels[i]})
	}
	if path != "" {
		dash := ""
		if j > 0 {
			dash = ` stroke-dasharray="6 4"`
		}
		c.b.WriteString(`<path d="` + path[1:] + `" fill="none" stroke="` + ColorBar + `" stroke-width="2.5"` + dash + `/>`)
	}
	for _, p := range pts {
		tip := p.label + " – " + se.Name + ": " + c.spec.Format(p.v)
		if j == 0 {
			c.b.WriteString(`<circle cx="` + num(p.x) + `" cy="` + num(p.y) + `" r="4" fill="` + ColorBar + `"><title>` +
				esc(tip) + `</title></circle>`)
		} else {
			c.rect(p.x-4, p.y-4, 8, 8, ColorDark, "", tip)
		}
		if direct {
			c.text(p.x, p.y-9, "middle", ColorText, c.spec.Format(p.v), "")
		}
	}
}
