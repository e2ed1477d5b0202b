package themes

import (
	"bytes"
	"compress/gzip"
	"errors"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

const fakeCSS = `body{background:url("data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'%3e%3c/svg%3e")}`

const fakeFontsCSS = `@font-face{font-family:"Titillium Web";src:url("../fonts/tw.woff2") format("woff2")}
@font-face{font-family:"Lora";src:url(../fonts/lora.woff2?v=1#x) format("woff2")}
.logo{background:url('../svg/sprites.svg#it-check')}
.abs{background:url(https://example.org/a.png)}`

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	out, err := gzipBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fakeDist is a minimal output of `make assets`.
func fakeDist(t *testing.T) fstest.MapFS {
	t.Helper()
	sprites := []byte(`<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat(`<symbol id="it-check"></symbol>`, 50) + `</svg>`)
	bi := []byte(fakeCSS + strings.Repeat(".a{color:red}", 200))
	return fstest.MapFS{
		"PLACEHOLDER":                     {Data: []byte("placeholder")},
		"css/bootstrap-italia.min.css":    {Data: bi},
		"css/bootstrap-italia.min.css.gz": {Data: gz(t, bi)},
		"css/fonts.css":                   {Data: []byte(fakeFontsCSS)},
		"css/fonts.css.gz":                {Data: gz(t, []byte(fakeFontsCSS))}, // stale once rewritten
		"fonts/tw.woff2":                  {Data: []byte("wOF2 titillium")},
		"fonts/lora.woff2":                {Data: []byte("wOF2 lora")},
		"svg/sprites.svg":                 {Data: sprites},
		"js/modulario.js":                 {Data: []byte(strings.Repeat("console.log(1);\n", 100))},
	}
}

func mustLoad(t *testing.T, fsys fstest.MapFS) *Assets {
	t.Helper()
	a, err := loadAssets(fsys)
	if err != nil {
		t.Fatalf("loadAssets: %v", err)
	}
	return a
}

func TestLoadAssetsMissing(t *testing.T) {
	_, err := loadAssets(fstest.MapFS{"PLACEHOLDER": {Data: []byte("x")}})
	if !errors.Is(err, ErrAssetsMissing) {
		t.Fatalf("err = %v, want ErrAssetsMissing", err)
	}
	if got := ErrAssetsMissing.Error(); got != "assets missing: run make assets" {
		t.Errorf("message = %q", got)
	}
}

func TestURL(t *testing.T) {
	a := mustLoad(t, fakeDist(t))
	hashed := regexp.MustCompile(`^/static/css/bootstrap-italia\.min\.[0-9a-f]{10}\.css$`)
	if u := a.URL("css/bootstrap-italia.min.css"); !hashed.MatchString(u) {
		t.Errorf("URL = %q, want %s", u, hashed)
	}
	if u := a.URL("js/modulario.js"); !regexp.MustCompile(`^/static/js/modulario\.[0-9a-f]{10}\.js$`).MatchString(u) {
		t.Errorf("URL(js) = %q", u)
	}
	if u := a.URL("css/nope.css"); u != "/static/missing/css/nope.css" {
		t.Errorf("unknown URL = %q", u)
	}
	if _, ok := a.byName["PLACEHOLDER"]; ok {
		t.Error("PLACEHOLDER must not be an asset")
	}
	if _, ok := a.byName["css/fonts.css.gz"]; ok {
		t.Error(".gz files must not be assets of their own")
	}
	want := []string{"css/bootstrap-italia.min.css", "css/fonts.css", "fonts/lora.woff2", "fonts/tw.woff2", "js/modulario.js", "svg/sprites.svg"}
	if got := a.Names(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Names = %v, want %v", got, want)
	}
}

func TestHashFollowsContent(t *testing.T) {
	fsys := fakeDist(t)
	a1 := mustLoad(t, fsys)
	fsys["js/modulario.js"] = &fstest.MapFile{Data: []byte("console.log(2)")}
	a2 := mustLoad(t, fsys)
	if a1.URL("js/modulario.js") == a2.URL("js/modulario.js") {
		t.Error("changed content kept the same URL")
	}
	if a1.URL("svg/sprites.svg") != a2.URL("svg/sprites.svg") {
		t.Error("unchanged content changed URL")
	}
}

func TestCSSURLRewrite(t *testing.T) {
	a := mustLoad(t, fakeDist(t))
	css := string(a.byName["css/fonts.css"].body)
	for _, want := range []string{
		`url("` + a.URL("fonts/tw.woff2") + `")`,
		`url("` + a.URL("fonts/lora.woff2") + `?v=1#x")`,
		`url("` + a.URL("svg/sprites.svg") + `#it-check")`,
		`url(https://example.org/a.png)`,
	} {
		if !strings.Contains(css, want) {
			t.Errorf("rewritten CSS lacks %s:\n%s", want, css)
		}
	}
	if strings.Contains(css, "../fonts") {
		t.Errorf("relative font URL left in CSS:\n%s", css)
	}
	bi := a.byName["css/bootstrap-italia.min.css"].body
	if !bytes.HasPrefix(bi, []byte(fakeCSS)) {
		t.Error("data: URL was rewritten")
	}
	// The fonts.css.gz in dist is stale after the rewrite: it must be redone.
	assertGzipOf(t, a.byName["css/fonts.css"].gz, a.byName["css/fonts.css"].body)
	// Hash covers the rewritten bytes.
	if !strings.Contains(a.URL("css/fonts.css"), a.byName["css/fonts.css"].hash) {
		t.Error("URL does not carry the hash")
	}
}

func TestCSSURLMissingTarget(t *testing.T) {
	fsys := fakeDist(t)
	fsys["css/extra.css"] = &fstest.MapFile{Data: []byte(`a{background:url(../img/nope.png)}`)}
	_, err := loadAssets(fsys)
	if err == nil || !strings.Contains(err.Error(), "img/nope.png") {
		t.Fatalf("err = %v, want a missing-asset error naming img/nope.png", err)
	}
}

func TestPrecompressed(t *testing.T) {
	fsys := fakeDist(t)
	a := mustLoad(t, fsys)
	bi := a.byName["css/bootstrap-italia.min.css"]
	if !bytes.Equal(bi.gz, fsys["css/bootstrap-italia.min.css.gz"].Data) {
		t.Error("a valid precompressed sibling was not used")
	}
	if a.byName["fonts/tw.woff2"].gz != nil {
		t.Error("woff2 must not be gzipped")
	}
	// No .gz in dist for the js: compressed at load.
	assertGzipOf(t, a.byName["js/modulario.js"].gz, a.byName["js/modulario.js"].body)
}

func assertGzipOf(t *testing.T, gzBytes, want []byte) {
	t.Helper()
	if gzBytes == nil {
		t.Fatal("no gzip variant")
	}
	if !gunzipEquals(gzBytes, want) {
		t.Fatal("gzip variant does not decompress to the body")
	}
	zr, err := gzip.NewReader(bytes.NewReader(gzBytes))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" {
		t.Errorf("gzip header carries a name %q", zr.Name)
	}
}
