package builder

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"
)

// Page sizes of the form and page lists.
const (
	apiDefaultLimit = 50
	apiMaxLimit     = 200
)

// apiListParams are the query parameters of a paginated list, with the
// filters the list adds.
type apiListParams struct {
	Cursor string
	Limit  int
}

// apiListQuery reads cursor and limit (1-200, default 50) and refuses any
// parameter other than those and filters, so a typo never silently widens
// a list: 400 naming each bad parameter.
func (s *Server) apiListQuery(c echo.Context, filters ...string) (apiListParams, error) {
	p := apiListParams{Cursor: c.QueryParam("cursor"), Limit: apiDefaultLimit}
	var bad []string
	if l := c.QueryParam("limit"); l != "" {
		n, ok := apiLimit(l)
		if !ok {
			bad = append(bad, "limit")
		}
		p.Limit = n
	}
	bad = append(bad, s.unknownParams(c, append(filters, "cursor", "limit")...)...)
	return p, s.badParams(c, bad...)
}

// apiLimit reads a limit parameter: ok when it is a number from 1 to
// apiMaxLimit.
func apiLimit(l string) (n int, ok bool) {
	n, err := strconv.Atoi(l)
	return n, err == nil && n >= 1 && n <= apiMaxLimit
}

// unknownParams names the query parameters of c not in allowed ("lang" is
// always allowed: it picks the language of error messages).
func (s *Server) unknownParams(c echo.Context, allowed ...string) []string {
	var out []string
	for k := range c.QueryParams() {
		if k != "lang" && !slices.Contains(allowed, k) {
			out = append(out, k)
		}
	}
	return out
}

// badParams is the 400 problem naming each bad query parameter, or nil
// when there is none.
func (s *Server) badParams(c echo.Context, names ...string) error {
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	names = slices.Compact(names)
	errs := make([]apiFieldError, len(names))
	for i, n := range names {
		errs[i] = apiFieldError{Parameter: n, Message: s.t(c, "api.bad_param")}
	}
	return &apiError{Status: http.StatusBadRequest, Detail: s.t(c, "api.bad_query"), Errors: errs}
}

// paginate sorts items by key (compared with cmp) and returns those after
// the cursor's key, at most limit, with the cursor of the next page ("" on
// the last). The cursor is the opaque, URL-safe encoding of the last key
// returned, so a page never repeats or skips an item when others are added
// or removed meanwhile. ok is false for a cursor that is not one of ours.
func paginate[T, K any](items []T, key func(T) K, cmp func(a, b K) int, cursor string, limit int) (page []T, next string, ok bool) {
	slices.SortFunc(items, func(a, b T) int { return cmp(key(a), key(b)) })
	if cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(cursor)
		var after K
		if err != nil || json.Unmarshal(raw, &after) != nil {
			return nil, "", false
		}
		i, _ := slices.BinarySearchFunc(items, after, func(t T, k K) int { return cmp(key(t), k) })
		for i < len(items) && cmp(key(items[i]), after) <= 0 {
			i++
		}
		items = items[i:]
	}
	if len(items) > limit {
		items = items[:limit]
		last, _ := json.Marshal(key(items[limit-1]))
		next = base64.RawURLEncoding.EncodeToString(last)
	}
	return items, next, true
}
