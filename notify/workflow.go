package notify

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// Workflow implements modulario.WorkflowService: it evaluates the form's
// submission.status_changed rules on the request with its new status and
// stores the change with what they decide (notifications, office,
// assignee, tags, priority) in one transaction, refusing the change if
// someone else changed the status in between.
type Workflow struct {
	Submissions modulario.SubmissionService
	Rules       modulario.RuleEngine // nil: no notifications
	Logger      *slog.Logger
	// Now is the clock that tells future appointments (default time.Now).
	Now func() time.Time
}

// formLoader compiles a request's form version (*Engine does).
type formLoader interface {
	Form(ctx context.Context, slug string, version int) (*schemas.Form, error)
}

var _ modulario.WorkflowService = (*Workflow)(nil)

// Apply applies c to request id (see modulario.WorkflowService).
func (w *Workflow) Apply(ctx context.Context, id uint64, c modulario.Change) (*modulario.Submission, error) {
	if c.Empty() {
		return nil, modulario.Errorf(modulario.EINVALID, "Nothing to change.")
	}
	sub, err := w.Submissions.FindSubmission(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.IfStatus == "" {
		c.IfStatus = sub.Status
	} else if c.IfStatus != sub.Status {
		return nil, modulario.Errorf(modulario.ECONFLICT, "The request changed status in the meantime.")
	}
	var outbox []*modulario.OutboxMessage
	if c.Status != "" && c.Status != sub.Status && w.Rules != nil {
		next := *sub
		next.Status = c.Status
		if c.Office != "" {
			next.Office = c.Office
		}
		out, err := w.Rules.Evaluate(ctx, modulario.EventStatusChanged, &next)
		if err != nil {
			w.logger().ErrorContext(ctx, "status rules not applied; change stored without notifications",
				"submission", id, "form", sub.FormSlug, "version", sub.Version, "err", err)
		} else {
			outbox = out.Messages
			applyOutcome(&c, out, next.Office)
		}
	}
	outbox = append(outbox, w.cancelledAppointments(ctx, sub, c)...)
	return w.Submissions.UpdateSubmission(ctx, id, c, outbox...)
}

// applyOutcome adds what the status rules decided besides notifications
// to c, so storage applies it in the same transaction as the status: the
// office (unless c re-routes the request itself, with a reason naming the
// rules), the assignee (unless c assigns), the tags and the priority.
// office is where the request is before the rules. A rule that moves the
// request to another office drops an assignment made in the same change
// (taking it in charge, say): that operator may not work for the new
// office, where the request would then sit hidden as already taken.
func applyOutcome(c *modulario.Change, out *modulario.RuleOutcome, office string) {
	if out.Office != "" && c.Office == "" {
		c.Office, c.Reason = out.Office, "Regola «"+strings.Join(out.Rules, "», «")+"»"
		if out.Office != office {
			c.Assign = nil
		}
	}
	if out.Assignee != "" && c.Assign == nil {
		c.Assign = &out.Assignee
	}
	c.Tags = addTags(c.Tags, out.Tags...)
	if out.Priority != "" {
		c.Priority = out.Priority
	}
}

// cancelledAppointments are the e-mails telling the citizen that closing
// the request (rejected or concluded by the office; not the citizen's
// withdrawal) cancelled its future appointments, as
// Appointments.Cancel sends them; storage frees the places in the same
// transaction. None without the citizen's e-mail address or rules.
func (w *Workflow) cancelledAppointments(ctx context.Context, sub *modulario.Submission, c modulario.Change) []*modulario.OutboxMessage {
	if !c.Status.Closed() || c.Status == modulario.StatusWithdrawn || c.Status == sub.Status {
		return nil
	}
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	var future []string
	for _, ap := range sub.ActiveAppointments() {
		if ap.Start.After(now) {
			future = append(future, ap.BookingID)
		}
	}
	if len(future) == 0 {
		return nil
	}
	fl, ok := w.Rules.(formLoader)
	if !ok {
		return nil
	}
	f, err := fl.Form(ctx, sub.FormSlug, sub.Version)
	if err != nil {
		w.logger().ErrorContext(ctx, "closing the request: appointment cancellations not notified",
			"submission", sub.ID, "form", sub.FormSlug, "version", sub.Version, "err", err)
		return nil
	}
	if !hasCitizenEmail(f, sub) {
		return nil
	}
	out := make([]*modulario.OutboxMessage, 0, len(future))
	for _, id := range future {
		out = append(out, cancelledMessage(id))
	}
	return out
}

func (w *Workflow) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}
