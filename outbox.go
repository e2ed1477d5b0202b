package modulario

import (
	"context"
	"encoding/json"
	"time"
)

// Events that rules react to.
const (
	EventReceived      = "submission.received"
	EventStatusChanged = "submission.status_changed"
	// EventLookup is not a rule event: it queues the tracking link for a
	// citizen who found their request by number and e-mail or codice
	// fiscale (template "link-pratica").
	EventLookup = "submission.lookup"
)

// Notification channels.
const (
	ChannelEmailMsg = "email"
	ChannelWebhook  = "webhook"
	ChannelAppIO    = "appio"
	ChannelSMS      = "sms"
	ChannelWhatsApp = "whatsapp"
)

// OutboxStatus is where a notification stands.
type OutboxStatus string

// Outbox statuses. A message is pending until sent; a failed attempt keeps
// it pending with a later NextAttemptAt; after the last allowed attempt it
// is dead (dead letter) with the last error.
const (
	OutboxPending OutboxStatus = "pending"
	OutboxSent    OutboxStatus = "sent"
	OutboxDead    OutboxStatus = "dead"
	// OutboxSkipped: dropped unsent because it no longer applied (a
	// reminder of an appointment that was cancelled or moved).
	OutboxSkipped OutboxStatus = "skipped"
)

// OutboxMessage is a notification to send, written in the same transaction
// as the event that caused it and rendered only when it is sent, so it
// always carries the request number and current status.
type OutboxMessage struct {
	// ID is stable and unguessable: the email Message-ID and the webhook id,
	// so a receiver can de-duplicate a resend after a crash.
	ID           string `json:"id"`
	SubmissionID uint64 `json:"submission_id"`
	Event        string `json:"event"`
	// Rule is the name of the rule that queued the message.
	Rule    string `json:"rule,omitempty"`
	Channel string `json:"channel"`
	// Action is the rule's notify action as written in the definition
	// (recipients, template, endpoint...), interpreted by the channel.
	Action json.RawMessage `json:"action"`
	// Status of the submission when the event happened (status events).
	SubmissionStatus SubmissionStatus `json:"submission_status,omitempty"`
	Status           OutboxStatus     `json:"status"`
	Attempts         []Attempt        `json:"attempts,omitempty"`
	NextAttemptAt    time.Time        `json:"next_attempt_at"`
	CreatedAt        time.Time        `json:"created_at"`
	SentAt           *time.Time       `json:"sent_at,omitempty"`
	// LastError is the error of the latest failed attempt.
	LastError string `json:"last_error,omitempty"`
	// AppointmentField and AppointmentStart name the appointment a
	// reminder is about: at sending time the request must still have an
	// active appointment for that field starting then, or the message is
	// skipped.
	AppointmentField string    `json:"appointment_field,omitempty"`
	AppointmentStart time.Time `json:"appointment_start,omitempty"`
}

// Attempt records one try to send a message.
type Attempt struct {
	At       time.Time     `json:"at"`
	Duration time.Duration `json:"duration"`
	OK       bool          `json:"ok"`
	Error    string        `json:"error,omitempty"`
	// Skipped (with OK) records a message dropped unsent (OutboxSkipped);
	// Error says why.
	Skipped bool `json:"skipped,omitempty"`
}

// OutboxFilter narrows ListOutbox.
type OutboxFilter struct {
	Status       OutboxStatus // empty: any
	Channel      string       // empty: any
	SubmissionID uint64       // 0: any
	Limit        int          // 0: 100
}

// OutboxCounts are the per-channel counters for metrics.
type OutboxCounts struct {
	Pending, Sent, Dead, FailedAttempts int
}

// OutboxService stores and leases notifications.
type OutboxService interface {
	// ClaimDue returns up to limit pending messages whose NextAttemptAt is
	// not after now, oldest first, and pushes their NextAttemptAt to
	// now+lease in the same transaction, so two workers never take the same
	// message and a crash mid-send retries it after the lease.
	ClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*OutboxMessage, error)
	// RecordAttempt appends a to the message and sets its status: skipped
	// when a.Skipped, sent when a.OK, else pending with next (retry) or
	// dead when next is zero.
	// Returns ENOTFOUND.
	RecordAttempt(ctx context.Context, id string, a Attempt, next time.Time) error
	// FindOutboxMessage returns a message. Returns ENOTFOUND.
	FindOutboxMessage(ctx context.Context, id string) (*OutboxMessage, error)
	// ListOutbox returns messages, newest first.
	ListOutbox(ctx context.Context, filter OutboxFilter) ([]*OutboxMessage, error)
	// RetryOutboxMessage makes a dead (or pending) message due now.
	// Returns ENOTFOUND, or ECONFLICT for a sent message.
	RetryOutboxMessage(ctx context.Context, id string, now time.Time) error
	// CountOutbox returns counters per channel.
	CountOutbox(ctx context.Context) (map[string]OutboxCounts, error)
	// OutboxWake is signalled (non-blocking) after a commit that queued
	// messages, so the dispatcher need not poll eagerly.
	OutboxWake() <-chan struct{}
}

// RuleOutcome is what the rules decided for one event.
type RuleOutcome struct {
	// Office, when not empty, routes the submission.
	Office   string
	Assignee string
	Tags     []string
	Priority string
	// Messages are the notifications to queue in the same transaction.
	// Their ID, SubmissionID, Status and times are set by storage.
	Messages []*OutboxMessage
	// Rules lists the names of the rules that matched, in order.
	Rules []string
}

// RuleEngine evaluates a form version's rules on an event. The citizen side
// calls it before storing a submission and passes the outcome to storage.
type RuleEngine interface {
	// Evaluate runs the rules of s's form version for event. It does not
	// change s. Returns EINVALID when a rule cannot be evaluated.
	Evaluate(ctx context.Context, event string, s *Submission) (*RuleOutcome, error)
}

// WebhookEndpoint is a receiver of signed webhooks. Rules name it; its
// secret never appears in a form definition.
type WebhookEndpoint struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	// Secret is the Standard Webhooks signing key ("whsec_" + base64).
	Secret    string    `json:"secret"`
	CreatedAt time.Time `json:"created_at"`
}

// WebhookService stores webhook endpoints.
type WebhookService interface {
	// SaveWebhook creates or replaces the endpoint with e.Name; an empty
	// Secret is generated. Returns EINVALID for a bad name or URL.
	SaveWebhook(ctx context.Context, e *WebhookEndpoint) error
	// FindWebhook returns an endpoint. Returns ENOTFOUND.
	FindWebhook(ctx context.Context, name string) (*WebhookEndpoint, error)
	// ListWebhooks returns every endpoint ordered by name.
	ListWebhooks(ctx context.Context) ([]*WebhookEndpoint, error)
	// DeleteWebhook removes an endpoint. Returns ENOTFOUND.
	DeleteWebhook(ctx context.Context, name string) error
}
