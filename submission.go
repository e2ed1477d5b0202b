package modulario

import (
	"context"
	"encoding/json"
	"time"
)

// SubmissionStatus is where a request stands in its life.
type SubmissionStatus string

// Submission statuses (the full lifecycle arrives with the back-office).
const (
	StatusReceived   SubmissionStatus = "received"
	StatusInCharge   SubmissionStatus = "in_charge"
	StatusWaiting    SubmissionStatus = "waiting_integration"
	StatusIntegrated SubmissionStatus = "integration_received"
	StatusConcluded  SubmissionStatus = "concluded"
	StatusRejected   SubmissionStatus = "rejected"
	StatusWithdrawn  SubmissionStatus = "withdrawn"
)

// Channel is how a request reached the comune.
type Channel string

// Channels.
const (
	ChannelWeb     Channel = "web"
	ChannelAPI     Channel = "api"
	ChannelPhone   Channel = "phone"
	ChannelCounter Channel = "counter"
	ChannelEmail   Channel = "email"
)

// Submission is a citizen's request made against one version of a form.
type Submission struct {
	ID uint64 `json:"id"`
	// Number is the request number shown to the citizen, "YYYY-NNNNNNN",
	// sequential per calendar year and never reused.
	Number string `json:"number"`
	// Token is the unguessable key of the private tracking page.
	Token    string   `json:"token"`
	FormSlug string   `json:"form_slug"`
	Version  int      `json:"version"`
	Office   string   `json:"office,omitempty"`
	Assignee string   `json:"assignee,omitempty"`
	Tags     []string `json:"tags,omitempty"`
	Priority string   `json:"priority,omitempty"`
	// References are identifiers returned by back-office systems (e.g. a
	// protocol number from a webhook receiver), by source.
	References map[string]string `json:"references,omitempty"`
	Status     SubmissionStatus  `json:"status"`
	Channel    Channel           `json:"channel"`
	// Data is the answers as a JSON object, valid against the version's schema.
	Data        json.RawMessage `json:"data"`
	Attachments []Attachment    `json:"attachments,omitempty"`
	Timeline    []Event         `json:"timeline,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	// TakenInChargeAt is when the request first left "received" for a
	// status other than withdrawn (C.SE.1.10: "data di presa in carico").
	TakenInChargeAt *time.Time `json:"taken_in_charge_at,omitempty"`
	// ClosedAt is when the request reached a closed status (concluded,
	// rejected, withdrawn).
	ClosedAt *time.Time `json:"closed_at,omitempty"`
	// DueAt is the deadline: CreatedAt plus the form's deadline_days, set
	// by the side that creates the request; nil when the form sets none.
	DueAt *time.Time `json:"due_at,omitempty"`
	// EnteredBy is the user ID of the staff member who entered a request
	// for a citizen who phoned or came to the counter.
	EnteredBy string `json:"entered_by,omitempty"`
	// AnonymisedAt is when the form's retention policy stripped the
	// request of its personal data (see RetentionAnonymise); nil before.
	AnonymisedAt *time.Time `json:"anonymised_at,omitempty"`
	// Appointments are the slots booked by the request's appointment
	// fields. The creating side sets Field, Calendar, Start and Name;
	// storage confirms them (see BookingService) and fills in BookingID,
	// End and Status, and keeps them in step with the bookings.
	Appointments []Appointment `json:"appointments,omitempty"`
}

// ActiveAppointments returns the appointments that keep their place.
func (s *Submission) ActiveAppointments() []Appointment {
	var out []Appointment
	for _, a := range s.Appointments {
		if a.Status.Active() {
			out = append(out, a)
		}
	}
	return out
}

// Open reports whether the request is still being worked on.
func (s *Submission) Open() bool { return !s.Status.Closed() }

// Overdue reports whether the request is open and its deadline passed.
func (s *Submission) Overdue(now time.Time) bool {
	return s.Open() && s.DueAt != nil && now.After(*s.DueAt)
}

// Timeline event types.
const (
	EventTypeReceived      = "received"       // the request arrived
	EventTypeStatusChanged = "status_changed" // Status is the new status
	EventTypeAssigned      = "assigned"       // Assignee is the new assignee ("" unassigned)
	EventTypeRerouted      = "rerouted"       // Office is the new office, Message the reason
	EventTypeNote          = "note"           // internal note by staff
)

// Event is one entry of a submission's timeline.
type Event struct {
	Type    string           `json:"type"` // one of the EventType constants
	Status  SubmissionStatus `json:"status,omitempty"`
	Message string           `json:"message,omitempty"`
	At      time.Time        `json:"at"`
	// Actor is who caused the event: a user ID, ActorCitizen, "api:NAME"
	// for an API token, or ActorSystem; empty on events older than this
	// field.
	Actor string `json:"actor,omitempty"`
	// ActorName is the actor's name or e-mail at the time, for reading.
	ActorName string `json:"actor_name,omitempty"`
	// Internal events (notes, assignments, re-routing) are never shown to
	// the citizen.
	Internal bool   `json:"internal,omitempty"`
	Office   string `json:"office,omitempty"`
	Assignee string `json:"assignee,omitempty"`
	// Attachments are the IDs of files sent with the event (a citizen's
	// integration); they are also listed in Submission.Attachments.
	Attachments []string `json:"attachments,omitempty"`
}

// Event actors that are not users.
const (
	ActorCitizen = "citizen"
	ActorSystem  = "system"
)

// Attachment describes an uploaded file. Its content is stored apart from
// the JSON of drafts and submissions.
type Attachment struct {
	// ID is an unguessable identifier; the answer of a file field holds it.
	ID string `json:"id"`
	// Pointer is the JSON pointer of the field the file answers.
	Pointer     string    `json:"pointer"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
}

// SubmissionService stores submissions durably.
type SubmissionService interface {
	// CreateSubmission assigns ID, Number, Token, timestamps and the
	// "received" event, and stores s durably (fsynced) before returning.
	// s.Attachments are attachments already stored with PutAttachment
	// (e.g. uploaded in draft steps); they become owned by the submission.
	// If draftToken is not empty that draft is deleted in the same
	// transaction. Returns EINVALID if an attachment is unknown or owned by
	// someone else, and ENOTFOUND if the draft no longer exists (so a
	// double click cannot create two requests).
	//
	// outbox are the notifications the rules queued for the event; they are
	// written in the same transaction (IDs, status and times assigned here).
	CreateSubmission(ctx context.Context, s *Submission, draftToken string, outbox ...*OutboxMessage) error
	// ChangeStatus sets a submission's status, appends a timeline event
	// with message, and queues outbox in the same transaction. Returns
	// ENOTFOUND.
	ChangeStatus(ctx context.Context, id uint64, status SubmissionStatus, message string, outbox ...*OutboxMessage) (*Submission, error)
	// SetReference stores a back-office reference on a submission (e.g. the
	// protocol number a webhook receiver returned). Returns ENOTFOUND.
	SetReference(ctx context.Context, id uint64, source, reference string) error
	// FindSubmission returns a submission by ID. Returns ENOTFOUND.
	FindSubmission(ctx context.Context, id uint64) (*Submission, error)
	// FindSubmissionByToken returns a submission by tracking token.
	// Returns ENOTFOUND if none matches.
	FindSubmissionByToken(ctx context.Context, token string) (*Submission, error)
	// FindSubmissionByNumber returns a submission by request number.
	// Returns ENOTFOUND if none matches.
	FindSubmissionByNumber(ctx context.Context, number string) (*Submission, error)
	// FindSubmissionByDraft returns the submission that the draft with
	// draftToken became, for a short while after CreateSubmission (at least
	// 24 hours), so a repeated final post can show the same receipt.
	// Returns ENOTFOUND if the draft was never submitted or the link expired.
	FindSubmissionByDraft(ctx context.Context, draftToken string) (*Submission, error)
	// CountSubmissions returns the number of stored submissions.
	CountSubmissions(ctx context.Context) (int, error)

	// UpdateSubmission applies c (see Change) in one transaction, with
	// outbox queued as EventStatusChanged messages, and returns the updated
	// request. Returns ENOTFOUND, ECONFLICT when c.IfStatus is set and the
	// request's status differs (someone else acted first), and EINVALID
	// for an unknown status, a transition CanTransition refuses, an empty
	// change, or attachments not owned by IntegrationOwner(id).
	UpdateSubmission(ctx context.Context, id uint64, c Change, outbox ...*OutboxMessage) (*Submission, error)
	// QueueMessages queues notifications about request id outside a status
	// change (e.g. EventLookup: the tracking link sent again to a citizen
	// who lost it), durably, and wakes the dispatcher. msg.Event must be
	// set. Returns ENOTFOUND.
	QueueMessages(ctx context.Context, id uint64, outbox ...*OutboxMessage) error
	// ListSubmissions returns one page of the requests matching f, from
	// indexes (never a scan of every request). Returns EINVALID for a bad
	// cursor or sort.
	ListSubmissions(ctx context.Context, f InboxFilter) (*InboxPage, error)
	// EachSubmission calls fn for every request matching f in f.Sort
	// order, ignoring f.Limit and f.Cursor, reading in short transactions
	// so a long export never blocks writers. fn's error stops the walk and
	// is returned.
	EachSubmission(ctx context.Context, f InboxFilter, fn func(*Submission) error) error
}

// AttachmentService stores file contents.
type AttachmentService interface {
	// PutAttachment assigns a.ID and CreatedAt, computes Size and SHA256,
	// and stores content. Owner is "draft:<token>" while a draft holds it.
	PutAttachment(ctx context.Context, a *Attachment, owner string, content []byte) error
	// FindAttachment returns metadata and content. Returns ENOTFOUND.
	FindAttachment(ctx context.Context, id string) (*Attachment, []byte, error)
	// DeleteAttachment removes an unowned or draft-owned attachment: its
	// metadata, its content and its owner index entry. Returns ENOTFOUND if
	// it does not exist and ECONFLICT if a submission owns it.
	DeleteAttachment(ctx context.Context, id string) error
}
