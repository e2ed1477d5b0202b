package builder

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// option is one choice of a select, radio group or checkbox group.
type option struct {
	Value, Label string
	Selected     bool
}

// findRequest loads the request named by :id. A request the user may not
// see answers ENOTFOUND like a missing one, so its existence is not
// revealed.
func (s *Server) findRequest(c echo.Context) (*modulario.Submission, error) {
	notFound := modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "request.not_found"))
	sub, err := s.submissionByID(c, c.Param("id"), notFound)
	if err != nil {
		return nil, err
	}
	if !canSeeSubmission(userOf(c), sub) {
		return nil, notFound
	}
	return sub, nil
}

// submissionByID loads the request whose ID is the decimal raw (a route
// or form value); a malformed or unknown ID answers notFound.
func (s *Server) submissionByID(c echo.Context, raw string, notFound error) (*modulario.Submission, error) {
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || id == 0 {
		return nil, notFound
	}
	sub, err := s.cfg.Submissions.FindSubmission(c.Request().Context(), id)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil, notFound
	}
	return sub, err
}

// staff is the directory of accounts, for names and assignment.
type staff struct {
	byID map[string]*modulario.User
	list []*modulario.User // ordered by name
}

// loadStaff reads every account once per request (a comune has tens).
func (s *Server) loadStaff(ctx context.Context) (*staff, error) {
	users, err := s.cfg.Users.ListUsers(ctx, modulario.UserFilter{})
	if err != nil {
		return nil, err
	}
	st := &staff{byID: make(map[string]*modulario.User, len(users)), list: users}
	for _, u := range users {
		st.byID[u.ID] = u
	}
	return st, nil
}

// name is a user's name (or e-mail); fallback for an unknown ID.
func (st *staff) name(id, fallback string) string {
	if u, ok := st.byID[id]; ok {
		if u.Name != "" {
			return u.Name
		}
		return u.Email
	}
	if fallback != "" {
		return fallback
	}
	return id
}

// assignable reports whether u may be assigned requests of office: an
// active operator or admin who belongs to it.
func assignable(u *modulario.User, office string) bool {
	return u != nil && !u.Disabled && u.InOffice(office) &&
		(u.Role == modulario.RoleOperator || u.Role == modulario.RoleAdmin)
}

// assignees lists the accounts that may be assigned requests of any of
// offices (nil: every office).
func (st *staff) assignees(offices []string) []*modulario.User {
	var out []*modulario.User
	for _, u := range st.list {
		if offices == nil && (u.Role == modulario.RoleOperator || u.Role == modulario.RoleAdmin) && !u.Disabled && len(u.Offices) > 0 {
			out = append(out, u)
			continue
		}
		for _, o := range offices {
			if assignable(u, o) {
				out = append(out, u)
				break
			}
		}
	}
	return out
}

// userOptions turns accounts into select options.
func (st *staff) options(users []*modulario.User, selected string) []option {
	out := make([]option, 0, len(users))
	for _, u := range users {
		out = append(out, option{Value: u.ID, Label: st.name(u.ID, ""), Selected: u.ID == selected})
	}
	return out
}

// formCache keeps compiled form versions by slug and number: published
// versions are immutable, so a hit needs no read of the store.
type formCache struct {
	mu sync.Mutex
	m  map[formVersionKey]*schemas.Form
}

type formVersionKey struct {
	slug    string
	version int
}

// maxCompiledForms bounds the cache; it is emptied when full.
const maxCompiledForms = 256

// formVersion returns the compiled version a request was made against.
func (s *Server) formVersion(ctx context.Context, slug string, version int) (*schemas.Form, error) {
	key := formVersionKey{slug, version}
	s.forms.mu.Lock()
	f, ok := s.forms.m[key]
	s.forms.mu.Unlock()
	if ok {
		return f, nil
	}
	v, err := s.cfg.Forms.FindVersion(ctx, slug, version)
	if err != nil {
		return nil, err
	}
	if f, err = schemas.LoadStored(v.Definition); err != nil {
		return nil, err
	}
	s.forms.mu.Lock()
	if s.forms.m == nil || len(s.forms.m) >= maxCompiledForms {
		s.forms.m = map[formVersionKey]*schemas.Form{}
	}
	s.forms.m[key] = f
	s.forms.mu.Unlock()
	return f, nil
}

// answers decodes a request's data; a broken value gives no answers.
func answers(sub *modulario.Submission) map[string]any {
	var data map[string]any
	if len(sub.Data) > 0 {
		_ = json.Unmarshal(sub.Data, &data)
	}
	return data
}

// maxSubject is the length of the subject shown in the inbox, in runes.
const maxSubject = 80

// subjectOf is a short subject for the inbox: the first answered short
// text without a format (so not an e-mail, phone or codice fiscale), else
// the first answered single choice.
func subjectOf(f *schemas.Form, data map[string]any) string {
	if f == nil || data == nil {
		return ""
	}
	var text, choice string
	var walk func(fields []*schemas.Field)
	walk = func(fields []*schemas.Field) {
		for _, fl := range fields {
			if text != "" {
				return
			}
			switch fl.Kind {
			case schemas.KindGroup:
				walk(fl.Children)
			case schemas.KindText, schemas.KindSelect, schemas.KindRadio:
				v, ok := schemas.GetPointer(data, fl.Pointer)
				str := strings.TrimSpace(schemas.ValueString(v))
				if !ok || str == "" {
					continue
				}
				if fl.Kind == schemas.KindText && fl.Format == "" {
					text = str
				} else if fl.Kind != schemas.KindText && choice == "" {
					if l := fl.OptionLabel(v); l != "" {
						str = l
					}
					choice = str
				}
			}
		}
	}
	for _, st := range f.Steps {
		walk(st.Fields)
	}
	if text == "" {
		text = choice
	}
	return shorten(text, maxSubject)
}

// shorten shortens s to n runes, with an ellipsis.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// formTitles maps every form's slug to its title.
func (s *Server) formTitles(ctx context.Context) (map[string]string, []*modulario.Form, error) {
	forms, err := s.cfg.Forms.ListForms(ctx, modulario.FormFilter{})
	if err != nil {
		return nil, nil, err
	}
	m := make(map[string]string, len(forms))
	for _, f := range forms {
		m[f.Slug] = f.Title
	}
	sort.SliceStable(forms, func(i, j int) bool { return forms[i].Title < forms[j].Title })
	return m, forms, nil
}

// statusLabel is the Italian (or English) name of a status.
func (s *Server) statusLabel(c echo.Context, st modulario.SubmissionStatus) string {
	return s.t(c, "request.status."+string(st))
}

// channelLabel is the name of a channel.
func (s *Server) channelLabel(c echo.Context, ch modulario.Channel) string {
	if ch == "" {
		ch = modulario.ChannelWeb
	}
	return s.t(c, "request.channel."+string(ch))
}
