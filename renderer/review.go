package renderer

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario/schemas"
)

// reviewView is the data of the "Riepilogo" page.
type reviewView struct {
	FormTitle string
	Summary   summaryView
	Action    string
	BackURL   string
	// HoldNote says until when the chosen appointment slot is held.
	HoldNote string
	// Stepper is nil on a form of one step.
	Stepper *stepperView
}

// reviewPage shows every answer with a "Modifica" link per step (C.SE.1.4).
func (s *Server) reviewPage(c echo.Context) error {
	ss, err := s.openReview(c)
	if err != nil || ss == nil {
		return err
	}
	last := len(ss.Form.Steps)
	lang := langOf(c)
	pruned := ss.Form.Prune(ss.Data)
	state := ss.Form.Evaluate(pruned)
	// Reaching the review holds the chosen slots for another HoldDuration.
	until, back, err := s.refreshHolds(c, ss, pruned)
	if err != nil {
		return err
	}
	if back != "" {
		return redirect(c, back)
	}
	z := &summarizer{lang: lang, form: ss.Form, state: state, data: pruned,
		attachments: attachmentsByID(ss.Draft.Attachments), token: ss.Draft.Token,
		names: s.appointmentNames(c.Request().Context(), lang, ss.Form, pruned, nil)}
	steps := z.steps()
	for i := range steps {
		steps[i].EditURL = link(c, ss.editPath(steps[i].Number))
	}
	v := &reviewView{
		FormTitle: ss.Form.Def.Title,
		Summary:   summaryView{tr: tr{Lang: lang}, Steps: steps},
		Action:    link(c, ss.Base+"/invia"),
		BackURL:   link(c, ss.stepPath(prevStep(ss.Form, state, last+1))),
		Stepper:   newStepper(lang, ss.Form, state, stepperReview, ss.Draft.Step),
	}
	if !until.IsZero() {
		v.HoldNote = msg.T(lang, "booking.hold_note", schemas.Clock(until.In(s.location())))
	}
	p := s.newPage(c, stepTitle(lang, v.Stepper, msg.T(lang, "review.title"), v.FormTitle), v)
	p.Breadcrumb = append(serviceCrumbs(p, v.FormTitle, ss.Draft.FormSlug), crumb{Label: p.T("review.title")})
	return s.render(c, http.StatusOK, "review", p)
}

// openReview loads the session for the review or the final post. It answers
// with a redirect (and a nil session) when a step is still to be completed.
func (s *Server) openReview(c echo.Context) (*session, error) {
	ss, err := s.loadSession(c)
	if err != nil {
		return nil, err
	}
	if to := ss.guard(len(ss.Form.Steps) + 1); to != "" {
		return nil, redirect(c, to)
	}
	return ss, nil
}
