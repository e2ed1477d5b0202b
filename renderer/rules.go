package renderer

import (
	"context"

	"github.com/modulario/modulario"
)

// applyRules evaluates the form's rules for a new submission: it routes the
// submission and returns the notifications to store with it. A rule that
// cannot be evaluated must never cost the citizen their request: it is
// logged and the submission is stored with the form's default routing.
func (s *Server) applyRules(ctx context.Context, sub *modulario.Submission) []*modulario.OutboxMessage {
	if s.cfg.Rules == nil {
		return nil
	}
	out, err := s.cfg.Rules.Evaluate(ctx, modulario.EventReceived, sub)
	if err != nil {
		s.cfg.Logger.ErrorContext(ctx, "rules not applied; submission stored with default routing",
			"form", sub.FormSlug, "version", sub.Version, "err", err)
		return nil
	}
	if out.Office != "" {
		sub.Office = out.Office
	}
	sub.Assignee, sub.Tags, sub.Priority = out.Assignee, out.Tags, out.Priority
	return out.Messages
}
