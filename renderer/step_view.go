package renderer

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario/schemas"
)

// stepView is the data of a step page.
type stepView struct {
	tr
	FormTitle string
	Step      *schemas.Step
	// Stepper is nil on a form of one step.
	Stepper  *stepperView
	Fields   []*fieldView
	Errors   []errorLink
	Action   string
	Progress int
	// HasBack is false on the first step, where "Indietro" leads to the notice.
	HasBack bool
	// EntryNote says on step 1 that staff enter the request for a citizen.
	EntryNote string
	// Picker is the slot picker of the step's appointment field, nil on
	// other steps.
	Picker *pickerView
}

// errorLink is one entry of the error summary.
type errorLink struct {
	Href, Label, Message string
	// pointer is the field's JSON pointer, "" for an error of no field.
	pointer string
}

// renderStep draws step n with the given answers, posted raw values and errors.
func (s *Server) renderStep(c echo.Context, ss *session, n int, state *schemas.State,
	raw url.Values, errs []schemas.FieldError, status int) error {
	lang := langOf(c)
	in := &viewInput{
		lang: lang, form: ss.Form, state: state, step: n, data: ss.Data, raw: raw,
		errs: map[string]string{}, attachments: attachmentsByID(ss.Draft.Attachments),
	}
	v := &stepView{
		tr:        tr{Lang: lang},
		FormTitle: ss.Form.Def.Title, Step: ss.Form.Steps[n-1],
		Stepper: newStepper(lang, ss.Form, state, n, ss.Draft.Step),
		Action:  link(c, keepReturn(c, ss.stepPath(n))), HasBack: n > 1,
		Progress: roundTo5(n * 100 / (len(ss.Form.Steps) + 1)),
	}
	for _, e := range errs {
		if ss.Form.StepOf(e.Pointer) == 0 {
			// An error of no field (a root-level rule): plain text, no link.
			v.Errors = append(v.Errors, errorLink{Message: e.Message})
			continue
		}
		in.errs[e.Pointer] = e.Message
		v.Errors = append(v.Errors, errorLink{Href: "#" + htmlID(e.Pointer), Label: fieldLabel(ss.Form, e.Pointer),
			Message: e.Message, pointer: e.Pointer})
	}
	if fl := stepAppointment(ss.Form, n); fl != nil {
		picker, err := s.stepPicker(c, ss, n, fl, raw, in.errs[fl.Pointer])
		if err != nil {
			return err
		}
		v.Picker = picker
		if picker.Stage == stageTime {
			// A refused post shows the same day again.
			v.Action = link(c, ss.stepPath(n)+picker.dayQuery)
		}
		if m := pickerMissing(lang, picker, raw, fl.Pointer); m != "" {
			picker.Error = m
			for i := range v.Errors {
				if v.Errors[i].pointer == fl.Pointer {
					v.Errors[i].Message = m
				}
			}
		}
	}
	v.Fields = in.fields(withoutAppointments(v.Step.Fields), "")
	inPageOrder(v.Errors, v.Fields)
	if n == 1 {
		v.EntryNote = entryNote(lang, ss.Draft)
	}
	p := s.newPage(c, stepTitle(lang, v.Stepper, v.Step.Title, v.FormTitle), v)
	p.markErrors(len(v.Errors))
	p.Breadcrumb = append(serviceCrumbs(p, v.FormTitle, ss.Draft.FormSlug), crumb{Label: v.Step.Title, Author: true})
	return s.render(c, status, "step", p)
}

// pickerMissing is the message of an appointment step posted (raw) with
// nothing chosen, for the stage the citizen is at: the schema's "choose a
// day and a time" would ask for a day already chosen on stage 3. Empty
// when there is no such error, the page is not the answer to a post, or
// the post carried a choice (a refused slot keeps its own message).
func pickerMissing(lang string, p *pickerView, raw url.Values, ptr string) string {
	if p.Error == "" || raw == nil || len(raw[ptr]) > 0 {
		return ""
	}
	switch p.Stage {
	case stageCalendar:
		return msg.T(lang, "booking.err_calendar")
	case stageTime:
		if len(p.Times) > 0 || len(p.Alternatives) > 0 {
			return msg.T(lang, "booking.err_pick_time")
		}
	}
	return ""
}

// inPageOrder sorts the error summary in the order its fields appear on
// the page: conversion, upload and schema errors are found apart, but the
// citizen reads the page from the top. Errors of no field (a rule about
// the whole form) come first; fields the page does not draw as a control
// (the appointment picker, after the other fields) come last.
func inPageOrder(errs []errorLink, fields []*fieldView) {
	var names []string
	var walk func([]*fieldView)
	walk = func(list []*fieldView) {
		for _, f := range list {
			if f.Name != "" {
				names = append(names, f.Name)
			}
			walk(f.Children)
			for _, it := range f.Items {
				walk(it.Children)
			}
		}
	}
	walk(fields)
	position := func(ptr string) int {
		if ptr == "" {
			return -1
		}
		// The field itself, else the first control inside it (a group),
		// else the deepest field holding it (an item of a list).
		for _, match := range []func(name string) bool{
			func(name string) bool { return name == ptr },
			func(name string) bool { return strings.HasPrefix(name, ptr+"/") },
		} {
			for i, name := range names {
				if match(name) {
					return i
				}
			}
		}
		at, depth := len(names), 0
		for i, name := range names {
			if strings.HasPrefix(ptr, name+"/") && len(name) > depth {
				at, depth = i, len(name)
			}
		}
		return at
	}
	sort.SliceStable(errs, func(i, j int) bool { return position(errs[i].pointer) < position(errs[j].pointer) })
}

// markErrors prefixes the title of a page showing n errors with their
// count: "Errori (3): Passo 2 di 4: …" (the title is the first thing a
// screen reader announces).
func (p *page) markErrors(n int) {
	if n > 0 {
		p.Title = p.Plural("page.error_prefix", n) + p.Title
	}
}

// serviceCrumbs is the breadcrumb of the pages of one service: Home,
// Servizi (the catalogue), the service's page.
func serviceCrumbs(p *page, formTitle, slug string) []crumb {
	return append(p.Breadcrumb, crumb{Label: p.T("nav.services"), URL: p.U("/servizi")},
		crumb{Label: formTitle, URL: p.U("/servizi/" + slug), Author: true})
}

func roundTo5(p int) int { return min(100, (p+2)/5*5) }

// fieldLabel returns the label of the field answering pointer, or "".
func fieldLabel(f *schemas.Form, pointer string) string {
	if fl := f.FieldAt(pointer); fl != nil {
		return fl.Label
	}
	return ""
}

// savedView is the data of the "saved for later" page.
type savedView struct {
	FormTitle string
	// ResumeURL is the link to keep, to open later outside any embedding;
	// ContinueURL goes on now, in the same window.
	ResumeURL   string
	ContinueURL string
	ExpiresAt   string
}

// renderSaved shows the resume link of a draft saved for later (C.SE.1.6).
func (s *Server) renderSaved(c echo.Context, ss *session, n int) error {
	lang := langOf(c)
	v := &savedView{
		FormTitle:   ss.Form.Def.Title,
		ResumeURL:   s.absURL(c, topLink(c, ss.stepPath(n))),
		ContinueURL: link(c, ss.stepPath(n)),
		ExpiresAt:   s.dateTime(ss.Draft.ExpiresAt),
	}
	p := s.newPage(c, msg.T(lang, "saved.title"), v)
	p.Breadcrumb = append(serviceCrumbs(p, v.FormTitle, ss.Draft.FormSlug), crumb{Label: p.T("saved.title")})
	return s.render(c, http.StatusOK, "saved", p)
}

// absURL makes path absolute with BaseURL, or with the request's host when
// no BaseURL is configured.
func (s *Server) absURL(c echo.Context, path string) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL + path
	}
	return c.Scheme() + "://" + c.Request().Host + path
}
