package themes

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"path"
	"regexp"
	"sort"
	"strings"
)

// requiredAsset is the file whose absence means `make assets` has not run.
const requiredAsset = "css/bootstrap-italia.min.css"

// urlPrefix is where Assets is mounted.
const urlPrefix = "/static/"

// hashLen is the number of hex digits of SHA-256 kept in asset URLs.
const hashLen = 10

// Assets serves the static files under content-hash URLs.
type Assets struct {
	byName map[string]*asset // logical name → asset
	byPath map[string]*asset // hashed path without urlPrefix → asset
	// recolor holds Bootstrap Italia recoloured to a comune's primary colour.
	recolor recolored
}

// asset is one static file, ready to serve: its bytes never change after
// LoadAssets, so the hash is also its strong ETag.
type asset struct {
	name        string
	hashedPath  string
	hash        string
	contentType string
	body        []byte
	gz          []byte // precompressed body; nil when not worth compressing
}

// contentTypes lists the types Modulario serves; the charset is explicit so
// browsers never sniff.
var contentTypes = map[string]string{
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".svg":   "image/svg+xml",
	".woff2": "font/woff2",
	".woff":  "font/woff",
	".json":  "application/json",
	".map":   "application/json",
	".txt":   "text/plain; charset=utf-8",
	".png":   "image/png",
	".ico":   "image/x-icon",
}

// compressible lists the extensions served gzip-encoded when accepted;
// fonts and images are already compressed.
var compressible = map[string]bool{
	".css": true, ".js": true, ".mjs": true, ".svg": true,
	".json": true, ".map": true, ".txt": true,
}

// URL maps a logical asset name ("css/bootstrap-italia.min.css",
// "css/fonts.css", "svg/sprites.svg", "js/modulario.js") to its hashed,
// immutable URL ("/static/css/bootstrap-italia.min.3f2a9c1e0b.css").
// Unknown names return "/static/missing/" + name, so a typo shows in tests.
func (a *Assets) URL(name string) string {
	if as, ok := a.byName[name]; ok {
		return urlPrefix + as.hashedPath
	}
	return urlPrefix + "missing/" + name
}

// Names returns the logical names of every asset, sorted.
func (a *Assets) Names() []string {
	names := make([]string, 0, len(a.byName))
	for n := range a.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// loadAssets indexes every file of fsys. Stylesheets are indexed last so
// their relative url(...) references can be rewritten to hashed URLs first.
func loadAssets(fsys fs.FS) (*Assets, error) {
	files, gzipped, err := readTree(fsys)
	if err != nil {
		return nil, err
	}
	if _, ok := files[requiredAsset]; !ok {
		return nil, ErrAssetsMissing
	}
	a := &Assets{byName: map[string]*asset{}, byPath: map[string]*asset{}}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	// Non-CSS first (false sorts before true), then by name for determinism.
	sort.Slice(names, func(i, j int) bool {
		ci, cj := path.Ext(names[i]) == ".css", path.Ext(names[j]) == ".css"
		if ci != cj {
			return cj
		}
		return names[i] < names[j]
	})
	for _, name := range names {
		body := files[name]
		if path.Ext(name) == ".css" {
			if body, err = a.rewriteCSSURLs(name, body); err != nil {
				return nil, err
			}
		}
		as, err := newAsset(name, body, gzipped[name])
		if err != nil {
			return nil, err
		}
		a.byName[name] = as
		a.byPath[as.hashedPath] = as
	}
	return a, nil
}

// readTree reads every regular file of fsys except the placeholder and
// dotfiles; "x.gz" files are returned separately, keyed by "x".
func readTree(fsys fs.FS) (files, gzipped map[string][]byte, err error) {
	files, gzipped = map[string][]byte{}, map[string][]byte{}
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		base := path.Base(p)
		if d.IsDir() || base == "PLACEHOLDER" || strings.HasPrefix(base, ".") {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		if orig, ok := strings.CutSuffix(p, ".gz"); ok {
			gzipped[orig] = b
		} else {
			files[p] = b
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("themes: read assets: %w", err)
	}
	return files, gzipped, nil
}

// newAsset hashes body and prepares its gzip variant. A precompressed
// sibling is used only when it decompresses to exactly body (it may be stale,
// or body may have been rewritten); otherwise it is compressed here, once.
func newAsset(name string, body, precompressed []byte) (*asset, error) {
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])[:hashLen]
	ext := path.Ext(name)
	ct, ok := contentTypes[ext]
	if !ok {
		if ct = mime.TypeByExtension(ext); ct == "" {
			ct = "application/octet-stream"
		}
	}
	as := &asset{
		name:        name,
		hashedPath:  strings.TrimSuffix(name, ext) + "." + hash + ext,
		hash:        hash,
		contentType: ct,
		body:        body,
	}
	if !compressible[ext] {
		return as, nil
	}
	if precompressed != nil && gunzipEquals(precompressed, body) {
		as.gz = precompressed
		return as, nil
	}
	gz, err := gzipBytes(body)
	if err != nil {
		return nil, fmt.Errorf("themes: compress %s: %w", name, err)
	}
	if len(gz) < len(body) {
		as.gz = gz
	}
	return as, nil
}

// gunzipEquals reports whether gz is a valid gzip stream of want.
func gunzipEquals(gz, want []byte) bool {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return false
	}
	got, err := io.ReadAll(io.LimitReader(zr, int64(len(want))+1))
	return err == nil && bytes.Equal(got, want)
}

// gzipBytes compresses b at the best level, like `gzip -9 -n`.
func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// cssURL matches url(...) with a double-quoted, single-quoted or bare value.
var cssURL = regexp.MustCompile(`url\(\s*(?:"([^"]*)"|'([^']*)'|([^'"\s)]*))\s*\)`)

// rewriteCSSURLs replaces relative url(...) references of the stylesheet
// name with the hashed URLs of already indexed assets, so fonts and images
// keep resolving under immutable URLs. data:, absolute and fragment-only
// references are left alone; an unresolvable relative one is an error, so a
// broken font link fails at start-up and in tests rather than in a browser.
func (a *Assets) rewriteCSSURLs(name string, css []byte) ([]byte, error) {
	var firstErr error
	out := cssURL.ReplaceAllFunc(css, func(m []byte) []byte {
		sub := cssURL.FindSubmatch(m)
		ref := string(bytes.Join(sub[1:], nil))
		if !isRelativeRef(ref) {
			return m
		}
		target, suffix := ref, ""
		if i := strings.IndexAny(ref, "?#"); i >= 0 {
			target, suffix = ref[:i], ref[i:]
		}
		resolved := path.Join(path.Dir(name), target)
		as, ok := a.byName[resolved]
		if !ok {
			if firstErr == nil {
				firstErr = fmt.Errorf("themes: %s: url(%s) refers to a missing asset %q", name, ref, resolved)
			}
			return m
		}
		return []byte(`url("` + urlPrefix + as.hashedPath + suffix + `")`)
	})
	return out, firstErr
}

// isRelativeRef reports whether a CSS url() value points at a file relative
// to the stylesheet.
func isRelativeRef(ref string) bool {
	if ref == "" || strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "/") {
		return false
	}
	lower := strings.ToLower(ref)
	for _, scheme := range []string{"data:", "http:", "https:", "blob:"} {
		if strings.HasPrefix(lower, scheme) {
			return false
		}
	}
	return true
}
