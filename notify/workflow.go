package notify

import (
	"context"
	"log/slog"

	"github.com/modulario/modulario"
)

// Workflow implements modulario.WorkflowService: it evaluates the form's
// submission.status_changed rules on the request with its new status and
// stores the change with the notifications they queue, refusing the change
// if someone else changed the status in between.
type Workflow struct {
	Submissions modulario.SubmissionService
	Rules       modulario.RuleEngine // nil: no notifications
	Logger      *slog.Logger
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
			w.logger().Error("status rules not applied; change stored without notifications",
				"submission", id, "form", sub.FormSlug, "version", sub.Version, "err", err)
		} else {
			outbox = out.Messages
		}
	}
	return w.Submissions.UpdateSubmission(ctx, id, c, outbox...)
}

func (w *Workflow) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}
