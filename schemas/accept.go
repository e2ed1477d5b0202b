package schemas

import (
	"fmt"
	"strconv"
	"strings"
)

// SniffableTypes are the media types an upload's content can be recognised
// as by the server (which never trusts the file name or the browser), so
// the only ones a file field may list in accept. "image/*" is allowed too.
var SniffableTypes = []string{
	"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp",
	"application/pdf", "application/zip",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"application/vnd.oasis.opendocument.text",
	"application/vnd.oasis.opendocument.spreadsheet",
	"application/vnd.oasis.opendocument.presentation",
}

// Sniffable reports whether mediaType is in SniffableTypes or is "image/*".
func Sniffable(mediaType string) bool {
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	if mediaType == "image/*" {
		return true
	}
	for _, t := range SniffableTypes {
		if t == mediaType {
			return true
		}
	}
	return false
}

// checkAccept reports accept entries (or the contentMediaType) of the file
// field f that the server could never recognise: such a field would refuse
// every file.
func (b *fieldBuilder) checkAccept(f *Field, u FieldUI, n, items node) {
	if b.problems == nil {
		return
	}
	for i, a := range f.Accept {
		if Sniffable(a) {
			continue
		}
		ptr := joinPointer("/ui/fields", f.Path, "accept", strconv.Itoa(i))
		if len(u.Accept) == 0 {
			ptr = n.at("contentMediaType")
			if n.str("contentMediaType") == "" {
				ptr = items.at("contentMediaType")
			}
			ptr = "/schema" + ptr
		}
		b.problems[ptr] = fmt.Sprintf("%q cannot be recognised from a file's content; supported types: image/*, %s",
			a, strings.Join(SniffableTypes, ", "))
	}
}
