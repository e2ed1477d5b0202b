package modulario

import (
	"context"
	"time"
)

// Office is a unit of the comune that handles requests (URP, anagrafe,
// ufficio tecnico). Routing sets a submission's Office to its Slug.
type Office struct {
	Slug   string   `json:"slug"`
	Name   string   `json:"name"`
	Emails []string `json:"emails,omitempty"`
	// PEC is the certified e-mail address, optional.
	PEC       string    `json:"pec,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// OfficeService stores offices.
type OfficeService interface {
	// FindOffice returns an office by slug. Returns ENOTFOUND.
	FindOffice(ctx context.Context, slug string) (*Office, error)
	// ListOffices returns every office ordered by name.
	ListOffices(ctx context.Context) ([]*Office, error)
	// SaveOffice creates or replaces the office with o.Slug. Returns
	// EINVALID for a bad slug, a missing name or an invalid address.
	SaveOffice(ctx context.Context, o *Office) error
	// DeleteOffice removes an office. Returns ENOTFOUND.
	DeleteOffice(ctx context.Context, slug string) error
}
