package storage

import (
	"bytes"
	"encoding/json"
	"unicode"
	"unicode/utf8"

	"github.com/modulario/modulario"
)

// Limits of the word index.
const (
	// maxWordsPerRequest caps the distinct words indexed for one request
	// (the first ones in the order of its answers).
	maxWordsPerRequest = 64
	// maxWordBytes drops longer tokens (codes, pasted links) from the index.
	maxWordBytes = 40
	// minDigitWord is the shortest all-digit token indexed (a postcode, a
	// phone number); shorter numbers (days, house numbers) are too common.
	minDigitWord = 5
)

// foldTable maps accented Latin letters (already lower-case) to their base
// letter, so "perché" and "PERCHE" are the same word.
var foldTable = map[rune]rune{
	'à': 'a', 'á': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a', 'å': 'a',
	'è': 'e', 'é': 'e', 'ê': 'e', 'ë': 'e',
	'ì': 'i', 'í': 'i', 'î': 'i', 'ï': 'i',
	'ò': 'o', 'ó': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o',
	'ù': 'u', 'ú': 'u', 'û': 'u', 'ü': 'u',
	'ç': 'c', 'ñ': 'n', 'ý': 'y', 'ÿ': 'y',
}

// stopWords are Italian articles and prepositions: in nearly every answer,
// they would make the biggest index entries and select nothing. They are
// ignored in answers and in searches alike.
var stopWords = map[string]bool{
	"il": true, "lo": true, "la": true, "le": true, "gli": true, "un": true, "una": true, "uno": true,
	"di": true, "da": true, "in": true, "su": true, "per": true, "con": true, "tra": true, "fra": true,
	"del": true, "della": true, "dei": true, "delle": true, "dello": true, "degli": true,
	"al": true, "alla": true, "ai": true, "alle": true, "allo": true, "agli": true,
	"dal": true, "dalla": true, "nel": true, "nella": true, "sul": true, "sulla": true,
	"che": true, "non": true, "ed": true, "od": true,
}

// splitWords calls fn with each normalised word of s: lower-case, accents
// folded, letters and digits only, at least 2 characters with a letter (or
// minDigitWord digits), stop words left out. fn's argument is only valid
// during the call.
func splitWords(s string, buf []byte, fn func(w []byte)) []byte {
	w := buf[:0]
	letters, runes := 0, 0
	flush := func() {
		if runes >= 2 && len(w) <= maxWordBytes && (letters > 0 || runes >= minDigitWord) && !stopWords[string(w)] {
			fn(w)
		}
		w, letters, runes = w[:0], 0, 0
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			r = unicode.ToLower(r)
			if f, ok := foldTable[r]; ok {
				r = f
			}
			w = utf8.AppendRune(w, r)
			letters++
			runes++
		case unicode.IsDigit(r):
			w = utf8.AppendRune(w, r)
			runes++
		default:
			flush()
		}
	}
	flush()
	return w
}

// queryWords returns the distinct words of a search text.
func queryWords(text string) [][]byte {
	var out [][]byte
	splitWords(text, nil, func(w []byte) {
		for _, o := range out {
			if bytes.Equal(o, w) {
				return
			}
		}
		out = append(out, bytes.Clone(w))
	})
	return out
}

// submissionWords returns the distinct words of the string answers of sub,
// in document order, at most maxWordsPerRequest. Object keys, numbers,
// booleans and strings that are attachment IDs (file answers) are skipped.
func submissionWords(sub *modulario.Submission) []string {
	skip := make(map[string]bool, len(sub.Attachments))
	for _, a := range sub.Attachments {
		skip[a.ID] = true
	}
	seen := map[string]bool{}
	var out []string
	var buf []byte
	add := func(w []byte) {
		if len(out) < maxWordsPerRequest && !seen[string(w)] {
			seen[string(w)] = true
			out = append(out, string(w))
		}
	}
	eachString(sub.Data, func(s string) bool {
		if !skip[s] {
			buf = splitWords(s, buf, add)
		}
		return len(out) < maxWordsPerRequest
	})
	return out
}

// eachString calls fn with every string value (not key) of the JSON
// document data, in document order, until fn returns false. It scans the
// bytes (a string followed by a colon is a key) instead of decoding the
// document: it runs for every request written.
func eachString(data json.RawMessage, fn func(string) bool) {
	for i := 0; i < len(data); i++ {
		if data[i] != '"' {
			continue
		}
		end, escaped := i+1, false
		for ; end < len(data) && data[end] != '"'; end++ {
			if data[end] == '\\' {
				escaped = true
				end++
			}
		}
		if end >= len(data) {
			return
		}
		raw := data[i : end+1]
		i = end
		j := end + 1
		for j < len(data) && (data[j] == ' ' || data[j] == '\n' || data[j] == '\t' || data[j] == '\r') {
			j++
		}
		if j < len(data) && data[j] == ':' {
			continue // a key
		}
		var v string
		if !escaped {
			v = string(raw[1 : len(raw)-1])
		} else if json.Unmarshal(raw, &v) != nil {
			continue
		}
		if !fn(v) {
			return
		}
	}
}
