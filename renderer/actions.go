package renderer

import "github.com/modulario/modulario/schemas"

// actionAllowed reports whether a repeat or file button may act on ptr in
// step n: "add" needs a repeatable group of the step (inside an item that
// exists), "remove" an existing item of one, "removefile" a file field of
// the step. Anything else is a forged or stale post.
func actionAllowed(f *schemas.Form, n int, verb, ptr string, data map[string]any) bool {
	fl := f.FieldAt(ptr)
	if fl == nil || fl.Step != n {
		return false
	}
	switch verb {
	case "add":
		parent := parentPointer(ptr)
		if fl.Kind != schemas.KindRepeat || f.FieldAt(parent) == fl {
			return false
		}
		if parent == "" {
			return true
		}
		item, _ := getPointer(data, parent)
		_, ok := item.(map[string]any)
		return ok
	case "remove":
		// The pointer of an item ("/membri/2") gives its repeat field.
		if fl.Kind != schemas.KindRepeat || f.FieldAt(parentPointer(ptr)) != fl {
			return false
		}
		_, ok := getPointer(data, ptr)
		return ok
	case "removefile":
		return fl.Kind == schemas.KindFile
	}
	return false
}

// applyAction performs an allowed repeat or file action and returns the
// new answers and the anchor to scroll back to.
func applyAction(f *schemas.Form, data map[string]any, verb, ptr string) (map[string]any, string) {
	switch verb {
	case "add":
		return f.AddItem(data, ptr), "#" + htmlID(ptr)
	case "remove":
		return schemas.RemoveItem(data, ptr), "#" + htmlID(parentPointer(ptr))
	}
	return removePointer(data, ptr), "#" + htmlID(ptr)
}
