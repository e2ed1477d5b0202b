package chart

import (
	"encoding/xml"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
)

// element is a decoded SVG element, enough to check structure.
type element struct {
	Name  string
	Attrs map[string]string
	Text  string
	Kids  []*element
}

// parseSVG decodes s strictly as XML, failing the test on any error.
func parseSVG(t *testing.T, s string) *element {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	var stack []*element
	var root *element
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			e := &element{Name: x.Name.Local, Attrs: map[string]string{}}
			for _, a := range x.Attr {
				e.Attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Kids = append(p.Kids, e)
			} else {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(x)
			}
		}
	}
	if root == nil {
		t.Fatal("no root element")
	}
	return root
}

// all returns every descendant of e named name.
func (e *element) all(name string) []*element {
	var out []*element
	for _, k := range e.Kids {
		if k.Name == name {
			out = append(out, k)
		}
		out = append(out, k.all(name)...)
	}
	return out
}

// checkAccessible asserts the root is an accessible image named by its
// title and described by its desc.
func checkAccessible(t *testing.T, root *element, id, title, desc string) {
	t.Helper()
	if root.Name != "svg" || root.Attrs["role"] != "img" {
		t.Fatalf("root %s role %q", root.Name, root.Attrs["role"])
	}
	if got := root.Attrs["aria-labelledby"]; got != id+"-title "+id+"-desc" {
		t.Errorf("aria-labelledby = %q", got)
	}
	if len(root.Kids) < 2 || root.Kids[0].Name != "title" || root.Kids[1].Name != "desc" {
		t.Fatalf("title and desc must be the first children")
	}
	if root.Kids[0].Attrs["id"] != id+"-title" || root.Kids[0].Text != title {
		t.Errorf("title = %q (id %q)", root.Kids[0].Text, root.Kids[0].Attrs["id"])
	}
	if root.Kids[1].Attrs["id"] != id+"-desc" || root.Kids[1].Text != desc {
		t.Errorf("desc = %q", root.Kids[1].Text)
	}
}

func texts(root *element) []string {
	var out []string
	for _, e := range root.all("text") {
		out = append(out, e.Text)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestBarsAccessibleAndEscaped(t *testing.T) {
	hostile := `<script>alert("x")</script> & 'co'`
	s := Spec{ID: "rec\"eived", Title: hostile, Desc: "Richieste & aperte", XLabel: "Giorno", YLabel: "Richieste", Integer: true}
	out := string(Bars(s, []string{"01/03", hostile, "03/03"},
		Series{Name: "Ricevute", Values: []float64{3, 7, 0}},
		Series{Name: "Ancora aperte", Values: []float64{1, 2}}))
	if strings.Contains(out, "<script>") {
		t.Fatal("label not escaped")
	}
	root := parseSVG(t, out)
	checkAccessible(t, root, "received", hostile, "Richieste & aperte")
	rects := root.all("rect")
	// 2 series × 3 slots, 2 legend swatches, 1 pattern background.
	if len(rects) != 9 {
		t.Errorf("%d rects, want 9", len(rects))
	}
	ts := texts(root)
	for _, want := range []string{"Giorno", "Richieste", "Ricevute", "Ancora aperte", "7", "2", "01/03"} {
		if !contains(ts, want) {
			t.Errorf("text %q missing in %q", want, ts)
		}
	}
	if len(root.all("pattern")) != 1 {
		t.Error("the second series must be hatched (a pattern)")
	}
	var hatched int
	for _, r := range rects {
		if r.Attrs["fill"] == "url(#received-hatch)" {
			hatched++
		}
	}
	if hatched != 4 { // 3 bars + legend swatch
		t.Errorf("%d hatched rects, want 4", hatched)
	}
}

func TestBarsHeights(t *testing.T) {
	out := string(Bars(Spec{ID: "h", Width: 400, Height: 300, Integer: true}, []string{"a", "b"},
		Series{Name: "n", Values: []float64{10, 5}}))
	root := parseSVG(t, out)
	var bars []*element
	for _, r := range root.all("rect") {
		if r.Attrs["fill"] == ColorBar {
			bars = append(bars, r)
		}
	}
	if len(bars) != 2 {
		t.Fatalf("%d bars", len(bars))
	}
	if bars[0].Attrs["height"] != "208" || bars[1].Attrs["height"] != "104" {
		t.Errorf("heights %s, %s; want 208 and 104 (plot 208 high, top tick 10)",
			bars[0].Attrs["height"], bars[1].Attrs["height"])
	}
}

func TestHBars(t *testing.T) {
	rows := []Row{{Label: "Ricevuta", Value: 6, Text: "6 (60%)"}, {Label: "<b>Conclusa</b>", Value: 4}}
	out := string(HBars(Spec{ID: "st", Title: "Per stato", Desc: "d", XLabel: "Richieste"}, rows))
	root := parseSVG(t, out)
	checkAccessible(t, root, "st", "Per stato", "d")
	ts := texts(root)
	for _, want := range []string{"Ricevuta", "6 (60%)", "<b>Conclusa</b>", "4", "Richieste"} {
		if !contains(ts, want) {
			t.Errorf("text %q missing in %q", want, ts)
		}
	}
	bars := root.all("rect")
	if len(bars) != 2 {
		t.Fatalf("%d bars", len(bars))
	}
	w0, w1 := bars[0].Attrs["width"], bars[1].Attrs["width"]
	if w0 != "562" || w1 != "374.7" {
		t.Errorf("widths %s, %s; want 562 (longest) and 374.7", w0, w1)
	}
}

func TestLineGapsAndMarkers(t *testing.T) {
	out := string(Line(Spec{ID: "r", Title: "Trend", Desc: "d", YMax: 5}, []string{"s1", "s2", "s3", "s4"},
		Series{Name: "Media", Values: []float64{4, math.NaN(), 3.5, 5}}))
	root := parseSVG(t, out)
	checkAccessible(t, root, "r", "Trend", "d")
	paths := root.all("path")
	if len(paths) != 1 {
		t.Fatalf("%d paths", len(paths))
	}
	d := paths[0].Attrs["d"]
	if strings.Count(d, "M") != 2 || strings.Count(d, "L") != 1 {
		t.Errorf("path %q: want a gap at the missing value (2 moves, 1 line)", d)
	}
	if n := len(root.all("circle")); n != 3 {
		t.Errorf("%d markers, want 3", n)
	}
	ts := texts(root)
	for _, want := range []string{"3,5", "5", "4"} {
		if !contains(ts, want) {
			t.Errorf("value %q missing in %q", want, ts)
		}
	}
}

func TestEmptyCharts(t *testing.T) {
	for name, out := range map[string]string{
		"bars":  string(Bars(Spec{ID: "a"}, nil)),
		"hbars": string(HBars(Spec{ID: "b"}, nil)),
		"line":  string(Line(Spec{ID: "c"}, nil)),
	} {
		parseSVG(t, out) // must still be well-formed
		if !strings.HasSuffix(out, "</svg>") {
			t.Errorf("%s: not closed", name)
		}
	}
}

func TestTicks(t *testing.T) {
	cases := []struct {
		max     float64
		integer bool
		want    []float64
	}{
		{10, true, []float64{0, 2, 4, 6, 8, 10}},
		{7, true, []float64{0, 2, 4, 6, 8}},
		{2, true, []float64{0, 1, 2}},
		{2, false, []float64{0, 0.5, 1, 1.5, 2}},
		{0, true, []float64{0, 1}},
		{5, false, []float64{0, 1, 2, 3, 4, 5}},
		{1234, true, []float64{0, 500, 1000, 1500}},
	}
	for _, c := range cases {
		if got := Ticks(c.max, 5, c.integer); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Ticks(%v, 5, %v) = %v, want %v", c.max, c.integer, got, c.want)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	for v, want := range map[float64]string{3: "3", 3.25: "3,3", 0.04: "0", 1500: "1500", math.NaN(): "–"} {
		if got := FormatNumber(v); got != want {
			t.Errorf("FormatNumber(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestCleanIDAndTruncate(t *testing.T) {
	if got := cleanID(`a b"<c>-1_é`); got != "abc-1_" {
		t.Errorf("cleanID = %q", got)
	}
	if cleanID("") != "chart" {
		t.Error("empty id")
	}
	if got := truncate("abcdef", 4); got != "abc…" {
		t.Errorf("truncate = %q", got)
	}
}
