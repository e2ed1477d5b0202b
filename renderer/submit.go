package renderer

import (
	"encoding/json"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// submit validates the whole draft and turns it into a submission. Errors
// send the citizen to the first step with errors; a second post after the
// draft is gone answers 410 with a friendly page.
func (s *Server) submit(c echo.Context) error {
	ss, err := s.openReview(c)
	if err != nil || ss == nil {
		return err
	}
	last := len(ss.Form.Steps)
	pruned := ss.Form.Prune(ss.Data)
	if errs := ss.Form.Validate(pruned, langOf(c)); len(errs) > 0 {
		first := last
		for _, e := range errs {
			if n := ss.Form.StepOf(e.Pointer); n > 0 && n < first {
				first = n
			}
		}
		return redirect(c, ss.stepPath(first)+"?verifica=1")
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
	}
	err = s.cfg.Submissions.CreateSubmission(c.Request().Context(), sub, ss.Draft.Token)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return modulario.Errorf(modulario.EGONE, "%s", msg.T(langOf(c), "err.gone"))
	} else if err != nil {
		return err
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
