package renderer

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario/schemas"
)

// stepView is the data of a step page.
type stepView struct {
	tr
	FormTitle string
	Step      *schemas.Step
	N, Total  int
	Stepper   []stepperItem
	Fields    []*fieldView
	Errors    []errorLink
	Action    string
	Progress  int
	// HasBack is false on the first step, where "Indietro" leads to the notice.
	HasBack bool
	// EntryNote says on step 1 that staff enter the request for a citizen.
	EntryNote string
	// Picker is the slot picker of the step's appointment field, nil on
	// other steps.
	Picker *pickerView
}

// stepperItem is one entry of the stepper header.
type stepperItem struct {
	Title             string
	Confirmed, Active bool
}

// errorLink is one entry of the error summary.
type errorLink struct {
	Href, Label, Message string
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
		FormTitle: ss.Form.Def.Title, Step: ss.Form.Steps[n-1], N: n, Total: len(ss.Form.Steps),
		Action: link(c, ss.stepPath(n)), HasBack: n > 1,
		Progress: roundTo5(n * 100 / (len(ss.Form.Steps) + 1)),
	}
	for _, e := range errs {
		if ss.Form.StepOf(e.Pointer) == 0 {
			// An error of no field (a root-level rule): plain text, no link.
			v.Errors = append(v.Errors, errorLink{Message: e.Message})
			continue
		}
		in.errs[e.Pointer] = e.Message
		v.Errors = append(v.Errors, errorLink{Href: "#" + htmlID(e.Pointer), Label: fieldLabel(ss.Form, e.Pointer), Message: e.Message})
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
	}
	v.Fields = in.fields(withoutAppointments(v.Step.Fields), "")
	if n == 1 {
		v.EntryNote = entryNote(lang, ss.Draft)
	}
	for _, st := range ss.Form.Steps {
		v.Stepper = append(v.Stepper, stepperItem{
			Title: st.Title, Active: st.Number == n, Confirmed: st.Number < n && st.Number < ss.Draft.Step,
		})
	}
	p := s.newPage(c, msg.T(lang, "step.page_title", n, v.Total, v.Step.Title, v.FormTitle), v)
	if len(errs) > 0 {
		p.Title = p.T("page.error_prefix") + p.Title
	}
	p.Breadcrumb = append(p.Breadcrumb, crumb{Label: p.T("nav.services"), URL: p.U("/")},
		crumb{Label: v.FormTitle, URL: p.U("/servizi/" + ss.Draft.FormSlug)}, crumb{Label: v.Step.Title})
	return s.render(c, status, "step", p)
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
