package renderer

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// trackingView is the data of the tracking page.
type trackingView struct {
	Sub       *modulario.Submission
	FormTitle string
	Date      string
	Status    string
	Timeline  []timelineEntry
	Summary   summaryView
}

// timelineEntry is one event of the tracking timeline.
type timelineEntry struct {
	Date, Label, Message string
}

// trackingPage shows a submission's status, timeline and answers to whoever
// holds its unguessable token (C.SE.1.9).
func (s *Server) trackingPage(c echo.Context) error {
	sub, compiled, err := s.submissionByToken(c)
	if err != nil {
		return err
	}
	lang := langOf(c)
	data := map[string]any{}
	_ = json.Unmarshal(sub.Data, &data)
	z := &summarizer{lang: lang, form: compiled, state: compiled.Evaluate(data), data: data,
		attachments: attachmentsByID(sub.Attachments), token: sub.Token}
	v := &trackingView{
		Sub: sub, FormTitle: compiled.Def.Title,
		Date:    sub.CreatedAt.In(s.location()).Format("02/01/2006 15:04"),
		Status:  statusLabel(lang, sub.Status),
		Summary: summaryView{tr: tr{Lang: lang}, Steps: z.steps()},
	}
	for _, e := range sub.Timeline {
		label := statusLabel(lang, e.Status)
		if e.Status == "" {
			label = e.Type
		}
		v.Timeline = append(v.Timeline, timelineEntry{
			Date: e.At.In(s.location()).Format("02/01/2006 15:04"), Label: label, Message: e.Message,
		})
	}
	p := s.newPage(c, msg.T(lang, "tracking.title", sub.Number), v)
	return s.render(c, http.StatusOK, "tracking", p)
}

// statusLabel names a status for citizens.
func statusLabel(lang string, st modulario.SubmissionStatus) string {
	return msg.T(lang, "status."+string(st))
}
