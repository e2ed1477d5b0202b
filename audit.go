package modulario

import (
	"context"
	"time"
)

// AuditEntry records one change made by staff (or a view of personal data):
// who, when, what. Entries are append-only.
type AuditEntry struct {
	// Seq is assigned by RecordAudit, increasing.
	Seq uint64    `json:"seq"`
	At  time.Time `json:"at"`
	// Actor is the user ID, or "cli" / "system".
	Actor string `json:"actor"`
	// ActorName is the actor's e-mail address at the time, for reading.
	ActorName string `json:"actor_name,omitempty"`
	// Action is a dotted verb: "form.publish", "user.create", "page.save".
	Action string `json:"action"`
	// Target names the object: "form:segnalazione-disservizio", "user:ID".
	Target string `json:"target"`
	// Detail is a short English sentence; never a password or token.
	Detail string `json:"detail,omitempty"`
	IP     string `json:"ip,omitempty"`
}

// AuditFilter narrows ListAudit; zero values match everything.
type AuditFilter struct {
	Actor  string
	Target string // exact, or a prefix ending in ":" ("form:")
	// Before returns entries with Seq < Before (0: from the newest).
	Before uint64
	Limit  int // default 50, at most 500
}

// AuditService stores the audit log.
type AuditService interface {
	// RecordAudit assigns Seq (and At when zero) and appends e.
	RecordAudit(ctx context.Context, e *AuditEntry) error
	// ListAudit returns entries newest first.
	ListAudit(ctx context.Context, filter AuditFilter) ([]*AuditEntry, error)
}
