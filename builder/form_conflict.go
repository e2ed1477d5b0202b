package builder

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/i18n"
)

// baseField is the hidden input of the editor's pages that replace a whole
// part of the form (JSON, field, step, settings, rule, publish, confirm):
// the hash of the version the page was drawn from.
const baseField = "base"

// saveRetries is how often a small change (add, move, delete) is applied
// again to the newer draft when another save slipped in meanwhile.
const saveRetries = 3

// errStale marks a save refused because the form changed since it was read.
var errStale = errors.New("builder: form changed since it was read")

// Messages of the optimistic check.
var _ = addMessages(i18n.Catalog{
	"it": {"fe.conflict": "Il modulo è stato modificato da un'altra persona: ricarica la pagina."},
	"en": {"fe.conflict": "Someone else changed the form: reload the page."},
})

// staleError is the 409 answer to a save based on an older version.
func (s *Server) staleError(c echo.Context) error {
	return &modulario.Error{Code: modulario.ECONFLICT, Message: s.t(c, "fe.conflict"), Err: errStale}
}

// isStale reports whether err is a staleError.
func isStale(err error) bool { return errors.Is(err, errStale) }

// checkBase refuses a posted page drawn from another version than ed's.
// Pages without the field (the editor's small buttons) are not checked
// here: their change is applied to the current draft.
func (s *Server) checkBase(c echo.Context, ed *editing) error {
	if c.Request().Method != http.MethodPost || ed.Version == nil {
		return nil
	}
	if b := c.FormValue(baseField); b != "" && b != ed.Version.Hash {
		return s.staleError(c)
	}
	return nil
}

// checkCurrent, called with s.editMu held, refuses to save ed when the
// form changed after ed was loaded (or, for a new form, when one with its
// address appeared meanwhile).
func (s *Server) checkCurrent(c echo.Context, ed *editing) error {
	ctx := c.Request().Context()
	form, err := s.cfg.Forms.FindForm(ctx, ed.Form.Slug)
	if ed.Version == nil {
		if err == nil {
			return modulario.Errorf(modulario.EINVALID, "%s", s.t(c, "fe.forms.err_slug_taken", ed.Form.Slug))
		}
		if modulario.ErrorCode(err) == modulario.ENOTFOUND {
			return nil
		}
		return err
	}
	if err != nil {
		return s.formNotFound(c, err)
	}
	v, err := s.currentVersion(c, form)
	if err != nil {
		return err
	}
	if v.Hash != ed.Version.Hash {
		return s.staleError(c)
	}
	return nil
}
