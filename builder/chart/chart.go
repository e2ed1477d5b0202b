// Package chart draws small accessible SVG charts on the server: vertical
// bars (one or two series), horizontal bars with direct labels, and lines.
// Every chart is an inline <svg role="img"> named by its <title> and
// described by its <desc> (aria-labelledby), with text labels on the axes;
// a second series is hatched, never told apart by colour alone. Every text
// is escaped, so labels taken from user data stay text. Charts need no
// JavaScript; pages should add a data table next to each one.
package chart

import (
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Colours, chosen for contrast on white: bars and lines ≥ 3:1 (WCAG 1.4.11),
// text ≥ 4.5:1 (1.4.3).
const (
	ColorBar   = "#0066CC" // Bootstrap Italia primary: 5.57:1
	ColorDark  = "#17324D" // hatching, outlines: 13.1:1
	ColorText  = "#1A1A1A" // labels: 17.4:1
	ColorMuted = "#5C6F82" // axis labels and ticks: 5.18:1
	ColorGrid  = "#D9DADB" // decorative grid lines (not information)
)

// Spec names a chart and its axes.
type Spec struct {
	// ID is unique within the page; it prefixes the ids of the title,
	// description and patterns. Characters other than letters, digits, "-"
	// and "_" are dropped.
	ID string
	// Title is the chart's accessible name; Desc its longer description
	// (what it shows, the key numbers).
	Title, Desc string
	// XLabel and YLabel name the axes (HBars: YLabel names the categories,
	// XLabel the values).
	XLabel, YLabel string
	// Width and Height in user units; defaults 720 × 300 (HBars: height
	// follows the number of rows).
	Width, Height int
	// Integer keeps value-axis ticks on whole numbers (counts).
	Integer bool
	// YMax fixes the top of the value axis (e.g. 5 for stars); 0 fits the data.
	YMax float64
	// Format prints values on ticks and direct labels; default: up to one
	// decimal, with a decimal comma.
	Format func(float64) string
}

// Series is one set of values, one per label.
type Series struct {
	Name   string
	Values []float64
}

// Row is one bar of HBars.
type Row struct {
	Label string
	Value float64
	// Text is the direct label printed after the bar (e.g. "12 (34,5%)");
	// empty prints the formatted Value.
	Text string
}

// maxDirectLabels is the most bars (or points) that get a value printed
// on them; with more, the data table carries the exact numbers.
const maxDirectLabels = 16

// FormatNumber prints v with at most one decimal and a decimal comma
// (Italian), dropping a trailing ",0".
func FormatNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1)
}

// Ticks returns evenly spaced "nice" values (1, 2 or 5 times a power of
// ten) from 0 up to at least max, about n of them. With integer the step
// is at least 1.
func Ticks(max float64, n int, integer bool) []float64 {
	if n < 2 {
		n = 2
	}
	if !(max > 0) || math.IsInf(max, 0) {
		max = 1
	}
	step := niceNum(niceNum(max, false)/float64(n-1), true)
	if integer && step < 1 {
		step = 1
	}
	top := math.Ceil(max/step-1e-9) * step
	var out []float64
	for i := 0; ; i++ {
		v := float64(i) * step
		if v > top+step/2 {
			break
		}
		out = append(out, math.Round(v*1e6)/1e6)
	}
	return out
}

// niceNum rounds x to 1, 2, 5 or 10 times a power of ten (Heckbert's
// "nice numbers for graph labels"): to the nearest with round, else up.
func niceNum(x float64, round bool) float64 {
	exp := math.Floor(math.Log10(x))
	f := x / math.Pow(10, exp)
	var nf float64
	switch {
	case round && f < 1.5, !round && f <= 1:
		nf = 1
	case round && f < 3, !round && f <= 2:
		nf = 2
	case round && f < 7, !round && f <= 5:
		nf = 5
	default:
		nf = 10
	}
	return nf * math.Pow(10, exp)
}

// esc escapes s for XML text and attribute values.
func esc(s string) string { return html.EscapeString(s) }

// num prints a coordinate compactly.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// cleanID keeps letters, digits, "-" and "_" of id ("chart" if none).
func cleanID(id string) string {
	var b strings.Builder
	for _, r := range id {
		if r < 128 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "chart"
	}
	return b.String()
}

// truncate shortens s to at most n runes with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// canvas accumulates the SVG markup of one chart.
type canvas struct {
	b    strings.Builder
	spec Spec
	id   string
}

// newCanvas opens the <svg> element with its title and description.
func newCanvas(s Spec, w, h int) *canvas {
	c := &canvas{spec: s, id: cleanID(s.ID)}
	if c.spec.Format == nil {
		c.spec.Format = FormatNumber
	}
	c.b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="modulario-chart-svg" viewBox="0 0 ` +
		strconv.Itoa(w) + " " + strconv.Itoa(h) + `" width="` + strconv.Itoa(w) + `" height="` + strconv.Itoa(h) +
		`" role="img" focusable="false" aria-labelledby="` + c.id + `-title ` + c.id + `-desc"` +
		` font-family="'Titillium Web', Geneva, Tahoma, sans-serif" font-size="13">`)
	c.b.WriteString(`<title id="` + c.id + `-title">` + esc(s.Title) + `</title>`)
	c.b.WriteString(`<desc id="` + c.id + `-desc">` + esc(s.Desc) + `</desc>`)
	return c
}

// hatch defines the diagonal-line pattern of a second series.
func (c *canvas) hatch() string {
	id := c.id + "-hatch"
	c.b.WriteString(`<defs><pattern id="` + id + `" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
		`<rect width="6" height="6" fill="#FFFFFF"/><line x1="0" y1="0" x2="0" y2="6" stroke="` + ColorDark +
		`" stroke-width="3"/></pattern></defs>`)
	return "url(#" + id + ")"
}

// text writes a text element; anchor is start, middle or end.
func (c *canvas) text(x, y float64, anchor, fill, s string, extra string) {
	c.b.WriteString(`<text x="` + num(x) + `" y="` + num(y) + `" text-anchor="` + anchor + `" fill="` + fill + `"` +
		extra + `>` + esc(s) + `</text>`)
}

// line writes a line element.
func (c *canvas) line(x1, y1, x2, y2 float64, stroke string, width float64) {
	c.b.WriteString(`<line x1="` + num(x1) + `" y1="` + num(y1) + `" x2="` + num(x2) + `" y2="` + num(y2) +
		`" stroke="` + stroke + `" stroke-width="` + num(width) + `"/>`)
}

// rect writes a rectangle with a tooltip title.
func (c *canvas) rect(x, y, w, h float64, fill, stroke, tip string) {
	c.b.WriteString(`<rect x="` + num(x) + `" y="` + num(y) + `" width="` + num(math.Max(w, 0)) + `" height="` +
		num(math.Max(h, 0)) + `" fill="` + fill + `"`)
	if stroke != "" {
		c.b.WriteString(` stroke="` + stroke + `" stroke-width="1"`)
	}
	if tip == "" {
		c.b.WriteString(`/>`)
		return
	}
	c.b.WriteString(`><title>` + esc(tip) + `</title></rect>`)
}

// html closes the svg and returns it as trusted markup: every text in it
// went through esc.
func (c *canvas) html() template.HTML {
	c.b.WriteString(`</svg>`)
	return template.HTML(c.b.String()) // #nosec G203 -- built from escaped parts only
}

// valueAxis draws horizontal grid lines and tick labels for a vertical
// value axis between top and bottom, returning the scale's top value.
func (c *canvas) valueAxis(maxV float64, left, right, top, bottom float64) float64 {
	if c.spec.YMax > 0 {
		maxV = c.spec.YMax
	}
	ticks := Ticks(maxV, 5, c.spec.Integer)
	scaleTop := ticks[len(ticks)-1]
	for _, t := range ticks {
		y := bottom - (bottom-top)*t/scaleTop
		if t > 0 {
			c.line(left, y, right, y, ColorGrid, 1)
		}
		c.text(left-6, y+4, "end", ColorMuted, c.spec.Format(t), "")
	}
	c.line(left, bottom, right, bottom, ColorMuted, 1)
	if c.spec.YLabel != "" {
		c.text(14, (top+bottom)/2, "middle", ColorMuted, c.spec.YLabel,
			` transform="rotate(-90 14 `+num((top+bottom)/2)+`)"`)
	}
	return scaleTop
}

// categoryLabels prints the x labels under n slots of width slot starting
// at left, thinned so they never overlap.
func (c *canvas) categoryLabels(labels []string, left, slot, y float64) {
	every := int(math.Ceil(56 / slot))
	if every < 1 {
		every = 1
	}
	for i, l := range labels {
		if i%every != 0 {
			continue
		}
		c.text(left+slot*(float64(i)+0.5), y, "middle", ColorText, truncate(l, 12), "")
	}
}

// legend prints one swatch and name per series at the top right.
func (c *canvas) legend(names []string, fills []string, right, y float64) {
	x := right
	for i := len(names) - 1; i >= 0; i-- {
		w := float64(len([]rune(names[i])))*7 + 24
		x -= w
		c.rect(x, y-10, 14, 12, fills[i], ColorDark, "")
		c.text(x+20, y, "start", ColorText, names[i], "")
	}
}

// maxOf returns the largest finite value of the series (0 if none).
func maxOf(series []Series) float64 {
	m := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			if !math.IsNaN(v) && v > m {
				m = v
			}
		}
	}
	return m
}

// size returns the spec's size with defaults.
func size(s Spec) (float64, float64) {
	w, h := s.Width, s.Height
	if w <= 0 {
		w = 720
	}
	if h <= 0 {
		h = 300
	}
	return float64(w), float64(h)
}
