package notify

import (
	"encoding/json"
	"slices"

	"github.com/modulario/modulario"
)

// ruleAction is any action of a rule, as written in the definition; the
// meta-schema guarantees exactly one kind per action.
type ruleAction struct {
	Route    *string  `json:"route"`
	Assign   *string  `json:"assign"`
	Tag      *string  `json:"tag"`
	Tags     []string `json:"tags"`
	Priority *string  `json:"priority"`
	Notify   *string  `json:"notify"`
}

// applyAction adds one action's effect to the outcome: routing, assignee,
// tags (deduplicated), priority, or a queued message for notify actions.
func applyAction(out *modulario.RuleOutcome, event string, s *modulario.Submission, rule string, raw json.RawMessage) error {
	var a ruleAction
	if err := json.Unmarshal(raw, &a); err != nil {
		return &modulario.Error{Code: modulario.EINVALID, Message: "A rule action is not valid.", Err: err}
	}
	switch {
	case a.Route != nil:
		out.Office = *a.Route
	case a.Assign != nil:
		out.Assignee = *a.Assign
	case a.Tag != nil:
		out.Tags = addTags(out.Tags, *a.Tag)
	case a.Tags != nil:
		out.Tags = addTags(out.Tags, a.Tags...)
	case a.Priority != nil:
		out.Priority = *a.Priority
	case a.Notify != nil:
		m := &modulario.OutboxMessage{Event: event, Rule: rule, Channel: *a.Notify,
			Action: append(json.RawMessage(nil), raw...)}
		if event == modulario.EventStatusChanged {
			m.SubmissionStatus = s.Status
		}
		out.Messages = append(out.Messages, m)
	}
	return nil
}

// addTags appends the tags not yet in list.
func addTags(list []string, tags ...string) []string {
	for _, t := range tags {
		if t != "" && !slices.Contains(list, t) {
			list = append(list, t)
		}
	}
	return list
}
