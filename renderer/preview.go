package renderer

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// previewTTL bounds the life of a preview draft: staff try a form out now,
// not in a month.
const previewTTL = 24 * time.Hour

// ctxPreview marks a request that works on a staff preview draft.
const ctxPreview = "preview"

// previewCSP is the policy of preview pages: like every page, but the
// builder (same origin) may show them in an iframe.
var previewCSP = strings.Replace(contentSecurityPolicy, "frame-ancestors 'none'", "frame-ancestors 'self'", 1)

// previewStart opens a signed preview link: it starts a preview draft on
// the token's version (consent given, nothing will be stored at the end)
// and sends the reader to its first step.
func (s *Server) previewStart(c echo.Context) error {
	lang := langOf(c)
	bad := modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(lang, "preview.bad"))
	if len(s.cfg.PreviewKey) == 0 {
		return bad
	}
	slug, version, err := modulario.VerifyPreview(s.cfg.PreviewKey, c.Param("token"), s.cfg.Now())
	switch modulario.ErrorCode(err) {
	case "":
	case modulario.EGONE:
		return modulario.Errorf(modulario.EGONE, "%s", msg.T(lang, "preview.expired"))
	default:
		return bad
	}
	ctx := c.Request().Context()
	compiled, err := s.compiledPreview(ctx, slug, version)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return bad
	} else if err != nil {
		return err
	}
	data, err := json.Marshal(compiled.SeedDefaults(nil))
	if err != nil {
		return err
	}
	ttl := min(s.cfg.DraftTTL, previewTTL)
	d := &modulario.Draft{
		FormSlug: slug, Version: version, Preview: true, Data: data,
		Consent: true, Step: 1, ExpiresAt: s.cfg.Now().Add(ttl),
	}
	if err := s.cfg.Drafts.CreateDraft(ctx, d); err != nil {
		return err
	}
	markPreview(c)
	return redirect(c, "/servizi/"+slug+"/"+d.Token+"/passo/1")
}

// compiledPreview compiles a version that may still be a replaceable
// draft, so it is cached under its content hash, never its number alone.
func (s *Server) compiledPreview(ctx context.Context, slug string, number int) (*schemas.Form, error) {
	ver, err := s.cfg.Forms.FindVersion(ctx, slug, number)
	if err != nil {
		return nil, err
	}
	return s.compileInto(slug+"@"+ver.Hash, ver.Definition)
}

// markPreview sets what every page of a preview carries: no indexing, a
// banner, and framing by the builder only.
func markPreview(c echo.Context) {
	c.Set(ctxPreview, true)
	h := c.Response().Header()
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Content-Security-Policy", previewCSP)
}

// previewDone ends a preview whose answers are all valid: nothing is stored.
func (s *Server) previewDone(c echo.Context, ss *session) error {
	lang := langOf(c)
	p := s.newPage(c, msg.T(lang, "preview.done_title"), &previewDoneView{
		FormTitle:  ss.Form.Def.Title,
		RestartURL: link(c, ss.stepPath(1)),
	})
	p.Breadcrumb = append(p.Breadcrumb, crumb{Label: ss.Form.Def.Title}, crumb{Label: p.Title})
	return s.render(c, http.StatusOK, "preview_done", p)
}

// previewDoneView is the data of the end of a preview.
type previewDoneView struct {
	FormTitle  string
	RestartURL string
}
