package renderer

import (
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// attachment downloads a file to whoever holds the draft or tracking token
// it belongs to. It is always served as a download, never rendered inline.
func (s *Server) attachment(c echo.Context) error {
	ctx := c.Request().Context()
	token, id := c.Param("token"), c.Param("id")
	var owned []modulario.Attachment
	if sub, err := s.cfg.Submissions.FindSubmissionByToken(ctx, token); err == nil {
		owned = sub.Attachments
	} else if d, err := s.cfg.Drafts.FindDraft(ctx, token); err == nil {
		owned = d.Attachments
	}
	if _, ok := attachmentsByID(owned)[id]; !ok {
		return modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(langOf(c), "err.not_found"))
	}
	a, content, err := s.cfg.Attachments.FindAttachment(ctx, id)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Blob(http.StatusOK, a.ContentType, content)
}
