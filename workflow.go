package modulario

import (
	"context"
	"strconv"
	"time"
)

// Closed reports whether st ends a request's life (concluded, rejected or
// withdrawn by the citizen).
func (st SubmissionStatus) Closed() bool {
	return st == StatusConcluded || st == StatusRejected || st == StatusWithdrawn
}

// Statuses lists every status in lifecycle order, for filters and charts.
var Statuses = []SubmissionStatus{
	StatusReceived, StatusInCharge, StatusWaiting, StatusIntegrated,
	StatusConcluded, StatusRejected, StatusWithdrawn,
}

// staffTransitions are the statuses staff may set from each status:
// Ricevuta → Presa in carico → (In attesa di integrazione ↔ Integrazione
// ricevuta) → Conclusa | Respinta. Only the citizen withdraws.
var staffTransitions = map[SubmissionStatus][]SubmissionStatus{
	StatusReceived:   {StatusInCharge, StatusRejected},
	StatusInCharge:   {StatusWaiting, StatusConcluded, StatusRejected},
	StatusWaiting:    {StatusIntegrated, StatusInCharge, StatusConcluded, StatusRejected},
	StatusIntegrated: {StatusInCharge, StatusWaiting, StatusConcluded, StatusRejected},
}

// NextStatuses returns the statuses staff may move a request in status
// from to, in lifecycle order; none for a closed request.
func NextStatuses(from SubmissionStatus) []SubmissionStatus {
	return append([]SubmissionStatus(nil), staffTransitions[from]...)
}

// CanTransition reports whether a request may move from one status to
// another: by staff (NextStatuses) or, with byCitizen, by the citizen, who
// may answer a request for integration (waiting → integration_received)
// and withdraw a request that is not closed.
func CanTransition(from, to SubmissionStatus, byCitizen bool) bool {
	if byCitizen {
		return (from == StatusWaiting && to == StatusIntegrated) ||
			(to == StatusWithdrawn && !from.Closed())
	}
	for _, s := range staffTransitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Change is one action on a request by staff, an API client or the
// citizen. Every non-empty part is applied in the same transaction and
// appends its own timeline event, stamped with Actor and ActorName.
type Change struct {
	// Actor is a user ID, ActorCitizen, "api:NAME" or ActorSystem.
	Actor     string
	ActorName string
	// IfStatus, when set, makes the change fail with ECONFLICT unless the
	// request is still in this status (two operators acting at once).
	IfStatus SubmissionStatus
	// Status, when set, is the new status (checked with CanTransition,
	// byCitizen when Actor is ActorCitizen). Entering in_charge (or any
	// status but withdrawn) from received sets TakenInChargeAt once; a
	// closed status sets ClosedAt. One "status_changed" event carries
	// Message and Attachments.
	Status SubmissionStatus
	// Message goes to the citizen with the status change (shown on the
	// tracking page and in the notification).
	Message string
	// Attachments are files of a citizen's integration, already stored
	// with PutAttachment under owner IntegrationOwner(id); they are moved
	// to the request and appended to Submission.Attachments.
	Attachments []Attachment
	// Note is an internal note (an "note" event, Internal).
	Note string
	// Assign, when not nil, sets the assignee (a user ID; "" unassigns):
	// an internal "assigned" event.
	Assign *string
	// Office, when set and different, re-routes the request to that office
	// with Reason: an internal "rerouted" event. The assignee is cleared.
	Office string
	Reason string
	// Tags are added to the request's tags (those it lacks), and Priority,
	// when set, replaces its priority: what the status rules decide.
	Tags     []string
	Priority string
}

// Empty reports whether c changes nothing.
func (c *Change) Empty() bool {
	return c.Status == "" && c.Note == "" && c.Assign == nil && c.Office == "" && len(c.Attachments) == 0 &&
		len(c.Tags) == 0 && c.Priority == ""
}

// IntegrationOwner is the attachment owner of files a citizen uploads to
// answer a request for integration, before UpdateSubmission claims them.
func IntegrationOwner(submissionID uint64) string {
	return "integration:" + strconv.FormatUint(submissionID, 10)
}

// InboxSort orders a list of requests.
type InboxSort string

// Sorts.
const (
	SortNewest InboxSort = "newest" // CreatedAt descending (default)
	SortOldest InboxSort = "oldest" // CreatedAt ascending
	// SortDue lists open requests with a deadline, the soonest first;
	// requests without a deadline or closed are left out.
	SortDue InboxSort = "due"
)

// AssigneeNone in InboxFilter.Assignee matches unassigned requests.
const AssigneeNone = "-"

// InboxFilter selects requests; zero values match everything.
type InboxFilter struct {
	// Offices limits the result to requests of these offices. nil means
	// every office (admins); a non-nil empty slice matches nothing (a user
	// of no office). Callers always pass the user's offices for operators.
	Offices []string
	Form    string
	// Statuses matches any of them.
	Statuses []SubmissionStatus
	// Assignee is a user ID or AssigneeNone.
	Assignee string
	Channel  Channel
	Tag      string
	// From and To bound CreatedAt: From ≤ CreatedAt < To (zero: open).
	From, To time.Time
	// Text matches requests whose answers contain every word of it (words
	// are compared case- and accent-insensitively, whole words of at least
	// 2 letters), or whose request number it is.
	Text string
	// Overdue matches open requests whose deadline passed.
	Overdue bool
	Sort    InboxSort
	// Cursor continues from the previous page's Next.
	Cursor string
	// Limit is the page size: default 25, at most 200.
	Limit int
}

// InboxPage is one page of ListSubmissions.
type InboxPage struct {
	Items []*Submission
	// Next is the cursor of the following page; empty on the last page.
	Next string
}

// WorkflowService acts on requests the way staff, API clients and citizens
// do: it evaluates the form's submission.status_changed rules against the
// request with its new status and stores the change and the resulting
// notifications together (SubmissionService.UpdateSubmission with
// IfStatus set to the status it read, so a concurrent change is refused,
// never overwritten).
type WorkflowService interface {
	// Apply applies c to request id and returns it updated. Errors as
	// UpdateSubmission. A rule that cannot be evaluated never blocks the
	// change: it is logged and the change is stored without notifications.
	Apply(ctx context.Context, id uint64, c Change) (*Submission, error)
}
