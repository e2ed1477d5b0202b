package renderer

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// compiledVersion returns the compiled definition of one form version,
// compiling it once: published versions are immutable.
func (s *Server) compiledVersion(ctx context.Context, slug string, number int) (*schemas.Form, error) {
	key := fmt.Sprintf("%s@%d", slug, number)
	if v, ok := s.compiled.Load(key); ok {
		return v.(*schemas.Form), nil
	}
	ver, err := s.cfg.Forms.FindVersion(ctx, slug, number)
	if err != nil {
		return nil, err
	}
	return s.compileInto(key, ver.Definition)
}

// compileInto returns the definition compiled and cached under key,
// compiling it only on a miss (when two requests race, the first stored
// wins).
func (s *Server) compileInto(key string, def json.RawMessage) (*schemas.Form, error) {
	if v, ok := s.compiled.Load(key); ok {
		return v.(*schemas.Form), nil
	}
	f, err := schemas.LoadStored(def)
	if err != nil {
		// A stored version was valid when saved: this is our fault, not the citizen's.
		return nil, &modulario.Error{Code: modulario.EINTERNAL, Message: "invalid stored definition", Err: err}
	}
	v, _ := s.compiled.LoadOrStore(key, f)
	return v.(*schemas.Form), nil
}

// publishedForm returns a live form and its compiled published version.
// Returns ENOTFOUND for unknown, unpublished or archived forms.
func (s *Server) publishedForm(c echo.Context, slug string) (*modulario.Form, *schemas.Form, error) {
	ctx := c.Request().Context()
	form, err := s.cfg.Forms.FindForm(ctx, slug)
	if err != nil && modulario.ErrorCode(err) != modulario.ENOTFOUND {
		return nil, nil, err
	}
	if err != nil || form.Published == 0 || form.Archived {
		return nil, nil, modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(langOf(c), "err.not_found"))
	}
	compiled, err := s.compiledVersion(ctx, slug, form.Published)
	if err != nil {
		return nil, nil, err
	}
	return form, compiled, nil
}

// session is a citizen's draft with the form version it was started on.
type session struct {
	Draft *modulario.Draft
	Form  *schemas.Form
	Data  map[string]any
	// Base is the URL prefix of the draft's pages: /servizi/{slug}/{token}.
	Base string
	// pick tells the appointment picker which day to show again and which
	// alternatives to offer after a refused slot.
	pick *pickHint
}

// loadSession finds the draft of the URL's token and its form version.
// A missing or expired draft is EGONE: it was sent, or it expired.
func (s *Server) loadSession(c echo.Context) (*session, error) {
	ctx := c.Request().Context()
	slug, token := c.Param("slug"), c.Param("token")
	d, err := s.cfg.Drafts.FindDraft(ctx, token)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND || (err == nil && d.FormSlug != slug) {
		return nil, modulario.Errorf(modulario.EGONE, "%s", msg.T(langOf(c), "err.gone"))
	} else if err != nil {
		return nil, err
	}
	var f *schemas.Form
	if d.Preview {
		// A preview walks its own (maybe unpublished) version.
		markPreview(c)
		f, err = s.compiledPreview(ctx, d.FormSlug, d.Version)
	} else if err = s.formStillLive(c, d.FormSlug); err == nil {
		f, err = s.compiledVersion(ctx, d.FormSlug, d.Version)
	}
	if err != nil {
		return nil, err
	}
	data := map[string]any{}
	if len(d.Data) > 0 {
		if err := json.Unmarshal(d.Data, &data); err != nil || data == nil {
			data = map[string]any{}
		}
	}
	return &session{Draft: d, Form: f, Data: data, Base: "/servizi/" + slug + "/" + token}, nil
}

// formStillLive returns EGONE, with a page that says so, when the form of
// a draft was unpublished or archived after the draft was started.
func (s *Server) formStillLive(c echo.Context, slug string) error {
	form, err := s.cfg.Forms.FindForm(c.Request().Context(), slug)
	if err != nil && modulario.ErrorCode(err) != modulario.ENOTFOUND {
		return err
	}
	if err != nil || form.Published == 0 || form.Archived {
		return modulario.Errorf(modulario.EGONE, "%s", msg.T(langOf(c), "err.form_closed"))
	}
	return nil
}

// save stores the session's data (and anything else changed on the draft)
// and extends the draft's life.
func (s *Server) save(c echo.Context, ss *session) error {
	raw, err := json.Marshal(ss.Data)
	if err != nil {
		return err
	}
	ss.Draft.Data = raw
	ss.Draft.ExpiresAt = s.cfg.Now().Add(s.cfg.DraftTTL)
	return s.cfg.Drafts.UpdateDraft(c.Request().Context(), ss.Draft)
}

// attachmentsByID indexes a draft's or submission's attachments.
func attachmentsByID(list []modulario.Attachment) map[string]modulario.Attachment {
	m := make(map[string]modulario.Attachment, len(list))
	for _, a := range list {
		m[a.ID] = a
	}
	return m
}
