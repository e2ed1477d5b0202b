package renderer

import (
	"mime/multipart"
	"strconv"
	"strings"
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

// removePointer deletes the object member or array element at ptr, if any.
func removePointer(data map[string]any, ptr string) map[string]any {
	parent, key := parentPointer(ptr), unescapeToken(ptr[strings.LastIndexByte(ptr, '/')+1:])
	var container any = data
	if parent != "" {
		container, _ = getPointer(data, parent)
	}
	switch x := container.(type) {
	case map[string]any:
		delete(x, key)
	case []any:
		// Arrays hold items of repeats: an element becomes empty, not shifted.
		if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < len(x) {
			x[i] = nil
		}
	}
	return data
}

func unescapeToken(t string) string {
	return strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
}
