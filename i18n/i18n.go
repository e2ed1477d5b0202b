// Package i18n holds message catalogues and language negotiation (with
// golang.org/x/text/language). Italian is
// the default language; English is the second catalogue. Each package keeps
// its own Catalog next to the code that uses it.
package i18n

import (
	"fmt"
	"sort"

	"golang.org/x/text/language"
)

// Languages supported, default first.
var Languages = []string{"it", "en"}

// Default is the language used when nothing else matches.
const Default = "it"

// Catalog maps language → message key → fmt format.
type Catalog map[string]map[string]string

// T returns the message for key in lang formatted with args, falling back to
// Italian, then to the key itself (so a missing message is visible, not blank).
func (c Catalog) T(lang, key string, args ...any) string {
	format, ok := c[lang][key]
	if !ok {
		format, ok = c[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// Missing lists "lang:key" pairs present in one language but not another.
func (c Catalog) Missing() []string {
	all := map[string]bool{}
	for _, msgs := range c {
		for k := range msgs {
			all[k] = true
		}
	}
	var missing []string
	for _, lang := range Languages {
		for k := range all {
			if _, ok := c[lang][k]; !ok {
				missing = append(missing, lang+":"+k)
			}
		}
	}
	sort.Strings(missing)
	return missing
}

// matcher picks among the supported languages, Italian first (the default).
var matcher = language.NewMatcher([]language.Tag{language.Italian, language.English})

// Negotiate picks the language: an explicit choice (?lang=en) wins, then the
// Accept-Language header (q-values honoured, q=0 excluded), then Italian.
func Negotiate(explicit, acceptLanguage string) string {
	if Supported(explicit) {
		return explicit
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, index, confidence := matcher.Match(tags...)
	if confidence == language.No {
		return Default
	}
	return Languages[index]
}

// Supported reports whether lang has a catalogue.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}
