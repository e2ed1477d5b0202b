package renderer

import (
	"errors"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

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
	state = ss.Form.Evaluate(ss.Data) // the conditions of the items just added
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
	if errs := badTextErrors(values, lang); len(errs) > 0 {
		// Nothing of this post is kept: the draft stays as it was.
		ss.Data = padRepeats(ss.Form, n, ss.Data)
		return s.renderStep(c, ss, n, ss.Form.Evaluate(ss.Data), cleanValues(values), errs, http.StatusUnprocessableEntity)
	}
	before := ss.Data
	data, decodeErrs := ss.Form.DecodeStep(n, padRepeats(ss.Form, n, ss.Data), values, lang)
	ss.Data = data
	uploadErrs, err := s.storeUploads(c, ss, n, files)
	if err != nil {
		return err
	}
	if action := values.Get("_action"); action == "save" || action == "back" {
		// A text over the length cap was not kept: saving or leaving the
		// step now would lose it without a word, so show it with its error.
		if refused := refusedValues(decodeErrs); len(refused) > 0 {
			if err := s.save(c, ss); err != nil {
				return err
			}
			return s.renderStep(c, ss, n, ss.Form.Evaluate(ss.Data), values, refused, http.StatusUnprocessableEntity)
		}
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
	next, nextPath := afterStep(c, ss, before, pruned, n)
	ss.Data = pruned
	ss.Draft.Step = max(ss.Draft.Step, next)
	if err := s.save(c, ss); err != nil {
		return err
	}
	return redirect(c, nextPath)
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
	return true, c.Redirect(http.StatusSeeOther, link(c, keepReturn(c, ss.stepPath(n)))+anchor)
}

// parseStepForm reads a urlencoded or multipart step post. Any other body
// is refused (415) rather than read as an empty form, which would clear the
// step's answers in the draft.
func parseStepForm(c echo.Context) (url.Values, map[string][]*multipartFile, error) {
	r := c.Request()
	lang := langOf(c)
	var err error
	switch ctype, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); ctype {
	case "multipart/form-data":
		err = r.ParseMultipartForm(8 << 20)
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
	default:
		return nil, nil, modulario.Errorf(modulario.EUNSUPPORTED, "%s", msg.T(lang, "step.content_type"))
	}
	if err != nil {
		return nil, nil, formBodyError(lang, err, badRequest(msg.T(lang, "err.bad_request")))
	}
	var files map[string][]*multipartFile
	if r.MultipartForm != nil {
		files = r.MultipartForm.File
	}
	return r.PostForm, files, nil
}

// formBodyError maps an error of ParseForm or ParseMultipartForm: a body
// over the limit is 413, too many fields or parts a 400 that says so, and
// anything else is fallback.
func formBodyError(lang string, err, fallback error) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return modulario.Errorf(modulario.ETOOLARGE, "%s", msg.T(lang, "err.too_large"))
	case errors.Is(err, multipart.ErrMessageTooLarge) || strings.Contains(err.Error(), "parameters exceeded limit"):
		// Over 1000 multipart parts, or 10000 urlencoded fields (net/url
		// has no exported error for it).
		return badRequest(msg.T(lang, "err.too_many_fields"))
	}
	return fallback
}

// badTextErrors refuses answers that are not valid UTF-8 or hold a NUL,
// as the API does: a browser never sends them, and stored they would
// break the systems the submission is sent to.
func badTextErrors(values url.Values, lang string) []schemas.FieldError {
	var errs []schemas.FieldError
	for _, key := range slices.Sorted(maps.Keys(values)) {
		for _, v := range values[key] {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				errs = append(errs, schemas.FieldError{Pointer: key, Message: msg.T(lang, "step.bad_text")})
				break
			}
		}
	}
	return errs
}

// cleanValues returns values with invalid UTF-8 and NUL removed, to show
// the post again without echoing them.
func cleanValues(values url.Values) url.Values {
	out := make(url.Values, len(values))
	for k, vs := range values {
		for _, v := range vs {
			out[k] = append(out[k], strings.ReplaceAll(strings.ToValidUTF8(v, ""), "\x00", ""))
		}
	}
	return out
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

// refusedValues returns the errors of posted values that were not kept.
func refusedValues(errs []schemas.FieldError) []schemas.FieldError {
	var out []schemas.FieldError
	for _, e := range errs {
		if e.Refused {
			out = append(out, e)
		}
	}
	return out
}
