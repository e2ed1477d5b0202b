package storage

import (
	"bytes"
	"context"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// ListVersions returns every version of a form, newest first, with the
// draft (if any) first of all. Returns ENOTFOUND if the form is missing.
func (s *FormService) ListVersions(ctx context.Context, slug string) ([]*modulario.Version, error) {
	var list []*modulario.Version
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		form, err := findForm(tx, slug)
		if err != nil {
			return err
		}
		prefix := joinKey([]byte(slug), nil)
		c := tx.Bucket(bucketVersions).Cursor()
		var draft *modulario.Version
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			var ver modulario.Version
			if _, err := getJSON(tx.Bucket(bucketVersions), k, &ver); err != nil {
				return err
			}
			if ver.Number == form.Draft {
				draft = &ver
				continue
			}
			list = append(list, &ver)
		}
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
		if draft != nil {
			list = append([]*modulario.Version{draft}, list...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// DiscardDraft drops the unpublished draft version; the version number is
// not reused. Returns ENOTFOUND if the form is missing and ECONFLICT if it
// has no draft or was never published (delete it instead).
func (s *FormService) DiscardDraft(ctx context.Context, slug string) (*modulario.Form, error) {
	var form *modulario.Form
	err := s.db.update(ctx, func(tx *bolt.Tx) error {
		var err error
		if form, err = findForm(tx, slug); err != nil {
			return err
		}
		if form.Draft == 0 {
			return modulario.Errorf(modulario.ECONFLICT, "Form %q has no draft to discard.", slug)
		}
		if form.Published == 0 {
			return modulario.Errorf(modulario.ECONFLICT, "Form %q was never published: delete it instead.", slug)
		}
		if err := tx.Bucket(bucketVersions).Delete(versionKey(slug, form.Draft)); err != nil {
			return err
		}
		form.Draft, form.UpdatedAt, form.UpdatedBy = 0, s.db.now(), modulario.ActorFromContext(ctx)
		return putJSON(tx.Bucket(bucketForms), []byte(slug), form)
	})
	if err != nil {
		return nil, err
	}
	return form, nil
}

// SetArchived archives a form or brings it back. Versions and submissions
// stay. Returns ENOTFOUND.
func (s *FormService) SetArchived(ctx context.Context, slug string, archived bool) (*modulario.Form, error) {
	var form *modulario.Form
	err := s.db.update(ctx, func(tx *bolt.Tx) error {
		var err error
		if form, err = findForm(tx, slug); err != nil {
			return err
		}
		if form.Archived == archived {
			return nil
		}
		form.Archived, form.UpdatedAt, form.UpdatedBy = archived, s.db.now(), modulario.ActorFromContext(ctx)
		return putJSON(tx.Bucket(bucketForms), []byte(slug), form)
	})
	if err != nil {
		return nil, err
	}
	return form, nil
}

// DeleteForm removes a form that was never published, with every version
// it has. Returns ENOTFOUND, or ECONFLICT if it has a published version.
func (s *FormService) DeleteForm(ctx context.Context, slug string) error {
	return s.db.update(ctx, func(tx *bolt.Tx) error {
		form, err := findForm(tx, slug)
		if err != nil {
			return err
		}
		if form.Published > 0 {
			return modulario.Errorf(modulario.ECONFLICT, "Form %q has been published: archive it instead.", slug)
		}
		prefix := joinKey([]byte(slug), nil)
		versions := tx.Bucket(bucketVersions)
		var keys [][]byte
		c := versions.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		for _, k := range keys {
			if err := versions.Delete(k); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketForms).Delete([]byte(slug))
	})
}
