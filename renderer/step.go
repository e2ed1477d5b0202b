package renderer

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// stepPage shows step n of a draft. With ?verifica=1 (after a failed final
// submission) it also shows the step's errors.
func (s *Server) stepPage(c echo.Context) error {
	ss, n, err := s.openStep(c)
	if err != nil || n == 0 {
		return err
	}
	state := ss.Form.Evaluate(ss.Data)
	if !stepShown(ss.Form, state, n) {
		return redirect(c, ss.stepPath(nextStep(ss.Form, state, n)))
	}
	ss.Data = padRepeats(ss.Form, n, ss.Data)
	var errs []schemas.FieldError
	status := http.StatusOK
	if c.QueryParam("verifica") == "1" {
		errs = stepErrors(ss.Form, ss.Form.Validate(ss.Form.Prune(ss.Data), langOf(c)), n,
			lastShown(ss.Form, state, n))
		if len(errs) > 0 {
			status = http.StatusUnprocessableEntity
		}
	}
	if fl := stepAppointment(ss.Form, n); fl != nil {
		// Sent back from the review or the final post: say why the slot
		// was refused and offer the nearest free ones.
		fe, err := s.refusalFromURL(c, ss, fl)
		if err != nil {
			return err
		}
		if fe != nil {
			errs, status = mergeErrors([]schemas.FieldError{*fe}, errs), http.StatusConflict
		}
	}
	return s.renderStep(c, ss, n, state, nil, errs, status)
}

// openStep loads the session and step number, answering with a redirect
// (and n == 0) when the citizen may not see that step yet.
func (s *Server) openStep(c echo.Context) (*session, int, error) {
	ss, err := s.loadSession(c)
	if err != nil {
		return nil, 0, err
	}
	n, err := stepNumber(c, ss.Form)
	if err != nil {
		return nil, 0, err
	}
	if to := ss.guard(n); to != "" {
		return nil, 0, redirect(c, to)
	}
	return ss, n, nil
}

// stepSubmit reads the answers of step n, stores uploads, and then either
// applies a repeat/file action, saves for later, goes back, or validates the
// step and moves on.
func (s *Server) stepSubmit(c echo.Context) error {
	ss, n, err := s.openStep(c)
	if err != nil || n == 0 {
		return err
	}
	values, files, err := parseStepForm(c)
	if err != nil {
		return err
	}
	lang := langOf(c)
	before := ss.Data
	data, decodeErrs := ss.Form.DecodeStep(n, padRepeats(ss.Form, n, ss.Data), values, lang)
	ss.Data = data
	uploadErrs, err := s.storeUploads(c, ss, n, files)
	if err != nil {
		return err
	}
	if done, err := s.stepAction(c, ss, n, values.Get("_action")); done || err != nil {
		return err
	}
	pruned := ss.Form.Prune(ss.Data)
	state := ss.Form.Evaluate(pruned)
	errs := mergeErrors(visibleErrors(state, decodeErrs), uploadErrs,
		stepErrors(ss.Form, ss.Form.Validate(pruned, lang), n, lastShown(ss.Form, state, n)))
	if len(errs) > 0 {
		// Keep what was typed and uploaded, but do not advance.
		if err := s.save(c, ss); err != nil {
			return err
		}
		return s.renderStep(c, ss, n, ss.Form.Evaluate(ss.Data), values, errs, http.StatusUnprocessableEntity)
	}
	// The slot chosen on this step is held for the citizen while they
	// finish the form; a slot that cannot be held is not kept.
	if fe, status, err := s.holdAppointment(c, ss, n, pruned, before); err != nil {
		return err
	} else if fe != nil {
		return s.renderStep(c, ss, n, ss.Form.Evaluate(ss.Data), values, []schemas.FieldError{*fe}, status)
	}
	next := nextStep(ss.Form, state, n)
	ss.Data = pruned
	ss.Draft.Step = max(ss.Draft.Step, next)
	if err := s.save(c, ss); err != nil {
		return err
	}
	return redirect(c, ss.stepPath(next))
}

// stepAction handles the "_action" buttons other than "next". It reports
// whether the request was answered.
func (s *Server) stepAction(c echo.Context, ss *session, n int, action string) (bool, error) {
	verb, ptr, _ := strings.Cut(action, ":")
	anchor := ""
	switch verb {
	case "add", "remove", "removefile":
		if !actionAllowed(ss.Form, n, verb, ptr, ss.Data) {
			// A forged or stale button: change nothing, show the step again.
			return true, redirect(c, ss.stepPath(n))
		}
		if err := s.dropReplacedFile(c, ss, verb, ptr); err != nil {
			return true, err
		}
		ss.Data, anchor = applyAction(ss.Form, ss.Data, verb, ptr)
	case "", "next":
		return false, nil
	case "save":
		if err := s.save(c, ss); err != nil {
			return true, err
		}
		return true, s.renderSaved(c, ss, n)
	case "back":
		if err := s.save(c, ss); err != nil {
			return true, err
		}
		return true, redirect(c, ss.stepPath(prevStep(ss.Form, ss.Form.Evaluate(ss.Data), n)))
	default:
		// An unknown button: keep nothing of this post, show the step again.
		return true, redirect(c, ss.stepPath(n))
	}
	if err := s.save(c, ss); err != nil {
		return true, err
	}
	return true, c.Redirect(http.StatusSeeOther, link(c, ss.stepPath(n))+anchor)
}

// parseStepForm reads a urlencoded or multipart step post.
func parseStepForm(c echo.Context) (url.Values, map[string][]*multipartFile, error) {
	r := c.Request()
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(8 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, modulario.Errorf(modulario.ETOOLARGE, "%s", msg.T(langOf(c), "err.too_large"))
		}
		return nil, nil, modulario.Errorf(modulario.EINVALID, "%s", msg.T(langOf(c), "err.bad_request"))
	}
	var files map[string][]*multipartFile
	if r.MultipartForm != nil {
		files = r.MultipartForm.File
	}
	return r.PostForm, files, nil
}

// visibleErrors drops conversion errors of fields the answers now hide.
func visibleErrors(state *schemas.State, errs []schemas.FieldError) []schemas.FieldError {
	var out []schemas.FieldError
	for _, e := range errs {
		if state.Visible(e.Pointer) {
			out = append(out, e)
		}
	}
	return out
}
