package renderer

import (
	"encoding/json"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// submit validates the whole draft and turns it into a submission. Errors
// send the citizen to the first step with errors; a second post after the
// draft is gone answers 410 with a friendly page.
func (s *Server) submit(c echo.Context) error {
	ss, err := s.openReview(c)
	if modulario.ErrorCode(err) == modulario.EGONE {
		return s.submittedAlready(c, err)
	}
	if err != nil || ss == nil {
		return err
	}
	pruned := ss.Form.Prune(ss.Data)
	if errs := ss.Form.Validate(pruned, langOf(c)); len(errs) > 0 {
		// Errors of no field are shown on the last shown step.
		first := max(1, prevStep(ss.Form, ss.Form.Evaluate(ss.Data), len(ss.Form.Steps)+1))
		for _, e := range errs {
			if n := ss.Form.StepOf(e.Pointer); n > 0 && n < first {
				first = n
			}
		}
		return redirect(c, ss.stepPath(first)+"?verifica=1")
	}
	if ss.Draft.Preview {
		return s.previewDone(c, ss)
	}
	appointments, back := s.draftAppointments(ss, pruned)
	if back != "" {
		return redirect(c, back)
	}
	raw, err := json.Marshal(pruned)
	if err != nil {
		return err
	}
	sub := &modulario.Submission{
		FormSlug:    ss.Draft.FormSlug,
		Version:     ss.Draft.Version,
		Office:      ss.Form.Def.Office,
		Status:      modulario.StatusReceived,
		Channel:     modulario.ChannelWeb,
		Data:        raw,
		Attachments: referencedAttachments(pruned, ss.Draft.Attachments),
		DueAt:       s.dueAt(ss.Form.Def.DeadlineDays),
		// Storage confirms the draft's holds in the same transaction.
		Appointments: appointments,
	}
	if ss.Draft.Channel != "" && ss.Draft.EnteredBy != "" {
		// Entered by staff for a citizen (entry link): keep who and how.
		sub.Channel, sub.EnteredBy = ss.Draft.Channel, ss.Draft.EnteredBy
	}
	ctx := c.Request().Context()
	err = s.cfg.Submissions.CreateSubmission(ctx, sub, ss.Draft.Token, s.applyRules(ctx, sub)...)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return s.submittedAlready(c, modulario.Errorf(modulario.EGONE, "%s", msg.T(langOf(c), "err.gone")))
	} else if fl, outcome, ok := refusedAppointment(ss.Form, err); ok {
		// The slot went to someone else after the hold expired: choose again.
		calSlug, start, _ := appointmentAnswer(pruned, fl.Pointer)
		if err := s.forgetAnswer(c, ss, fl.Pointer); err != nil {
			return err
		}
		return redirect(c, refusedPath(ss, fl.Pointer, outcome, calSlug, start))
	} else if err != nil {
		return err
	}
	return redirect(c, "/pratiche/"+sub.Token+"/ricevuta")
}

// dueAt is the deadline of a request made now on a form that gives itself
// days calendar days: the end of the last day, Italian time. Nil for none.
func (s *Server) dueAt(days int) *time.Time {
	if days <= 0 {
		return nil
	}
	now := s.cfg.Now().In(s.location())
	y, m, d := now.Date()
	due := time.Date(y, m, d+days, 23, 59, 59, 0, s.location())
	return &due
}

// submittedAlready answers a final post whose draft is gone: when the draft
// became a request (a double click), with a redirect to the same receipt;
// otherwise with gone.
func (s *Server) submittedAlready(c echo.Context, gone error) error {
	sub, err := s.cfg.Submissions.FindSubmissionByDraft(c.Request().Context(), c.Param("token"))
	if err != nil || sub.FormSlug != c.Param("slug") {
		return gone
	}
	return redirect(c, "/pratiche/"+sub.Token+"/ricevuta")
}

// referencedAttachments keeps the attachments whose ID the answers still
// hold: files replaced or removed on the way are left behind with the draft.
func referencedAttachments(data map[string]any, list []modulario.Attachment) []modulario.Attachment {
	used := map[string]bool{}
	collectStrings(data, used)
	var out []modulario.Attachment
	for _, a := range list {
		if used[a.ID] {
			out = append(out, a)
			used[a.ID] = false // once, even if uploaded twice
		}
	}
	return out
}

func collectStrings(v any, into map[string]bool) {
	switch x := v.(type) {
	case string:
		into[x] = true
	case map[string]any:
		for _, y := range x {
			collectStrings(y, into)
		}
	case []any:
		for _, y := range x {
			collectStrings(y, into)
		}
	}
}
