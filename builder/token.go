package builder

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// tokensPath is where admins manage the API tokens of /api/v1.
const tokensPath = "/admin/token"

// maxTokenName is the longest token name, in characters.
const maxTokenName = 100

// tokenListView is the data of the tokens list.
type tokenListView struct {
	Tokens  []*modulario.APIToken
	Offices map[string]string // slug → name
}

// tokenList lists every token, revoked ones too, newest first.
func (s *Server) tokenList(c echo.Context) error {
	list, err := s.cfg.Tokens.ListTokens(c.Request().Context())
	if err != nil {
		return err
	}
	offices, err := s.officeNames(c)
	if err != nil {
		return err
	}
	v := s.view(c, s.t(c, "tokens.title"), "tokens", &tokenListView{Tokens: list, Offices: offices})
	v.Crumbs = append(v.Crumbs, Crumb{Label: v.Title})
	return s.render(c, http.StatusOK, "tokens", v)
}

// tokenForm is the create form as posted.
type tokenForm struct {
	Name    string
	Offices []string
	Scope   string
	Pages   bool
}

// Has reports whether the form lists office slug (for checkboxes).
func (f *tokenForm) Has(slug string) bool {
	for _, o := range f.Offices {
		if o == slug {
			return true
		}
	}
	return false
}

// tokenFormView is the data of the create form.
type tokenFormView struct {
	Form    *tokenForm
	Offices []*modulario.Office
	Scopes  []modulario.TokenScope
	Fields  map[string]string
}

// tokenNew shows the empty create form (read scope by default).
func (s *Server) tokenNew(c echo.Context) error {
	return s.renderTokenForm(c, http.StatusOK, &tokenForm{Scope: string(modulario.ScopeRead)}, nil)
}

func (s *Server) renderTokenForm(c echo.Context, status int, f *tokenForm, errs []FieldError) error {
	offices, err := s.cfg.Offices.ListOffices(c.Request().Context())
	if err != nil {
		return err
	}
	fields := make(map[string]string, len(errs))
	for _, e := range errs {
		fields[e.ID] = e.Message
	}
	v := s.view(c, s.t(c, "tokens.new_title"), "tokens", &tokenFormView{Form: f, Offices: offices,
		Scopes: []modulario.TokenScope{modulario.ScopeRead, modulario.ScopeWrite}, Fields: fields})
	v.Errors = errs
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "tokens.title"), URL: tokensPath}, Crumb{Label: v.Title})
	return s.render(c, status, "token_form", v)
}

// readTokenForm reads the posted create form.
func readTokenForm(c echo.Context) *tokenForm {
	f := &tokenForm{Name: strings.TrimSpace(c.FormValue("name")), Scope: c.FormValue("scope"), Pages: c.FormValue("pages") == "1"}
	if params, err := c.FormParams(); err == nil {
		f.Offices = params["offices"]
	}
	return f
}

// validateTokenForm returns the form's errors in Italian.
func (s *Server) validateTokenForm(c echo.Context, f *tokenForm) ([]FieldError, error) {
	var errs []FieldError
	add := func(id, key string) { errs = append(errs, FieldError{ID: id, Message: s.t(c, key)}) }
	if f.Name == "" || utf8.RuneCountInString(f.Name) > maxTokenName ||
		strings.ContainsFunc(f.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		add("name", "tokens.name_required")
	}
	names, err := s.officeNames(c)
	if err != nil {
		return nil, err
	}
	if len(f.Offices) == 0 && !f.Pages {
		add("offices", "tokens.offices_required")
	}
	for _, o := range f.Offices {
		if _, ok := names[o]; !ok {
			add("offices", "tokens.office_unknown")
			break
		}
	}
	if !modulario.TokenScope(f.Scope).Valid() {
		add("scope-read", "tokens.scope_invalid")
	}
	return errs, nil
}

// tokenSecretView is the one-time page with a new token's secret.
type tokenSecretView struct {
	Token  *modulario.APIToken
	Secret string
}

// tokenCreate creates a token and shows its secret once; the audit log
// records the token, never the secret.
func (s *Server) tokenCreate(c echo.Context) error {
	f := readTokenForm(c)
	errs, err := s.validateTokenForm(c, f)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return s.renderTokenForm(c, http.StatusUnprocessableEntity, f, errs)
	}
	t := &modulario.APIToken{Name: f.Name, Offices: f.Offices, Scope: modulario.TokenScope(f.Scope), Pages: f.Pages}
	if u := userOf(c); u != nil {
		t.CreatedBy = u.ID
	}
	secret, err := s.cfg.Tokens.CreateToken(c.Request().Context(), t)
	if modulario.ErrorCode(err) == modulario.EINVALID {
		// An office was deleted between the check and the save.
		return s.renderTokenForm(c, http.StatusUnprocessableEntity, f,
			[]FieldError{{ID: "offices", Message: s.t(c, "tokens.office_unknown")}})
	} else if err != nil {
		return err
	}
	s.audit(c, "token.create", "token:"+t.ID, "created API token "+t.Name+" ("+tokenGrants(t)+")")
	v := s.view(c, s.t(c, "tokens.secret_title"), "tokens", &tokenSecretView{Token: t, Secret: secret})
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "tokens.title"), URL: tokensPath}, Crumb{Label: v.Title})
	return s.render(c, http.StatusOK, "token_secret", v)
}

// findTokenParam loads the token named by :id.
func (s *Server) findTokenParam(c echo.Context) (*modulario.APIToken, error) {
	list, err := s.cfg.Tokens.ListTokens(c.Request().Context())
	if err != nil {
		return nil, err
	}
	for _, t := range list {
		if t.ID == c.Param("id") {
			return t, nil
		}
	}
	return nil, modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "tokens.not_found"))
}

// tokenRevokeConfirm asks before revoking a token (works without JS).
func (s *Server) tokenRevokeConfirm(c echo.Context) error {
	t, err := s.findTokenParam(c)
	if err != nil {
		return err
	}
	if t.RevokedAt != nil {
		return s.redirect(c, tokensPath, "ok.token_revoked")
	}
	v := s.view(c, s.t(c, "tokens.revoke_title"), "tokens", t)
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "tokens.title"), URL: tokensPath}, Crumb{Label: v.Title})
	return s.render(c, http.StatusOK, "token_revoke", v)
}

// tokenRevoke revokes a token for good.
func (s *Server) tokenRevoke(c echo.Context) error {
	t, err := s.findTokenParam(c)
	if err != nil {
		return err
	}
	if t.RevokedAt == nil {
		if err := s.cfg.Tokens.RevokeToken(c.Request().Context(), t.ID); err != nil {
			return err
		}
		s.audit(c, "token.revoke", "token:"+t.ID, "revoked API token "+t.Name)
	}
	return s.redirect(c, tokensPath, "ok.token_revoked")
}

// tokenGrants describes what a token may do, for the audit log:
// "write; offices tributi, anagrafe; pages".
func tokenGrants(t *modulario.APIToken) string {
	out := string(t.Scope) + "; offices " + strings.Join(t.Offices, ", ")
	if t.Pages {
		out += "; pages"
	}
	return out
}
