package renderer

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// receiptView is the data of the receipt page.
type receiptView struct {
	Sub         *modulario.Submission
	Def         *schemas.Definition
	Date        string
	TrackingURL string
	RatingURL   string
}

// receiptPage confirms a submission with its request number and the
// private tracking link.
func (s *Server) receiptPage(c echo.Context) error {
	sub, compiled, err := s.submissionByToken(c)
	if err != nil {
		return err
	}
	v := &receiptView{
		Sub: sub, Def: compiled.Def,
		Date:        sub.CreatedAt.In(s.location()).Format("02/01/2006 15:04"),
		TrackingURL: s.absURL(c, link(c, "/pratiche/"+sub.Token)),
		RatingURL:   link(c, "/pratiche/"+sub.Token+"/valutazione"),
	}
	p := s.newPage(c, msg.T(langOf(c), "receipt.title")+": "+compiled.Def.Title, v)
	return s.render(c, http.StatusOK, "receipt", p)
}

// rating thanks the citizen for the 1–5 rating. Ratings are not stored yet
// (a later issue): the answer is 202 Accepted.
func (s *Server) rating(c echo.Context) error {
	if _, _, err := s.submissionByToken(c); err != nil {
		return err
	}
	p := s.newPage(c, msg.T(langOf(c), "rating.thanks_title"), nil)
	return s.render(c, http.StatusAccepted, "thanks", p)
}

// submissionByToken finds the submission of the URL's tracking token and
// its compiled form version. Returns ENOTFOUND for unknown tokens.
func (s *Server) submissionByToken(c echo.Context) (*modulario.Submission, *schemas.Form, error) {
	ctx := c.Request().Context()
	sub, err := s.cfg.Submissions.FindSubmissionByToken(ctx, c.Param("token"))
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil, nil, modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(langOf(c), "err.tracking_not_found"))
	} else if err != nil {
		return nil, nil, err
	}
	compiled, err := s.compiledVersion(ctx, sub.FormSlug, sub.Version)
	if err != nil {
		return nil, nil, err
	}
	return sub, compiled, nil
}
