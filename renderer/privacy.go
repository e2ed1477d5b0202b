package renderer

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// privacyView is the data of the privacy consent page.
type privacyView struct {
	Def    *schemas.Definition
	Action string
	Error  string
	// NextURL, when set, is step 1 of a draft whose notice was already
	// accepted: the page shows the consent given and an "Avanti" link.
	NextURL string
	// Prefill are the hidden inputs carrying a link's prefill values.
	Prefill []prefillHidden
	// Stepper is nil on a form of one step.
	Stepper *stepperView
}

// privacyPage shows the form's privacy notice with the consent checkbox.
func (s *Server) privacyPage(c echo.Context) error {
	return s.renderPrivacy(c, http.StatusOK, "")
}

// draftPrivacyPage shows the notice again to a citizen who pressed
// "Indietro" on the first step: consent was given, the draft is kept.
func (s *Server) draftPrivacyPage(c echo.Context) error {
	ss, err := s.loadSession(c)
	if err != nil {
		return err
	}
	if !ss.Draft.Consent {
		return redirect(c, "/servizi/"+ss.Draft.FormSlug+"/privacy")
	}
	def, lang := ss.Form.Def, langOf(c)
	v := &privacyView{Def: def, NextURL: link(c, ss.stepPath(1)),
		Stepper: newStepper(lang, ss.Form, ss.Form.Evaluate(ss.Data), stepperPrivacy, ss.Draft.Step)}
	p := s.newPage(c, stepTitle(lang, v.Stepper, msg.T(lang, "privacy.title"), def.Title), v)
	p.Breadcrumb = append(serviceCrumbs(p, def.Title, ss.Draft.FormSlug), crumb{Label: p.T("privacy.title")})
	return s.render(c, http.StatusOK, "privacy", p)
}

// privacySubmit starts a draft once the citizen consents.
func (s *Server) privacySubmit(c echo.Context) error {
	form, compiled, err := s.publishedForm(c, c.Param("slug"))
	if err != nil {
		return err
	}
	if c.FormValue("consenso") != "1" {
		return s.renderPrivacy(c, http.StatusUnprocessableEntity, msg.T(langOf(c), "privacy.required"))
	}
	if err := s.allowDraft(c); err != nil {
		return err
	}
	data, err := s.prefillDraft(c, compiled)
	if err != nil {
		return err
	}
	d := &modulario.Draft{
		FormSlug:  form.Slug,
		Version:   form.Published,
		Data:      data,
		Consent:   true,
		Step:      1,
		ExpiresAt: s.cfg.Now().Add(s.cfg.DraftTTL),
	}
	if err := s.cfg.Drafts.CreateDraft(c.Request().Context(), d); err != nil {
		return err
	}
	return redirect(c, "/servizi/"+form.Slug+"/"+d.Token+"/passo/1")
}

func (s *Server) renderPrivacy(c echo.Context, status int, errMsg string) error {
	form, compiled, err := s.publishedForm(c, c.Param("slug"))
	if err != nil {
		return err
	}
	def, lang := compiled.Def, langOf(c)
	v := &privacyView{
		Def: def, Action: link(c, "/servizi/"+form.Slug+"/privacy"), Error: errMsg,
		Prefill: prefillInputs(s.prefillOf(c, compiled)),
		Stepper: newStepper(lang, compiled, compiled.Evaluate(map[string]any{}), stepperPrivacy, 0),
	}
	p := s.newPage(c, stepTitle(lang, v.Stepper, msg.T(lang, "privacy.title"), def.Title), v)
	if errMsg != "" {
		p.markErrors(1)
	}
	p.Breadcrumb = append(serviceCrumbs(p, def.Title, form.Slug), crumb{Label: p.T("privacy.title")})
	return s.render(c, status, "privacy", p)
}
