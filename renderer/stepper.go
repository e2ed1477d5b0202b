package renderer

import (
	"github.com/modulario/modulario/schemas"
)

// stepperView is the stepper header of a form with more than one step, as
// Designers Italia draws it (C.SE.1.8): the privacy notice first, then the
// form's steps, then the summary, the current one active and the ones
// already done confirmed.
type stepperView struct {
	tr
	Items []stepperItem
	// Index is the position of the current entry (1-based), Total the
	// number of entries: "2/5".
	Index, Total int
}

// stepperItem is one entry of the stepper header.
type stepperItem struct {
	Title             string
	Confirmed, Active bool
	// Author marks a title written by the form's editor (lang="it" on
	// pages in another language).
	Author bool
}

// Stepper positions that are not form steps.
const (
	stepperPrivacy = 0 // the privacy notice, before step 1
	stepperReview  = -1
)

// newStepper builds the stepper with current active: stepperPrivacy, a step
// number, or stepperReview. Steps the answers in state skip are left out.
// reached is the furthest step the draft may open (Draft.Step; 0 before
// consent): steps before it, and before the current one, are confirmed. A
// form of one step gets no stepper: notice, step and summary are then just
// three pages, as in Designers Italia's one-page request.
func newStepper(lang string, f *schemas.Form, state *schemas.State, current, reached int) *stepperView {
	n := len(f.Steps)
	if n < 2 {
		return nil
	}
	if current == stepperReview {
		current = n + 1
	}
	v := &stepperView{tr: tr{Lang: lang}}
	add := func(pos int, title string, author bool) {
		v.Items = append(v.Items, stepperItem{Title: title, Author: author, Active: pos == current,
			Confirmed: pos < current && (pos == stepperPrivacy || pos < reached)})
		if pos == current {
			v.Index = len(v.Items)
		}
	}
	add(stepperPrivacy, msg.T(lang, "stepper.privacy"), false)
	for _, st := range f.Steps {
		if st.Number == current || stepShown(f, state, st.Number) {
			add(st.Number, st.Title, true)
		}
	}
	add(n+1, msg.T(lang, "review.title"), false)
	v.Total = len(v.Items)
	return v
}

// stepTitle is the page title of a flow page: "Passo 2 di 5: Dettagli -
// Carta d'identità" when the form has a stepper, "Dettagli - Carta
// d'identità" when it has one step.
func stepTitle(lang string, st *stepperView, page, form string) string {
	if st == nil {
		return msg.T(lang, "step.page_title_single", page, form)
	}
	return msg.T(lang, "step.page_title", st.Index, st.Total, page, form)
}
