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
	// Rating is the star form, nil when ratings are not configured.
	Rating *starsView
	// Appointments are the request's appointments; Booked is true when
	// one of them is confirmed ("Appuntamento confermato").
	Appointments []*appointmentView
	Booked       bool
}

// receiptPage confirms a submission with its request number and the
// private tracking link.
func (s *Server) receiptPage(c echo.Context) error {
	sub, compiled, err := s.submissionByToken(c)
	if err != nil {
		return err
	}
	return s.renderReceipt(c, sub, compiled, http.StatusOK, "")
}

// renderReceipt writes the receipt with status; starsErr is the message
// of a rating posted without a valid number of stars.
func (s *Server) renderReceipt(c echo.Context, sub *modulario.Submission, compiled *schemas.Form, status int, starsErr string) error {
	v := &receiptView{
		Sub: sub, Def: compiled.Def,
		Date:        s.dateTime(sub.CreatedAt),
		TrackingURL: s.absURL(c, topLink(c, "/pratiche/"+sub.Token)),
	}
	apps, err := s.appointmentViews(c, sub, compiled, false)
	if err != nil {
		return err
	}
	v.Appointments = apps
	for _, a := range apps {
		v.Booked = v.Booked || a.Active
	}
	if s.cfg.Ratings != nil {
		v.Rating = &starsView{Action: link(c, "/pratiche/"+sub.Token+"/valutazione"), Error: starsErr}
	}
	title := msg.T(langOf(c), "receipt.title")
	if v.Booked {
		title = msg.T(langOf(c), "booking.confirmed_title")
	}
	p := s.newPage(c, title+": "+compiled.Def.Title, v)
	if starsErr != "" {
		p.Title = p.T("page.error_prefix") + p.Title
	}
	return s.render(c, status, "receipt", p)
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
