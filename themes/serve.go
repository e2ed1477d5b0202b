package themes

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// cacheForever is sent with every asset: its URL changes when its bytes do.
const cacheForever = "public, max-age=31536000, immutable"

// ServeHTTP serves /static/... : hashed names with Cache-Control immutable,
// the precompressed .gz variant when the client accepts gzip, 404 otherwise.
// It accepts the full path ("/static/css/x.<hash>.css") or one with the
// prefix already stripped ("css/x.<hash>.css").
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	p := strings.TrimPrefix(r.URL.Path, urlPrefix)
	p = strings.TrimPrefix(p, "/")
	as, ok := a.lookup(p)
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", cacheForever)
	h.Set("Content-Type", as.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	body, etag := as.body, `"`+as.hash+`"`
	if as.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			// The gzip bytes are a different representation, so they get
			// their own strong validator (RFC 9110 §8.8.3).
			body, etag = as.gz, `"`+as.hash+`-gzip"`
			h.Set("Content-Encoding", "gzip")
			// ServeContent leaves Content-Length out when Content-Encoding
			// is set; the length of the precompressed bytes is known.
			h.Set("Content-Length", strconv.Itoa(len(body)))
		}
	}
	h.Set("ETag", etag)
	// ServeContent answers If-None-Match with 304, HEAD and Range requests.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header value allows gzip
// (explicitly or through "*") with a non-zero quality.
func acceptsGzip(header string) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				continue
			}
			q = f
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip", "x-gzip":
			gzipQ = q
		case "*":
			starQ = q
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}
