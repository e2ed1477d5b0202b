package themes

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

// defaultFamily matches the literals of the stock #0066cc palette that
// must not survive a recolour.
var defaultFamily = regexp.MustCompile(`(?i)#06c\b|#0066cc|%2306c\b|%230066cc|rgba?\(0,\s*102,\s*204|hsl\(210,\s*100%,\s*40%\)|--bs-primary-rgb:\s*0, 102, 204|#036\b|rgb\(0,76\.5,153\)`)

func realCSS(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("static/dist/css/bootstrap-italia.min.css")
	if err != nil {
		t.Skip("run make assets first")
	}
	return b
}

func TestRecolorRealCSS(t *testing.T) {
	css := realCSS(t)
	if !defaultFamily.Match(css) {
		t.Fatal("the stock CSS should contain the default palette")
	}
	out, err := Recolor(css, "#a31d2b")
	if err != nil {
		t.Fatal(err)
	}
	if m := defaultFamily.Find(out); m != nil {
		t.Fatalf("recoloured CSS still contains %q", m)
	}
	for _, want := range []string{"#a31d2b", "--bs-primary-rgb: 163, 29, 43"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("recoloured CSS lacks %q", want)
		}
	}
	// Neutral colours stay: white, black and the blue-grey text colour.
	for _, keep := range []string{"#fff", "hsl(210,17%,44%)", "#f90"} {
		if strings.Count(string(out), keep) != strings.Count(string(css), keep) {
			t.Errorf("%q count changed", keep)
		}
	}
}

func TestRecolorShades(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a{color:#06c}", "a{color:#a31d2b}"},
		{"a{color:#0066CC}", "a{color:#a31d2b}"},
		{"a{color:#036}", "a{color:#520f16}"}, // half the brightness
		{"a{color:rgba(0,102,204,.25)}", "a{color:rgba(163,29,43,.25)}"},
		{"a{color:hsl(210, 100%, 40%)}", "a{color:hsl(354, 69.8%, 37.6%)}"},
		{`a{background:url("data:image/svg+xml,%3csvg fill='%230066cc'")}`, `a{background:url("data:image/svg+xml,%3csvg fill='%23a31d2b'")}`},
		{"a{color:#666}", "a{color:#666}"},
		{"a{color:#f90}", "a{color:#f90}"},
		{"a{color:rgb(91.035,110.5425,130.05)}", "a{color:rgb(91.035,110.5425,130.05)}"},
	}
	for _, tt := range tests {
		out, err := Recolor([]byte(tt.in), "#a31d2b")
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != tt.want {
			t.Errorf("Recolor(%q) = %q, want %q", tt.in, out, tt.want)
		}
	}
	if _, err := Recolor(nil, "red"); err == nil {
		t.Error("a bad colour must fail")
	}
}

func TestCheckPrimary(t *testing.T) {
	tests := []struct {
		hex string
		ok  bool
	}{
		{"#0066cc", true}, {"#a31d2b", true}, {"#000000", true},
		{"#ffcc00", false}, {"#ffffff", false}, {"#3399ff", false},
		{"blue", false}, {"#06c", false}, {"", false}, {"#gggggg", false},
	}
	for _, tt := range tests {
		err := CheckPrimary(tt.hex)
		if (err == nil) != tt.ok {
			t.Errorf("CheckPrimary(%q) = %v, want ok=%v", tt.hex, err, tt.ok)
		}
	}
	if err := CheckPrimary("#3399ff"); err == nil || !strings.Contains(err.Error(), "contrasto") {
		t.Errorf("low contrast message = %v", err)
	}
	if c := PrimaryContrast("#0066cc"); c < 5.5 || c > 5.7 {
		t.Errorf("contrast of #0066cc = %.2f, want ~5.57", c)
	}
}

func TestPrimaryCSSURLServed(t *testing.T) {
	fsys := fakeDist(t)
	fsys["css/bootstrap-italia.min.css"].Data = []byte(strings.Repeat(".a{color:red}.b{color:#06c}", 200))
	delete(fsys, "css/bootstrap-italia.min.css.gz")
	a := mustLoad(t, fsys)
	def, _ := a.PrimaryCSSURL("")
	if def != a.URL("css/bootstrap-italia.min.css") {
		t.Fatalf("default URL = %q", def)
	}
	u, err := a.PrimaryCSSURL("#A31D2B")
	if err != nil || u == def || !strings.HasPrefix(u, "/static/css/bootstrap-italia.min.") {
		t.Fatalf("url = %q, %v", u, err)
	}
	if again, _ := a.PrimaryCSSURL("#a31d2b"); again != u {
		t.Fatalf("not cached: %q vs %q", again, u)
	}
	req := httptest.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != cacheForever || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("status %d headers %v", rec.Code, rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if !strings.Contains(string(body), ".a{color:red}.b{color:#a31d2b}") {
		t.Fatalf("served body is not the stylesheet")
	}
	if _, err := a.PrimaryCSSURL("nope"); err == nil {
		t.Fatal("bad colour accepted")
	}
}
