package storage

import (
	"context"
	"sort"
	"strings"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// maxSlugLen caps page slugs, which become URL path segments.
const maxSlugLen = 100

// PageService stores landing pages by slug.
type PageService struct {
	db *DB
}

var _ modulario.PageService = (*PageService)(nil)

// NewPageService returns the PageService of db.
func NewPageService(db *DB) *PageService { return &PageService{db: db} }

// FindPage returns a page by slug. Returns ENOTFOUND.
func (s *PageService) FindPage(ctx context.Context, slug string) (*modulario.Page, error) {
	return findNamed[modulario.Page](ctx, s.db, bucketPages, slug, "Page not found.")
}

// ListPages returns pages ordered by menu order, then title (Italian
// collation, ignoring case), then slug.
func (s *PageService) ListPages(ctx context.Context, filter modulario.PageFilter) ([]*modulario.Page, error) {
	list, err := listNamed(ctx, s.db, bucketPages, func(p *modulario.Page) bool {
		return (!filter.PublishedOnly || p.Published) &&
			(filter.Category == "" || strings.EqualFold(p.Category, filter.Category))
	})
	if err != nil {
		return nil, err
	}
	col := collate.New(language.Italian, collate.IgnoreCase)
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.MenuOrder != b.MenuOrder {
			return a.MenuOrder < b.MenuOrder
		}
		if c := col.CompareString(a.Title, b.Title); c != 0 {
			return c < 0
		}
		return a.Slug < b.Slug
	})
	return list, nil
}

// SavePage creates or replaces the page with p.Slug, keeping the first
// CreatedAt and recording the context's actor as UpdatedBy. On success p
// holds the stored values. Returns EINVALID for a bad slug or an empty title.
func (s *PageService) SavePage(ctx context.Context, p *modulario.Page) error {
	out := *p
	out.Title = strings.TrimSpace(out.Title)
	out.Category = strings.TrimSpace(out.Category)
	fields := map[string]string{}
	if !modulario.ValidSlug(out.Slug) || len(out.Slug) > maxSlugLen {
		fields["/slug"] = "Use lowercase letters, digits and single hyphens (at most 100 characters)."
	}
	if out.Title == "" {
		fields["/title"] = "The page needs a title."
	}
	if len(fields) > 0 {
		return &modulario.Error{Code: modulario.EINVALID, Message: "The page is not valid.", Fields: fields}
	}
	if actor := modulario.ActorFromContext(ctx); actor != "" {
		out.UpdatedBy = actor
	}
	err := s.db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPages)
		var old modulario.Page
		found, err := getJSON(b, []byte(out.Slug), &old)
		if err != nil {
			return err
		}
		out.UpdatedAt = s.db.now()
		out.CreatedAt = out.UpdatedAt
		if found {
			out.CreatedAt = old.CreatedAt
		}
		return putJSON(b, []byte(out.Slug), &out)
	})
	if err == nil {
		*p = out
	}
	return err
}

// DeletePage removes a page. Returns ENOTFOUND.
func (s *PageService) DeletePage(ctx context.Context, slug string) error {
	return s.db.update(ctx, func(tx *bolt.Tx) error {
		return deleteNamed(tx.Bucket(bucketPages), slug, "Page not found.")
	})
}
