package builder

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// bulkStatuses are the statuses the bulk action may set.
var bulkStatuses = []modulario.SubmissionStatus{modulario.StatusInCharge, modulario.StatusWaiting,
	modulario.StatusIntegrated, modulario.StatusConcluded, modulario.StatusRejected}

// maxBulk caps the requests of one bulk action.
const maxBulk = 200

// bulkOutcome is the result of a bulk action: how many requests changed
// and why the others did not.
type bulkOutcome struct {
	Summary  string
	Problems []string
}

// inboxBulk applies one action to the selected requests, each with
// Workflow.Apply and IfStatus set to the status the operator saw, then
// shows the inbox again with the outcome of every request.
func (s *Server) inboxBulk(c echo.Context) error {
	action := c.FormValue("azione")
	selected := c.Request().PostForm["sel"]
	var errs []FieldError
	if len(selected) == 0 {
		errs = append(errs, FieldError{Message: s.t(c, "inbox.bulk.none")})
	} else if len(selected) > maxBulk {
		errs = append(errs, FieldError{Message: s.t(c, "inbox.bulk.too_many", maxBulk)})
	}
	msgText := strings.TrimSpace(c.FormValue("messaggio"))
	if len([]rune(msgText)) > maxMessage {
		errs = append(errs, FieldError{ID: "bulk-message", Message: s.t(c, "request.message_long", maxMessage)})
	}
	var build func(sub *modulario.Submission) (modulario.Change, bool)
	switch action {
	case "prendi":
		build = s.takeChange(c)
	case "assegna":
		build = s.bulkAssign(c, &errs)
	case "stato":
		build = s.bulkStatus(c, msgText, &errs)
	default:
		errs = append(errs, FieldError{Message: s.t(c, "inbox.bulk.no_action")})
	}
	if len(errs) > 0 {
		return s.renderInbox(c, http.StatusUnprocessableEntity, nil, errs)
	}
	out := s.applyBulk(c, action, selected, build)
	return s.renderInbox(c, http.StatusOK, out, nil)
}

// bulkAssign validates the chosen assignee and returns the change maker:
// the assignee must be assignable in each request's office.
func (s *Server) bulkAssign(c echo.Context, errs *[]FieldError) func(*modulario.Submission) (modulario.Change, bool) {
	who := c.FormValue("assegna_a")
	if who == "" {
		*errs = append(*errs, FieldError{ID: "bulk-assign", Message: s.t(c, "inbox.bulk.choose_assignee")})
		return nil
	}
	target, err := s.cfg.Users.FindUser(c.Request().Context(), who)
	if who != modulario.AssigneeNone && err != nil {
		*errs = append(*errs, FieldError{ID: "bulk-assign", Message: s.t(c, "request.assignee_invalid")})
		return nil
	}
	return func(sub *modulario.Submission) (modulario.Change, bool) {
		id := ""
		if who != modulario.AssigneeNone {
			if !assignable(target, sub.Office) {
				return modulario.Change{}, false
			}
			id = who
		}
		return modulario.Change{Assign: &id}, true
	}
}

// bulkStatus validates the chosen status and returns the change maker.
func (s *Server) bulkStatus(c echo.Context, message string, errs *[]FieldError) func(*modulario.Submission) (modulario.Change, bool) {
	st := modulario.SubmissionStatus(c.FormValue("nuovo_stato"))
	if !hasStatus(bulkStatuses, st) {
		*errs = append(*errs, FieldError{ID: "bulk-status", Message: s.t(c, "request.status_invalid")})
		return nil
	}
	return func(*modulario.Submission) (modulario.Change, bool) {
		return modulario.Change{Status: st, Message: message}, true
	}
}

// takeChange returns the change maker of "take in charge": status
// in_charge, assigned to the user when they may be assigned there.
func (s *Server) takeChange(c echo.Context) func(*modulario.Submission) (modulario.Change, bool) {
	u := userOf(c)
	return func(sub *modulario.Submission) (modulario.Change, bool) {
		ch := modulario.Change{Status: modulario.StatusInCharge}
		if assignable(u, sub.Office) {
			id := u.ID
			ch.Assign = &id
		}
		return ch, true
	}
}

// applyBulk applies build's change to every selected "ID:status" and
// audits each change.
func (s *Server) applyBulk(c echo.Context, action string, selected []string,
	build func(*modulario.Submission) (modulario.Change, bool)) *bulkOutcome {
	ctx := c.Request().Context()
	u := userOf(c)
	done := 0
	var problems []string
	seen := map[uint64]bool{}
	for _, sel := range selected {
		idText, shown, _ := strings.Cut(sel, ":")
		id, err := strconv.ParseUint(idText, 10, 64)
		if err != nil || seen[id] {
			continue
		}
		seen[id] = true
		sub, err := s.cfg.Submissions.FindSubmission(ctx, id)
		if err != nil || !canSeeSubmission(u, sub) {
			problems = append(problems, s.t(c, "inbox.bulk.p_missing", idText))
			continue
		}
		ch, ok := build(sub)
		if !ok {
			problems = append(problems, s.t(c, "inbox.bulk.p_assignee", sub.Number))
			continue
		}
		ch.Actor, ch.ActorName, ch.IfStatus = u.ID, actorName(u), modulario.SubmissionStatus(shown)
		if _, err := s.cfg.Workflow.Apply(ctx, id, ch); err != nil {
			problems = append(problems, s.bulkProblem(c, sub, err))
			continue
		}
		done++
		s.audit(c, "submission."+action, "submission:"+idText, "bulk action "+action+auditStatus(ch))
	}
	sort.Strings(problems)
	out := &bulkOutcome{Problems: problems, Summary: s.t(c, "inbox.bulk.done", done)}
	if len(problems) > 0 {
		out.Summary = s.t(c, "inbox.bulk.done_some", done, len(problems))
	}
	return out
}

// bulkProblem explains why one request of a bulk action was not changed.
func (s *Server) bulkProblem(c echo.Context, sub *modulario.Submission, err error) string {
	switch modulario.ErrorCode(err) {
	case modulario.ECONFLICT:
		return s.t(c, "inbox.bulk.p_conflict", sub.Number)
	case modulario.EINVALID:
		return s.t(c, "inbox.bulk.p_invalid", sub.Number, s.statusLabel(c, sub.Status))
	case modulario.ENOTFOUND:
		return s.t(c, "inbox.bulk.p_missing", sub.Number)
	}
	s.cfg.Logger.ErrorContext(c.Request().Context(), "bulk action failed", "submission", sub.ID, "err", err)
	return s.t(c, "inbox.bulk.p_error", sub.Number)
}

// auditStatus describes a change's new status for the audit detail.
func auditStatus(ch modulario.Change) string {
	if ch.Status != "" {
		return ": status " + string(ch.Status)
	}
	return ""
}

// actorName is how a user is named on a request's timeline.
func actorName(u *modulario.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Email
}
