package themes

import (
	"bytes"
	"io"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestServeHTTP(t *testing.T) {
	a := mustLoad(t, fakeDist(t))
	cssURL := a.URL("css/bootstrap-italia.min.css")
	css := a.byName["css/bootstrap-italia.min.css"]
	etag := `"` + css.hash + `"`
	tests := []struct {
		name           string
		method, url    string
		header         map[string]string
		wantStatus     int
		wantHeader     map[string]string
		wantBody       []byte
		wantNoEncoding bool
	}{
		{name: "css identity", method: "GET", url: cssURL, wantStatus: 200,
			wantHeader: map[string]string{"Content-Type": "text/css; charset=utf-8",
				"Cache-Control": "public, max-age=31536000, immutable", "ETag": etag,
				"Vary": "Accept-Encoding", "Content-Length": strconv.Itoa(len(css.body))},
			wantBody: css.body, wantNoEncoding: true},
		{name: "css gzip", method: "GET", url: cssURL, header: map[string]string{"Accept-Encoding": "br, gzip, deflate"},
			wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": "gzip", "Vary": "Accept-Encoding",
				"ETag": `"` + css.hash + `-gzip"`, "Content-Length": strconv.Itoa(len(css.gz))},
			wantBody: css.gz},
		{name: "gzip refused with q=0", method: "GET", url: cssURL, header: map[string]string{"Accept-Encoding": "gzip;q=0, *"},
			wantStatus: 200, wantBody: css.body, wantNoEncoding: true},
		{name: "stripped prefix", method: "GET", url: strings.TrimPrefix(cssURL, "/static"), wantStatus: 200, wantBody: css.body},
		{name: "HEAD", method: "HEAD", url: cssURL, wantStatus: 200,
			wantHeader: map[string]string{"Content-Length": strconv.Itoa(len(css.body)), "ETag": etag}, wantBody: []byte{}},
		{name: "not modified", method: "GET", url: cssURL, header: map[string]string{"If-None-Match": etag},
			wantStatus: 304, wantHeader: map[string]string{"ETag": etag}, wantBody: []byte{}},
		{name: "not modified gzip", method: "GET", url: cssURL,
			header:     map[string]string{"If-None-Match": `W/"x", "` + css.hash + `-gzip"`, "Accept-Encoding": "gzip"},
			wantStatus: 304, wantBody: []byte{}},
		{name: "other etag", method: "GET", url: cssURL, header: map[string]string{"If-None-Match": `"0000000000"`},
			wantStatus: 200, wantBody: css.body},
		{name: "woff2", method: "GET", url: a.URL("fonts/tw.woff2"), header: map[string]string{"Accept-Encoding": "gzip"},
			wantStatus: 200, wantHeader: map[string]string{"Content-Type": "font/woff2", "Vary": ""},
			wantBody: []byte("wOF2 titillium"), wantNoEncoding: true},
		{name: "svg", method: "GET", url: a.URL("svg/sprites.svg"), wantStatus: 200,
			wantHeader: map[string]string{"Content-Type": "image/svg+xml"}},
		{name: "js", method: "GET", url: a.URL("js/modulario.js"), wantStatus: 200,
			wantHeader: map[string]string{"Content-Type": "text/javascript; charset=utf-8"}},
		{name: "logical name is not served", method: "GET", url: "/static/css/bootstrap-italia.min.css", wantStatus: 404,
			wantHeader: map[string]string{"Cache-Control": ""}},
		{name: "gz file is not served", method: "GET", url: "/static/css/bootstrap-italia.min.css.gz", wantStatus: 404},
		{name: "wrong hash", method: "GET", url: "/static/css/bootstrap-italia.min.0123456789.css", wantStatus: 404},
		{name: "placeholder", method: "GET", url: "/static/PLACEHOLDER", wantStatus: 404},
		{name: "traversal", method: "GET", url: "/static/../themes.go", wantStatus: 404},
		{name: "POST", method: "POST", url: cssURL, wantStatus: 405, wantHeader: map[string]string{"Allow": "GET, HEAD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "http://example.org/", nil)
			req.URL.Path = tt.url
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, req)
			res := rec.Result()
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.wantStatus)
			}
			for k, v := range tt.wantHeader {
				if got := res.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if tt.wantNoEncoding && res.Header.Get("Content-Encoding") != "" {
				t.Errorf("Content-Encoding = %q, want none", res.Header.Get("Content-Encoding"))
			}
			body, _ := io.ReadAll(res.Body)
			if tt.wantBody != nil && !bytes.Equal(body, tt.wantBody) {
				t.Errorf("body: got %d bytes, want %d", len(body), len(tt.wantBody))
			}
		})
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := map[string]bool{
		"":                      false,
		"gzip":                  true,
		"GZIP":                  true,
		"deflate, gzip;q=0.5":   true,
		"gzip;q=0":              false,
		"gzip; q=0.0, br":       false,
		"*":                     true,
		"*;q=0":                 false,
		"br, *;q=0.1":           true,
		"gzip;q=0, *":           false,
		"identity":              false,
		"x-gzip":                true,
		"gzip;q=bogus, br":      false,
		" gzip ; q=1 , deflate": true,
	}
	for header, want := range tests {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}

// TestEmbeddedDist checks the real output of `make assets`.
func TestEmbeddedDist(t *testing.T) {
	a, err := LoadAssets()
	if err == ErrAssetsMissing {
		t.Skip("themes/static/dist is empty: run make assets")
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"css/bootstrap-italia.min.css", "css/fonts.css", "svg/sprites.svg",
		"fonts/titillium-web-v10-latin-ext_latin-regular.woff2", "fonts/lora-v20-latin-ext_latin-700.woff2",
		"fonts/roboto-mono-v13-latin-ext_latin-regular.woff2"} {
		if strings.HasPrefix(a.URL(name), "/static/missing/") {
			t.Errorf("%s is not in dist", name)
		}
	}
	fonts := string(a.byName["css/fonts.css"].body)
	refs := regexp.MustCompile(`url\("([^"]+)"\)`).FindAllStringSubmatch(fonts, -1)
	if len(refs) != 9 {
		t.Errorf("fonts.css has %d url()s, want 9 woff2 faces", len(refs))
	}
	for _, m := range refs {
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, httptest.NewRequest("GET", m[1], nil))
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "font/woff2" {
			t.Errorf("%s: status %d, type %q", m[1], rec.Code, rec.Header().Get("Content-Type"))
		}
	}
	for _, name := range a.Names() {
		as := a.byName[name]
		if compressible[as.name[strings.LastIndex(as.name, "."):]] && as.gz == nil {
			t.Errorf("%s has no gzip variant", name)
		}
	}
	if bi := a.byName["css/bootstrap-italia.min.css"]; bi.gz != nil && len(bi.gz) > len(bi.body)/4 {
		t.Errorf("bootstrap-italia gzip is %d of %d bytes", len(bi.gz), len(bi.body))
	}
}
