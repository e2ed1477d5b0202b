package renderer

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// trackingView is the data of the tracking page (C.SE.1.9, C.SE.1.10).
type trackingView struct {
	Sub        *modulario.Submission
	FormTitle  string
	Date       string
	Status     string
	StatusDate string
	// Progress is the lifecycle in three phases, the current one marked.
	Progress []progressPhase
	// TakenInCharge and Due are dates, empty when not (yet) set.
	TakenInCharge string
	Due           string
	// Messages are the office's messages to the citizen, oldest first.
	Messages []timelineEntry
	// Files are the files the citizen sent, with their download links.
	Files    []fileLink
	Timeline []timelineEntry
	Summary  summaryView
	// Notice is the success message of the action just done ("" none).
	Notice string
	// Integration is the answer form, nil unless the office asked for one.
	Integration *integrationForm
	// WithdrawURL links to the withdraw confirmation; empty when closed.
	WithdrawURL string
	// Appointments are the request's appointments with what the citizen
	// may still do about them.
	Appointments []*appointmentView
}

// progressPhase is one phase of the lifecycle progress.
type progressPhase struct {
	Label         string
	Done, Current bool
}

// fileLink is a downloadable file of the request.
type fileLink struct {
	Name, URL, Size string
}

// integrationForm is the form answering a request for integration.
type integrationForm struct {
	Action string
	Text   string
	// Errors are messages by input id ("integrazione-testo", "integrazione-file").
	Errors   map[string]string
	MaxFiles int
	Accept   string
}

// timelineEntry is one event of the tracking timeline.
type timelineEntry struct {
	Date, Label, Message string
}

// trackingNotices are the success messages an action redirects with.
var trackingNotices = map[string]string{
	"integrazione": "tracking.notice_integration",
	"annullata":    "tracking.notice_withdrawn",

	"appuntamento-annullato": "booking.notice_cancelled",
	"appuntamento-spostato":  "booking.notice_moved",
}

// trackingPage shows a submission's status, timeline and answers to whoever
// holds its unguessable token (C.SE.1.9).
func (s *Server) trackingPage(c echo.Context) error {
	sub, compiled, err := s.submissionByToken(c)
	if err != nil {
		return err
	}
	v, err := s.trackingData(c, sub, compiled)
	if err != nil {
		return err
	}
	if key, ok := trackingNotices[c.QueryParam("esito")]; ok {
		v.Notice = msg.T(langOf(c), key)
	}
	return s.renderTracking(c, http.StatusOK, v)
}

// renderTracking writes the tracking page of v with status.
func (s *Server) renderTracking(c echo.Context, status int, v *trackingView) error {
	p := s.newPage(c, msg.T(langOf(c), "tracking.title", v.Sub.Number), v)
	if v.Integration != nil {
		p.markErrors(len(v.Integration.Errors))
	}
	p.Breadcrumb = append(serviceCrumbs(p, v.FormTitle, v.Sub.FormSlug), crumb{Label: p.T("tracking.heading", v.Sub.Number)})
	return s.render(c, status, "tracking", p)
}

// trackingData builds what the citizen may see of sub: never internal
// events (notes, assignments, re-routing) nor staff names.
func (s *Server) trackingData(c echo.Context, sub *modulario.Submission, compiled *schemas.Form) (*trackingView, error) {
	lang := langOf(c)
	data := map[string]any{}
	_ = json.Unmarshal(sub.Data, &data)
	z := &summarizer{lang: lang, form: compiled, state: compiled.Evaluate(data), data: data,
		attachments: attachmentsByID(sub.Attachments), token: sub.Token,
		names: s.appointmentNames(c.Request().Context(), lang, compiled, data, currentAppointments(sub))}
	v := &trackingView{
		Sub: sub, FormTitle: compiled.Def.Title,
		Date:          s.dateTime(sub.CreatedAt),
		Status:        statusLabel(lang, sub.Status),
		StatusDate:    s.dateTime(sub.CreatedAt),
		Progress:      progress(lang, sub.Status),
		TakenInCharge: s.dateOf(sub.TakenInChargeAt),
		Due:           s.dateOf(sub.DueAt),
		Summary:       summaryView{tr: tr{Lang: lang}, Steps: z.steps()},
	}
	for _, e := range sub.Timeline {
		if key, ok := appointmentEventKeys[e.Type]; ok && !e.Internal {
			entry := timelineEntry{Date: s.dateTime(e.At), Label: msg.T(lang, key), Message: e.Message}
			v.Timeline = append(v.Timeline, entry)
			if e.Message != "" && e.Actor != modulario.ActorCitizen {
				v.Messages = append(v.Messages, entry)
			}
			continue
		}
		if e.Internal || e.Type != modulario.EventTypeReceived && e.Type != modulario.EventTypeStatusChanged {
			continue
		}
		entry := timelineEntry{Date: s.dateTime(e.At), Label: statusLabel(lang, e.Status), Message: e.Message}
		if e.Status == "" {
			entry.Label = statusLabel(lang, modulario.StatusReceived)
		}
		v.Timeline = append(v.Timeline, entry)
		if e.Type == modulario.EventTypeStatusChanged && e.Status == sub.Status {
			v.StatusDate = entry.Date
		}
		if e.Message != "" && e.Actor != modulario.ActorCitizen {
			v.Messages = append(v.Messages, entry)
		}
	}
	for _, a := range sub.Attachments {
		v.Files = append(v.Files, fileLink{Name: a.Name, Size: fileSize(a.Size, lang),
			URL: link(c, "/allegati/"+sub.Token+"/"+a.ID)})
	}
	if s.cfg.Workflow != nil && sub.Status == modulario.StatusWaiting {
		v.Integration = &integrationForm{Action: link(c, "/pratiche/"+sub.Token+"/integrazione"),
			MaxFiles: maxIntegrationFiles, Accept: integrationAcceptAttr()}
	}
	if s.cfg.Workflow != nil && sub.Open() && len(upcomingAppointments(sub, s.cfg.Now())) == 0 {
		// With an active appointment "Annulla l'appuntamento" withdraws the
		// request and frees the slot: one way to cancel, not two.
		v.WithdrawURL = link(c, "/pratiche/"+sub.Token+"/annulla")
	}
	apps, err := s.appointmentViews(c, sub, compiled, true)
	if err != nil {
		return nil, err
	}
	v.Appointments = apps
	return v, nil
}

// progress is the lifecycle in three phases: received, being worked on
// (in charge, waiting for or having received an integration), closed.
func progress(lang string, st modulario.SubmissionStatus) []progressPhase {
	second, last := modulario.StatusInCharge, modulario.StatusConcluded
	current := 1
	switch {
	case st == modulario.StatusReceived:
		current = 0
	case st.Closed():
		current, last = 2, st
	default:
		second = st
	}
	phases := []progressPhase{
		{Label: statusLabel(lang, modulario.StatusReceived)},
		{Label: statusLabel(lang, second)},
		{Label: statusLabel(lang, last)},
	}
	for i := range phases {
		phases[i].Done, phases[i].Current = i < current, i == current
	}
	return phases
}

// dateTime formats t for citizens, Italian time.
func (s *Server) dateTime(t time.Time) string {
	return t.In(s.location()).Format("02/01/2006 15:04")
}

// dateOf formats an optional date as 02/01/2006, "" for nil.
func (s *Server) dateOf(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(s.location()).Format("02/01/2006")
}

// statusLabel names a status for citizens.
func statusLabel(lang string, st modulario.SubmissionStatus) string {
	return msg.T(lang, "status."+string(st))
}
