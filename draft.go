package modulario

import (
	"context"
	"encoding/json"
	"time"
)

// Draft holds a citizen's answers between steps, server-side, under an
// unguessable token carried in the URL (never only in a cookie, so forms
// embedded in third-party iframes keep working).
type Draft struct {
	Token    string `json:"token"`
	FormSlug string `json:"form_slug"`
	Version  int    `json:"version"`
	// Data is the answers so far, a JSON object.
	Data json.RawMessage `json:"data"`
	// Attachments uploaded so far, by ID.
	Attachments []Attachment `json:"attachments,omitempty"`
	// Consent records acceptance of the privacy notice.
	Consent bool `json:"consent"`
	// Preview marks a staff preview of an unpublished version: it walks the
	// same steps and checks, but its final step stores no submission.
	Preview bool `json:"preview,omitempty"`
	// Channel and EnteredBy are set when staff enter a request for a
	// citizen (SignEntry): the submission takes them over.
	Channel   Channel `json:"channel,omitempty"`
	EnteredBy string  `json:"entered_by,omitempty"`
	// Step is the furthest step reached (1-based), so the stepper can mark
	// confirmed steps and the resume link lands there.
	Step      int       `json:"step"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// DraftService stores drafts.
type DraftService interface {
	// CreateDraft assigns Token and timestamps and stores d. ExpiresAt must be set.
	CreateDraft(ctx context.Context, d *Draft) error
	// FindDraft returns a draft. Returns ENOTFOUND if missing or expired.
	FindDraft(ctx context.Context, token string) (*Draft, error)
	// UpdateDraft replaces a draft's data, consent, step, attachments and
	// expiry. Returns ENOTFOUND if missing.
	UpdateDraft(ctx context.Context, d *Draft) error
	// DeleteDraft removes a draft and the attachments it owns.
	DeleteDraft(ctx context.Context, token string) error
	// PurgeExpiredDrafts deletes drafts (and their attachments) that expired
	// before now and returns how many.
	PurgeExpiredDrafts(ctx context.Context, now time.Time) (int, error)
}
