// Package demo embeds the demo services that `modulario serve --demo` seeds
// into an empty store: realistic forms of an Italian comune.
package demo

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed *.json
var files embed.FS

// Forms returns the demo form definitions, ordered by file name.
func Forms() [][]byte {
	names, _ := fs.Glob(files, "*.json")
	sort.Strings(names)
	docs := make([][]byte, 0, len(names))
	for _, name := range names {
		doc, err := files.ReadFile(name)
		if err != nil {
			panic("demo: embedded file unreadable: " + err.Error())
		}
		docs = append(docs, doc)
	}
	return docs
}
