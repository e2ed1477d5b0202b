package modulario

import (
	"context"
	"time"
)

// RetentionAction is what happens to a concluded request when its form's
// retention period has passed.
type RetentionAction string

// Retention actions.
const (
	// RetentionDelete removes the request with its attachments, bookings
	// and outbox messages; only the request number stays used.
	RetentionDelete RetentionAction = "delete"
	// RetentionAnonymise keeps the request for statistics (form, version,
	// office, status, channel, dates, tags, priority, rating) and drops
	// everything personal: answers, attachments, references, timeline
	// messages and actors, assignee, tracking token.
	RetentionAnonymise RetentionAction = "anonymise"
)

// RetentionPolicy is a form's retention rule: requests closed (concluded,
// rejected or withdrawn) more than Months months ago get Action.
type RetentionPolicy struct {
	Months int             `json:"months"`
	Action RetentionAction `json:"action"`
}

// Valid reports whether p names a positive period and a known action.
func (p RetentionPolicy) Valid() bool {
	return p.Months > 0 && (p.Action == RetentionDelete || p.Action == RetentionAnonymise)
}

// Cutoff is the closing time before which a request falls under p at now:
// the same day and time Months months earlier, or the last day of that
// month when it is shorter (31 March minus one month is 28 or 29
// February, never 3 March: a request is never removed early).
func (p RetentionPolicy) Cutoff(now time.Time) time.Time {
	y, m, d := now.Date()
	first := time.Date(y, m-time.Month(p.Months), 1, now.Hour(), now.Minute(), now.Second(), now.Nanosecond(), now.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// RetentionResult counts what one retention run did to one form.
type RetentionResult struct {
	Form       string `json:"form"`
	Deleted    int    `json:"deleted"`
	Anonymised int    `json:"anonymised"`
}

// RetentionService applies retention policies.
type RetentionService interface {
	// ApplyRetention deletes or anonymises, in batches of committed
	// transactions, the requests of form whose ClosedAt is before
	// closedBefore and whose status is closed. Requests already anonymised
	// are left alone. Open requests are never touched.
	ApplyRetention(ctx context.Context, form string, closedBefore time.Time, action RetentionAction) (RetentionResult, error)
}
