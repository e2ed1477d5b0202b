package builder

import (
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// zipMaxName is the longest file name (in bytes) written into an archive.
const zipMaxName = 150

// zipReserved are names Windows refuses for files, whatever the extension.
var zipReserved = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true,
	"COM7": true, "COM8": true, "COM9": true, "LPT1": true, "LPT2": true, "LPT3": true,
	"LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true}

// zipSafeName makes an uploaded file name safe as one archive entry on
// every system: only its last path element, no control or invisible
// formatting characters (such as a right-to-left override), none of
// < > : " / \ | ? *, no leading or trailing dots and spaces (so never "."
// or ".."), not a reserved Windows name, at most zipMaxName bytes with the
// extension kept. An empty result becomes fallback.
func zipSafeName(name, fallback string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r),
			strings.ContainsRune(`<>:"|?*`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, ". \u00a0")
	if name == "" {
		return fallback
	}
	base := name
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	if zipReserved[strings.ToUpper(base)] {
		name = "_" + name
	}
	return zipShorten(name)
}

// zipShorten cuts name to zipMaxName bytes on a rune boundary, keeping a
// short extension.
func zipShorten(name string) string {
	if len(name) <= zipMaxName {
		return name
	}
	ext := path.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	base := name[:len(name)-len(ext)]
	cut := zipMaxName - len(ext)
	for cut > 0 && !utf8.RuneStart(base[cut]) {
		cut--
	}
	return strings.TrimRight(base[:cut], ". ") + ext
}

// zipUnique returns name, or "name (2).ext", "name (3).ext"… when used
// (compared without case, as Windows and macOS do) already has it, and
// marks the result used.
func zipUnique(used map[string]bool, name string) string {
	out := name
	ext := path.Ext(name)
	for n := 2; used[strings.ToLower(out)]; n++ {
		out = strings.TrimSuffix(name, ext) + " (" + strconv.Itoa(n) + ")" + ext
	}
	used[strings.ToLower(out)] = true
	return out
}
