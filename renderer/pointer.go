package renderer

import (
	"mime/multipart"
	"strings"

	"github.com/modulario/modulario/schemas"
)

// multipartFile is an uploaded file part.
type multipartFile = multipart.FileHeader

// parentPointer returns the pointer of the container: "/membri/1" → "/membri".
func parentPointer(ptr string) string {
	if i := strings.LastIndexByte(ptr, '/'); i > 0 {
		return ptr[:i]
	}
	return ""
}

// removePointer deletes the value at ptr in place (see schemas.DeletePointer)
// and returns data.
func removePointer(data map[string]any, ptr string) map[string]any {
	schemas.DeletePointer(data, ptr)
	return data
}
