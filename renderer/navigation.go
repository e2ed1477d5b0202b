package renderer

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// stepNumber parses the step of the URL. Returns ENOTFOUND when out of range.
func stepNumber(c echo.Context, f *schemas.Form) (int, error) {
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 || n > len(f.Steps) {
		return 0, modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(langOf(c), "err.not_found"))
	}
	return n, nil
}

// stepShown reports whether step n has something to answer for these
// answers: a step whose answer fields are all hidden by conditions is
// skipped in both directions. A step of only informative text is shown.
func stepShown(f *schemas.Form, state *schemas.State, n int) bool {
	answers := 0
	for _, fl := range f.Steps[n-1].Fields {
		if fl.Kind == schemas.KindMarkdown {
			continue
		}
		answers++
		if state.Visible(fl.Pointer) {
			return true
		}
	}
	return answers == 0
}

// nextStep returns the first shown step after n, or len(Steps)+1 (the review).
func nextStep(f *schemas.Form, state *schemas.State, n int) int {
	for m := n + 1; m <= len(f.Steps); m++ {
		if stepShown(f, state, m) {
			return m
		}
	}
	return len(f.Steps) + 1
}

// prevStep returns the last shown step before n, or 0 (the privacy notice).
func prevStep(f *schemas.Form, state *schemas.State, n int) int {
	for m := n - 1; m >= 1; m-- {
		if stepShown(f, state, m) {
			return m
		}
	}
	return 0
}

// stepPath returns the path of step n of a session; past the last step it is
// the review and before the first the privacy notice.
func (ss *session) stepPath(n int) string {
	switch {
	case n > len(ss.Form.Steps):
		return ss.Base + "/riepilogo"
	case n < 1:
		// The notice of this very draft: going back keeps the answers.
		return ss.Base + "/privacy"
	}
	return ss.Base + "/passo/" + strconv.Itoa(n)
}

// The review's "Modifica" links open a step with ?da=riepilogo. The marker
// stays on the step's own form and redirects (keepReturn), so that "Avanti"
// leads back to the review when nothing after the step needs the citizen
// (afterStep), with or without JavaScript and inside an embedding iframe.
const (
	returnParam  = "da"
	returnReview = "riepilogo"
)

// editPath is the path of step n opened from the review to change it.
func (ss *session) editPath(n int) string {
	return ss.stepPath(n) + "?" + returnParam + "=" + returnReview
}

// keepReturn adds the review marker to path when the request carries it.
func keepReturn(c echo.Context, path string) string {
	if c.QueryParam(returnParam) != returnReview {
		return path
	}
	return path + querySep(path) + returnParam + "=" + returnReview
}

// afterStep returns the step "Avanti" leads to from step n, now valid, for
// the answers pruned (before holds the answers before the post), and its
// path: the next shown step. When the step was opened from the review, and
// the review had been reached, it is the first later step that needs the
// citizen, one with errors or one these answers show for the first time
// (opened with the marker, to come back from it too), else the review
// itself: the other steps were already seen and are still valid.
func afterStep(c echo.Context, ss *session, before, pruned map[string]any, n int) (int, string) {
	f := ss.Form
	state := f.Evaluate(pruned)
	next := nextStep(f, state, n)
	if c.QueryParam(returnParam) != returnReview || ss.Draft.Step <= len(f.Steps) {
		return next, ss.stepPath(next)
	}
	was := f.Evaluate(f.Prune(before))
	errs := f.Validate(pruned, langOf(c))
	for m := next; m <= len(f.Steps); m = nextStep(f, state, m) {
		if !stepShown(f, was, m) || len(stepErrors(f, errs, m, lastShown(f, state, m))) > 0 {
			return m, ss.editPath(m)
		}
	}
	return len(f.Steps) + 1, ss.stepPath(len(f.Steps) + 1)
}

// guard sends the citizen back when they have not consented yet or jump
// past the furthest step reached. It returns "" when n may be shown.
func (ss *session) guard(n int) string {
	if !ss.Draft.Consent {
		return "/servizi/" + ss.Draft.FormSlug + "/privacy"
	}
	if reach := ss.reach(); n > reach {
		return ss.stepPath(reach)
	}
	return ""
}

// reach is the furthest step the citizen may open: the furthest step up to
// Draft.Step that the current answers still show (the review counts as
// shown). Guarding with it never sends the citizen to a hidden step, which
// would send them forward again in a loop.
func (ss *session) reach() int {
	f := ss.Form
	state := f.Evaluate(ss.Data)
	for m := min(ss.Draft.Step, len(f.Steps)+1); m >= 1; m-- {
		if m > len(f.Steps) || stepShown(f, state, m) {
			return m
		}
	}
	return nextStep(f, state, 0)
}

// padRepeats gives repeatable groups of step n their minimum number of
// items, so a group with minItems starts with an empty item to fill in.
func padRepeats(f *schemas.Form, n int, data map[string]any) map[string]any {
	for _, fl := range f.Steps[n-1].Fields {
		if fl.Kind != schemas.KindRepeat || fl.MinItems == nil {
			continue
		}
		v, _ := getPointer(data, fl.Pointer)
		list, _ := v.([]any)
		for i := len(list); i < *fl.MinItems; i++ {
			data = f.AddItem(data, fl.Pointer) // with its fields' defaults
		}
	}
	return data
}

// stepErrors keeps the errors of fields on step n, in order. With orphans
// it also keeps the errors that belong to no step (pointer "" of a
// root-level anyOf, an unknown property): the last step shows them, so the
// citizen always sees why the request cannot be sent.
func stepErrors(f *schemas.Form, errs []schemas.FieldError, n int, orphans bool) []schemas.FieldError {
	var out []schemas.FieldError
	for _, e := range errs {
		if m := f.StepOf(e.Pointer); m == n || (orphans && m == 0) {
			out = append(out, e)
		}
	}
	return out
}

// lastShown reports whether n is the last step shown for these answers,
// the one that holds the errors of no step.
func lastShown(f *schemas.Form, state *schemas.State, n int) bool {
	return nextStep(f, state, n) > len(f.Steps)
}

// mergeErrors joins error lists keeping the first message per pointer.
func mergeErrors(lists ...[]schemas.FieldError) []schemas.FieldError {
	seen := map[string]bool{}
	var out []schemas.FieldError
	for _, l := range lists {
		for _, e := range l {
			key := e.Pointer
			if key == "" {
				key += "\x00" + e.Message // errors of no field: keep each one
			}
			if !seen[key] {
				seen[key] = true
				out = append(out, e)
			}
		}
	}
	return out
}
