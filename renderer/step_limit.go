package renderer

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario/schemas"
)

// stepRoute is the route pattern of a form step.
const stepRoute = "/servizi/:slug/:token/passo/:n"

// keepStepOnTooLarge answers a step post over MaxBodyBytes with the same
// step of the draft (413) instead of a dead-end error page: the draft is as
// it was before the post, the error names the limits, and the citizen can
// try again with smaller files. It wraps the body limit, so both a declared
// Content-Length over the limit and a body cut while reading are caught.
// Nothing of the post is read again.
func (s *Server) keepStepOnTooLarge(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Path() != stepRoute || c.Request().Method != http.MethodPost || c.Response().Committed {
			return err
		}
		if status, _ := s.classify(err, langOf(c)); status != http.StatusRequestEntityTooLarge {
			return err
		}
		ss, n, openErr := s.openStep(c)
		if openErr != nil || n == 0 {
			if c.Response().Committed { // openStep redirected to the step the citizen may open
				return openErr
			}
			return err
		}
		ss.Data = padRepeats(ss.Form, n, ss.Data)
		// Evaluated after padRepeats: the conditions of the items it adds.
		state := ss.Form.Evaluate(ss.Data)
		var files []*schemas.Field
		if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), "multipart/") {
			files = shownFileFields(ss.Form.Steps[n-1].Fields, state)
		}
		fe := s.tooLargeError(langOf(c), files)
		return s.renderStep(c, ss, n, state, nil, []schemas.FieldError{fe}, http.StatusRequestEntityTooLarge)
	}
}

// tooLargeError explains a step post over the body limit. When the post
// could carry a file for exactly one file field of the step, the error is
// that field's, with its own limit; otherwise it is the step's as a whole.
func (s *Server) tooLargeError(lang string, files []*schemas.Field) schemas.FieldError {
	total := fileSize(s.cfg.MaxBodyBytes, lang)
	if len(files) != 1 {
		return schemas.FieldError{Message: msg.T(lang, "step.too_large", total)}
	}
	limit := files[0].MaxSize
	if limit <= 0 {
		limit = defaultMaxFileSize
	}
	limit = min(limit, s.cfg.MaxBodyBytes)
	return schemas.FieldError{Pointer: files[0].Pointer, Message: msg.T(lang, "step.too_large_file", total, fileSize(limit, lang))}
}

// shownFileFields lists the file fields of fields, and of their groups,
// that the answers show. Files inside repeatable groups are left out: their
// pointers depend on the item.
func shownFileFields(fields []*schemas.Field, state *schemas.State) []*schemas.Field {
	var out []*schemas.Field
	for _, fl := range fields {
		switch {
		case fl.Kind == schemas.KindFile && state.Visible(fl.Pointer):
			out = append(out, fl)
		case fl.Kind == schemas.KindGroup:
			out = append(out, shownFileFields(fl.Children, state)...)
		}
	}
	return out
}
