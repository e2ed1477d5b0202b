package modulario

import "regexp"

// slugRE is the shape of every slug (forms, pages, offices, calendars,
// webhook endpoints): lowercase letters and digits in words joined by
// single hyphens.
var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// ValidSlug reports whether s has the shape of a slug ("carta-identita").
// Each kind of slug adds its own length limit.
func ValidSlug(s string) bool { return slugRE.MatchString(s) }
