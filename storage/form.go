package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// FormService stores forms and their immutable versions.
type FormService struct {
	db *DB
}

var _ modulario.FormService = (*FormService)(nil)

// NewFormService returns the FormService of db.
func NewFormService(db *DB) *FormService { return &FormService{db: db} }

// FindForm returns a form by slug. Returns ENOTFOUND if it does not exist.
func (s *FormService) FindForm(ctx context.Context, slug string) (*modulario.Form, error) {
	var f *modulario.Form
	err := s.db.view(ctx, func(tx *bolt.Tx) (err error) {
		f, err = findForm(tx, slug)
		return err
	})
	return f, err
}

func findForm(tx *bolt.Tx, slug string) (*modulario.Form, error) {
	var f modulario.Form
	if ok, err := getJSON(tx.Bucket(bucketForms), []byte(slug), &f); err != nil {
		return nil, err
	} else if !ok {
		return nil, notFoundf("Form %q not found.", slug)
	}
	return &f, nil
}

// ListForms returns forms ordered by category then title, using Italian
// collation so accented letters sort where readers expect them.
func (s *FormService) ListForms(ctx context.Context, filter modulario.FormFilter) ([]*modulario.Form, error) {
	var forms []*modulario.Form
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketForms).ForEach(func(_, v []byte) error {
			var f modulario.Form
			if err := json.Unmarshal(v, &f); err != nil {
				return err
			}
			if filter.PublishedOnly && (f.Published == 0 || f.Archived) {
				return nil
			}
			if filter.Category != "" && !strings.EqualFold(f.Category, filter.Category) {
				return nil
			}
			forms = append(forms, &f)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	col := collate.New(language.Italian, collate.IgnoreCase)
	sort.SliceStable(forms, func(i, j int) bool {
		a, b := forms[i], forms[j]
		if c := col.CompareString(a.Category, b.Category); c != 0 {
			return c < 0
		}
		if c := col.CompareString(a.Title, b.Title); c != 0 {
			return c < 0
		}
		return a.Slug < b.Slug
	})
	return forms, nil
}

// FindVersion returns one version. Returns ENOTFOUND if missing.
func (s *FormService) FindVersion(ctx context.Context, slug string, number int) (*modulario.Version, error) {
	var v *modulario.Version
	err := s.db.view(ctx, func(tx *bolt.Tx) (err error) {
		v, err = findVersion(tx, slug, number)
		return err
	})
	return v, err
}

func versionKey(slug string, number int) []byte {
	return joinKey([]byte(slug), u64(uint64(number)))
}

func findVersion(tx *bolt.Tx, slug string, number int) (*modulario.Version, error) {
	var v modulario.Version
	if number <= 0 {
		return nil, notFoundf("Version %d of form %q not found.", number, slug)
	}
	if ok, err := getJSON(tx.Bucket(bucketVersions), versionKey(slug, number), &v); err != nil {
		return nil, err
	} else if !ok {
		return nil, notFoundf("Version %d of form %q not found.", number, slug)
	}
	return &v, nil
}

// SaveDraft creates the form if needed and stores def as its draft version,
// replacing an unpublished draft in place. A definition identical (by
// SHA-256 of the given bytes) to the live version drops any draft and
// reports changed=false; so does saving the same draft again. The listing
// fields in meta apply at once to a never-published form; for a published
// one they apply when the draft is published, so citizens keep seeing the
// live title. Returns EINVALID if the slug is empty or def is not JSON.
func (s *FormService) SaveDraft(ctx context.Context, meta modulario.Form, def json.RawMessage) (*modulario.Form, bool, error) {
	if meta.Slug == "" || strings.ContainsRune(meta.Slug, 0) {
		return nil, false, invalidf("The form needs a slug.")
	}
	if !json.Valid(def) {
		return nil, false, invalidf("The form definition is not valid JSON.")
	}
	sum := sha256.Sum256(def)
	hash := hex.EncodeToString(sum[:])

	var form *modulario.Form
	var changed bool
	err := s.db.update(ctx, func(tx *bolt.Tx) error {
		var err error
		form, changed, err = s.saveDraft(tx, meta, def, hash, modulario.ActorFromContext(ctx))
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return form, changed, nil
}

func (s *FormService) saveDraft(tx *bolt.Tx, meta modulario.Form, def json.RawMessage, hash, actor string) (*modulario.Form, bool, error) {
	now := s.db.now()
	versions := tx.Bucket(bucketVersions)
	form, err := findForm(tx, meta.Slug)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		form = &modulario.Form{Slug: meta.Slug, CreatedAt: now}
	} else if err != nil {
		return nil, false, err
	}

	if form.Published > 0 {
		live, err := findVersion(tx, form.Slug, form.Published)
		if err != nil {
			return nil, false, err
		}
		if live.Hash == hash {
			if form.Draft == 0 {
				return form, false, nil
			}
			if err := versions.Delete(versionKey(form.Slug, form.Draft)); err != nil {
				return nil, false, err
			}
			form.Draft, form.UpdatedAt, form.UpdatedBy = 0, now, actor
			return form, false, putJSON(tx.Bucket(bucketForms), []byte(form.Slug), form)
		}
	}
	if form.Draft > 0 {
		draft, err := findVersion(tx, form.Slug, form.Draft)
		if err != nil {
			return nil, false, err
		}
		if draft.Hash == hash {
			return form, false, nil
		}
	} else {
		// Version numbers are never reused, even for dropped drafts.
		form.Latest++
		form.Draft = form.Latest
	}
	v := modulario.Version{FormSlug: form.Slug, Number: form.Draft, Definition: def, Hash: hash, CreatedAt: now, Author: actor}
	if err := putJSON(versions, versionKey(form.Slug, v.Number), v); err != nil {
		return nil, false, err
	}
	if form.Published == 0 {
		applyListing(form, meta)
	}
	form.UpdatedAt, form.UpdatedBy = now, actor
	return form, true, putJSON(tx.Bucket(bucketForms), []byte(form.Slug), form)
}

// PublishDraft makes the current draft the live version. Returns ENOTFOUND
// if the form is missing and ECONFLICT if it has no draft.
func (s *FormService) PublishDraft(ctx context.Context, slug string) (*modulario.Form, error) {
	var form *modulario.Form
	err := s.db.update(ctx, func(tx *bolt.Tx) error {
		var err error
		if form, err = findForm(tx, slug); err != nil {
			return err
		}
		if form.Draft == 0 {
			return modulario.Errorf(modulario.ECONFLICT, "Form %q has no draft to publish.", slug)
		}
		v, err := findVersion(tx, slug, form.Draft)
		if err != nil {
			return err
		}
		now, actor := s.db.now(), modulario.ActorFromContext(ctx)
		v.PublishedAt, v.PublishedBy = &now, actor
		if err := putJSON(tx.Bucket(bucketVersions), versionKey(slug, v.Number), v); err != nil {
			return err
		}
		applyDefinitionListing(form, v.Definition)
		form.Published, form.Draft, form.UpdatedAt, form.UpdatedBy = v.Number, 0, now, actor
		return putJSON(tx.Bucket(bucketForms), []byte(slug), form)
	})
	if err != nil {
		return nil, err
	}
	return form, nil
}

// applyListing copies the listing fields of meta.
func applyListing(form *modulario.Form, meta modulario.Form) {
	form.Title, form.Summary, form.Category, form.Office = meta.Title, meta.Summary, meta.Category, meta.Office
}

// applyDefinitionListing copies the listing fields present in a form
// document; a field the document lacks keeps its current value.
func applyDefinitionListing(form *modulario.Form, def json.RawMessage) {
	var doc struct {
		Title, Summary, Category, Office *string
	}
	if json.Unmarshal(def, &doc) != nil {
		return
	}
	for _, f := range []struct {
		src *string
		dst *string
	}{{doc.Title, &form.Title}, {doc.Summary, &form.Summary}, {doc.Category, &form.Category}, {doc.Office, &form.Office}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
}
