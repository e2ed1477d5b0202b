package modulario

import (
	"context"
	"encoding/json"
	"time"
)

// FormStatus is the publication state of a form as staff see it.
type FormStatus string

// Form statuses.
const (
	FormDraft              FormStatus = "draft"           // never published
	FormPublished          FormStatus = "published"       // published, no pending draft
	FormPublishedWithDraft FormStatus = "published_draft" // published, with unpublished changes
	FormArchived           FormStatus = "archived"
)

// Form is a service that citizens can fill in. Its content lives in
// immutable Versions; Form carries what lists and routing need.
type Form struct {
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	Summary  string `json:"summary,omitempty"`
	Category string `json:"category,omitempty"`
	Office   string `json:"office,omitempty"`

	// Published is the number of the live version (0: never published).
	Published int `json:"published"`
	// Draft is the number of the unpublished draft version (0: none).
	Draft int `json:"draft"`
	// Latest is the highest version number ever used for this form.
	Latest   int  `json:"latest"`
	Archived bool `json:"archived,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// UpdatedBy is the actor (see ActorFromContext) of the last change.
	UpdatedBy string `json:"updated_by,omitempty"`
}

// Status derives the publication state.
func (f *Form) Status() FormStatus {
	switch {
	case f.Archived:
		return FormArchived
	case f.Published > 0 && f.Draft > 0:
		return FormPublishedWithDraft
	case f.Published > 0:
		return FormPublished
	default:
		return FormDraft
	}
}

// Version is one immutable snapshot of a form definition. A version becomes
// read-only once published; a draft version may be replaced until then.
type Version struct {
	FormSlug string `json:"form_slug"`
	Number   int    `json:"number"`
	// Definition is the whole form document (see schemas.Definition).
	Definition json.RawMessage `json:"definition"`
	// Hash is the hex SHA-256 of Definition, used to detect real changes.
	Hash        string     `json:"hash"`
	CreatedAt   time.Time  `json:"created_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	// Author is the actor who last saved this version as a draft;
	// PublishedBy the one who published it (see ActorFromContext).
	Author      string `json:"author,omitempty"`
	PublishedBy string `json:"published_by,omitempty"`
}

// FormFilter narrows ListForms.
type FormFilter struct {
	// PublishedOnly lists what citizens may start: published and not
	// archived. Without it every form is listed, archived ones included.
	PublishedOnly bool
	Category      string
}

// FormService stores forms and their versions.
type FormService interface {
	// FindForm returns a form by slug. Returns ENOTFOUND if it does not exist.
	FindForm(ctx context.Context, slug string) (*Form, error)
	// ListForms returns forms ordered by category then title.
	ListForms(ctx context.Context, filter FormFilter) ([]*Form, error)
	// FindVersion returns one version. Returns ENOTFOUND if missing.
	FindVersion(ctx context.Context, slug string, number int) (*Version, error)
	// SaveDraft creates the form if needed and stores def as its draft
	// version, replacing an existing unpublished draft. meta carries the
	// listing fields (title, summary, category, office) taken from def. If def
	// is identical to the live published version, any draft is dropped and
	// changed is false.
	SaveDraft(ctx context.Context, meta Form, def json.RawMessage) (form *Form, changed bool, err error)
	// PublishDraft makes the current draft the live version. Returns
	// ENOTFOUND if the form is missing and ECONFLICT if it has no draft.
	PublishDraft(ctx context.Context, slug string) (*Form, error)
	// ListVersions returns every version of a form, newest first (the
	// draft, if any, first of all). Returns ENOTFOUND if the form is missing.
	ListVersions(ctx context.Context, slug string) ([]*Version, error)
	// DiscardDraft drops the unpublished draft version. Returns ENOTFOUND
	// if the form is missing and ECONFLICT if it has no draft or was never
	// published (delete it instead).
	DiscardDraft(ctx context.Context, slug string) (*Form, error)
	// SetArchived archives a form (citizens can no longer start it; old
	// submissions and versions stay) or brings it back. Returns ENOTFOUND.
	SetArchived(ctx context.Context, slug string, archived bool) (*Form, error)
	// DeleteForm removes a form that was never published, with its draft.
	// Returns ENOTFOUND, or ECONFLICT if it has a published version.
	DeleteForm(ctx context.Context, slug string) error
}
