package modulario

import (
	"context"
	"time"
	"unicode/utf8"
)

// Limits of a landing page, the same for the page editor, the API and page
// files imported from the command line.
const (
	PageMaxTitle       = 150       // characters
	PageMaxDescription = 300       // characters
	PageMaxBody        = 200 << 10 // bytes of Markdown
	PageMaxSlug        = 80        // bytes
)

// ValidPageSlug reports whether s can name a landing page.
func ValidPageSlug(s string) bool { return len(s) <= PageMaxSlug && ValidSlug(s) }

// ValidPageTitle reports whether t is a title within the limits (not empty).
func ValidPageTitle(t string) bool { return t != "" && utf8.RuneCountInString(t) <= PageMaxTitle }

// ValidPageDescription reports whether d is within the limit (may be empty).
func ValidPageDescription(d string) bool { return utf8.RuneCountInString(d) <= PageMaxDescription }

// ValidPageBody reports whether the Markdown body is within the limit.
func ValidPageBody(b string) bool { return len(b) <= PageMaxBody }

// Page is a landing page of the service catalogue: Markdown with front
// matter (title, description, category, menu order, publish state). The
// body may place forms with the short code {{< modulo "slug" >}}.
type Page struct {
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Category    string `json:"category,omitempty"`
	// MenuOrder sorts pages within the catalogue (lower first).
	MenuOrder int    `json:"menu_order,omitempty"`
	Published bool   `json:"published"`
	Body      string `json:"body"` // Markdown
	// UpdatedBy is the user ID of the last editor.
	UpdatedBy string    `json:"updated_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PageFilter narrows ListPages.
type PageFilter struct {
	PublishedOnly bool
	Category      string
}

// PageService stores landing pages.
type PageService interface {
	// FindPage returns a page by slug. Returns ENOTFOUND.
	FindPage(ctx context.Context, slug string) (*Page, error)
	// ListPages returns pages ordered by menu order, then title.
	ListPages(ctx context.Context, filter PageFilter) ([]*Page, error)
	// SavePage creates or replaces the page with p.Slug, setting timestamps.
	// Returns EINVALID for a bad slug or an empty title.
	SavePage(ctx context.Context, p *Page) error
	// DeletePage removes a page. Returns ENOTFOUND.
	DeletePage(ctx context.Context, slug string) error
}

// Media is an uploaded image for pages and the logo, already resized and
// re-encoded (so EXIF and other metadata are gone).
type Media struct {
	ID          string    `json:"id"` // random, URL-safe
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"` // image/png, image/jpeg
	Size        int64     `json:"size"`
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	Alt         string    `json:"alt,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	Data        []byte    `json:"-"`
}

// MediaService stores uploaded images.
type MediaService interface {
	// PutMedia assigns ID and CreatedAt and stores m with its Data.
	PutMedia(ctx context.Context, m *Media) error
	// FindMedia returns an image with its Data. Returns ENOTFOUND.
	FindMedia(ctx context.Context, id string) (*Media, error)
	// ListMedia returns images newest first, without Data.
	ListMedia(ctx context.Context) ([]*Media, error)
	// DeleteMedia removes an image. Returns ENOTFOUND.
	DeleteMedia(ctx context.Context, id string) error
}
