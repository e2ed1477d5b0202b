package builder

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// requestView is the data of the request detail page.
type requestView struct {
	Sub *modulario.Submission
	// Names and labels of the header.
	Form, Office, StatusLabel, Channel, Assignee, EnteredBy string
	Overdue                                                 bool
	// Steps are the answers as the citizen saw them; nil with Raw set when
	// the form version could not be loaded.
	Steps []schemas.SummaryStep
	Raw   string
	Files []fileRow
	// Appointments are the request's bookings (request_appointment.go).
	Appointments []apptRow
	Timeline     []timelineEntry
	// Choices of the action forms.
	NextStatuses []option
	Assignees    []option
	Offices      []option
	CanTake      bool
	// Input echoes the action form that failed; Errs its errors by field id.
	Input requestInput
	Errs  map[string]string
}

// fileRow is one attachment of the request, for its table.
type fileRow struct {
	ID, Name, Type, Size string
}

// requestInput is what the operator typed in an action form.
type requestInput struct {
	Status, Message, Assignee, Office, Reason, Note string
}

// timelineEntry is one line of the merged timeline: a request event, a
// view or download from the audit log, or a notification.
type timelineEntry struct {
	At       time.Time
	What     string
	Actor    string
	Detail   string
	Internal bool
	// Attempts of a notification.
	Attempts []modulario.Attempt
	// Files are the names of the files sent with the event (listed, with
	// their download links, among the attachments).
	Files []string
}

// requestDetail shows one request and records the view in the audit log.
func (s *Server) requestDetail(c echo.Context) error {
	sub, err := s.findRequest(c)
	if err != nil {
		return err
	}
	return s.renderRequest(c, http.StatusOK, sub, requestInput{}, nil)
}

// renderRequest answers the detail page of sub with status, the input of
// a failed action and its errors. Every rendering shows personal data, so
// it is recorded in the audit log as a view.
func (s *Server) renderRequest(c echo.Context, status int, sub *modulario.Submission, in requestInput, errs []FieldError) error {
	ctx := c.Request().Context()
	s.audit(c, "submission.view", "submission:"+strconv.FormatUint(sub.ID, 10), "viewed request "+sub.Number)
	dir, err := s.loadStaff(ctx)
	if err != nil {
		return err
	}
	offices, err := s.officeNames(c)
	if err != nil {
		return err
	}
	rv := &requestView{Sub: sub, Office: officeLabel(offices, sub.Office), StatusLabel: s.statusLabel(c, sub.Status),
		Channel: s.channelLabel(c, sub.Channel), Overdue: sub.Overdue(s.cfg.Now()), Input: in, Form: sub.FormSlug}
	if f, err := s.cfg.Forms.FindForm(ctx, sub.FormSlug); err == nil {
		rv.Form = f.Title
	}
	if sub.Assignee != "" {
		rv.Assignee = dir.name(sub.Assignee, "")
	}
	if sub.EnteredBy != "" {
		rv.EnteredBy = dir.name(sub.EnteredBy, "")
	}
	rv.Appointments = s.appointmentRows(c, sub)
	if form := s.formOrNil(ctx, sub); form != nil {
		data, names := answers(sub), attachmentNames(sub)
		appointmentAnswers(sub, data, rv.Appointments, names)
		rv.Steps = form.Summary(data, langOf(c), names)
	} else {
		rv.Raw = string(sub.Data)
	}
	for _, a := range sub.Attachments {
		rv.Files = append(rv.Files, fileRow{ID: a.ID, Name: a.Name, Type: a.ContentType, Size: byteSize(a.Size)})
	}
	if rv.Timeline, err = s.timeline(c, sub, dir, offices); err != nil {
		return err
	}
	s.actionChoices(c, rv, dir, offices)
	rv.Errs = map[string]string{}
	for _, e := range errs {
		if e.ID != "" {
			rv.Errs[e.ID] = e.Message
		}
	}
	v := s.view(c, s.t(c, "request.title", sub.Number), "inbox", rv)
	v.Errors = errs
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "inbox.title"), URL: inboxPath}, Crumb{Label: sub.Number})
	return s.render(c, status, "request", v)
}

// actionChoices fills the selects of the action forms.
func (s *Server) actionChoices(c echo.Context, rv *requestView, dir *staff, offices map[string]string) {
	sub := rv.Sub
	for _, st := range modulario.NextStatuses(sub.Status) {
		rv.NextStatuses = append(rv.NextStatuses, option{Value: string(st), Label: s.statusLabel(c, st),
			Selected: rv.Input.Status == string(st)})
	}
	rv.CanTake = sub.Status == modulario.StatusReceived
	sel := rv.Input.Assignee
	if sel == "" {
		sel = sub.Assignee
	}
	rv.Assignees = dir.options(dir.assignees([]string{sub.Office}), sel)
	var slugs []string
	for slug := range offices {
		if slug != sub.Office {
			slugs = append(slugs, slug)
		}
	}
	sortByName(slugs, offices)
	for _, slug := range slugs {
		rv.Offices = append(rv.Offices, option{Value: slug, Label: offices[slug], Selected: rv.Input.Office == slug})
	}
}

// attachmentNames maps a request's attachment IDs to their file names.
func attachmentNames(sub *modulario.Submission) map[string]string {
	m := make(map[string]string, len(sub.Attachments))
	for _, a := range sub.Attachments {
		m[a.ID] = a.Name
	}
	return m
}

// maxTimelineAudit bounds the views and downloads shown on a timeline.
const maxTimelineAudit = 200

// timeline merges the request's events, the views and downloads of the
// audit log and the notifications of the outbox, oldest first.
func (s *Server) timeline(c echo.Context, sub *modulario.Submission, dir *staff, offices map[string]string) ([]timelineEntry, error) {
	ctx := c.Request().Context()
	var out []timelineEntry
	names := attachmentNames(sub)
	for _, ev := range sub.Timeline {
		e := s.eventEntry(c, ev, dir, offices)
		for _, id := range ev.Attachments {
			e.Files = append(e.Files, names[id])
		}
		out = append(out, e)
	}
	entries, err := s.cfg.Audit.ListAudit(ctx, modulario.AuditFilter{
		Target: "submission:" + strconv.FormatUint(sub.ID, 10), Limit: maxTimelineAudit})
	if err != nil {
		return nil, err
	}
	for _, a := range entries {
		if a.Action != "submission.view" && a.Action != "submission.attachment" {
			continue // changes already have their own timeline events
		}
		out = append(out, timelineEntry{At: a.At, What: s.t(c, "request.ev."+a.Action),
			Actor: dir.name(a.Actor, a.ActorName), Internal: true})
	}
	if s.cfg.Outbox != nil {
		msgs, err := s.cfg.Outbox.ListOutbox(ctx, modulario.OutboxFilter{SubmissionID: sub.ID, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			out = append(out, s.outboxEntry(c, m))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// eventEntry labels one event of the request's own timeline.
func (s *Server) eventEntry(c echo.Context, ev modulario.Event, dir *staff, offices map[string]string) timelineEntry {
	e := timelineEntry{At: ev.At, Internal: ev.Internal, Detail: ev.Message}
	switch ev.Actor {
	case "", modulario.ActorSystem:
		e.Actor = s.t(c, "request.actor.system")
	case modulario.ActorCitizen:
		e.Actor = s.t(c, "request.actor.citizen")
	default:
		e.Actor = dir.name(ev.Actor, ev.ActorName)
	}
	switch ev.Type {
	case modulario.EventTypeReceived:
		e.What = s.t(c, "request.ev.received")
	case modulario.EventTypeStatusChanged:
		e.What = s.t(c, "request.ev.status", s.statusLabel(c, ev.Status))
	case modulario.EventTypeAssigned:
		if ev.Assignee == "" {
			e.What = s.t(c, "request.ev.unassigned")
		} else {
			e.What = s.t(c, "request.ev.assigned", dir.name(ev.Assignee, ""))
		}
	case modulario.EventTypeRerouted:
		e.What = s.t(c, "request.ev.rerouted", officeLabel(offices, ev.Office))
	case modulario.EventTypeNote:
		e.What = s.t(c, "request.ev.note")
	case modulario.EventTypeAppointmentCancelled:
		e.What = s.t(c, "request.ev.appt_cancelled")
	case modulario.EventTypeAppointmentMoved:
		e.What = s.t(c, "request.ev.appt_moved")
	case modulario.EventTypeCheckIn:
		e.What = s.t(c, "request.ev.check_in", s.bookingStatus(c, modulario.BookingStatus(ev.Message)))
		e.Detail = ""
	default:
		e.What = ev.Type
		if ev.Status != "" {
			e.What = s.t(c, "request.ev.status", s.statusLabel(c, ev.Status))
		}
	}
	return e
}

// outboxEntry describes one notification with its attempts.
func (s *Server) outboxEntry(c echo.Context, m *modulario.OutboxMessage) timelineEntry {
	e := timelineEntry{At: m.CreatedAt, Actor: s.t(c, "request.actor.system"), Attempts: m.Attempts,
		What: s.t(c, "request.ev.notification", m.Channel, s.t(c, "request.outbox."+string(m.Status)))}
	if m.Event == modulario.EventAppointmentReminder {
		status := s.t(c, "request.outbox."+string(m.Status))
		if m.Status == modulario.OutboxPending && m.NextAttemptAt.After(s.cfg.Now()) {
			status = s.t(c, "request.outbox.scheduled", s.formatDate(m.NextAttemptAt))
		}
		e.What = s.t(c, "request.ev.reminder", m.Channel, status)
	}
	if m.Rule != "" {
		e.Detail = s.t(c, "request.outbox.rule", m.Rule)
	}
	if m.LastError != "" && m.Status != modulario.OutboxSent {
		if e.Detail != "" {
			e.Detail += " — "
		}
		e.Detail += s.t(c, "request.outbox.error", m.LastError)
	}
	return e
}

// sortByName orders office slugs by their names.
func sortByName(slugs []string, names map[string]string) {
	sort.Slice(slugs, func(i, j int) bool { return officeLabel(names, slugs[i]) < officeLabel(names, slugs[j]) })
}

// byteSize prints a file size for people: "820 byte", "12,5 kB", "3,1 MB".
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " byte"
	case n < 1000*1000:
		return strings.Replace(strconv.FormatFloat(float64(n)/1000, 'f', 1, 64), ".", ",", 1) + " kB"
	}
	return strings.Replace(strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64), ".", ",", 1) + " MB"
}
