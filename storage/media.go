package storage

import (
	"bytes"
	"context"
	"sort"
	"strings"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// MaxMediaSize caps one uploaded image (after re-encoding) in bytes.
const MaxMediaSize = 5 << 20

// mediaTypes are the image types MediaService accepts. SVG is not one of
// them: it can carry script.
var mediaTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// MediaService stores uploaded images: metadata in one bucket, bytes in
// another, so listings never read image data.
type MediaService struct {
	db *DB
}

var _ modulario.MediaService = (*MediaService)(nil)

// NewMediaService returns the MediaService of db.
func NewMediaService(db *DB) *MediaService { return &MediaService{db: db} }

// PutMedia assigns ID, Size and CreatedAt and stores m with its Data.
// Returns ETOOLARGE above MaxMediaSize and EINVALID for empty data or a
// type other than PNG, JPEG, GIF or WebP.
func (s *MediaService) PutMedia(ctx context.Context, m *modulario.Media) error {
	if len(m.Data) > MaxMediaSize {
		return modulario.Errorf(modulario.ETOOLARGE, "The image is larger than %d MB.", MaxMediaSize>>20)
	}
	if len(m.Data) == 0 {
		return &modulario.Error{Code: modulario.EINVALID, Message: "The image is empty.",
			Fields: map[string]string{"/data": "The image is empty."}}
	}
	if !mediaTypes[m.ContentType] {
		return &modulario.Error{Code: modulario.EINVALID, Message: "Use a PNG, JPEG, GIF or WebP image.",
			Fields: map[string]string{"/content_type": "Use a PNG, JPEG, GIF or WebP image."}}
	}
	out := *m
	out.Name = strings.TrimSpace(out.Name)
	out.Size = int64(len(m.Data))
	err := s.db.update(ctx, func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMedia)
		out.ID = newToken(12)
		for meta.Get([]byte(out.ID)) != nil {
			out.ID = newToken(12)
		}
		out.CreatedAt = s.db.now()
		if err := tx.Bucket(bucketMediaData).Put([]byte(out.ID), out.Data); err != nil {
			return err
		}
		return putJSON(meta, []byte(out.ID), &out)
	})
	if err == nil {
		*m = out
	}
	return err
}

// FindMedia returns an image with its Data. Returns ENOTFOUND.
func (s *MediaService) FindMedia(ctx context.Context, id string) (*modulario.Media, error) {
	var m modulario.Media
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		if err := getNamed(tx.Bucket(bucketMedia), id, &m, "Image not found."); err != nil {
			return err
		}
		m.Data = bytes.Clone(tx.Bucket(bucketMediaData).Get([]byte(id)))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// ListMedia returns images newest first, without Data.
func (s *MediaService) ListMedia(ctx context.Context) ([]*modulario.Media, error) {
	list, err := listNamed[modulario.Media](ctx, s.db, bucketMedia, nil)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].CreatedAt.Equal(list[j].CreatedAt) {
			return list[i].CreatedAt.After(list[j].CreatedAt)
		}
		return list[i].Name < list[j].Name
	})
	return list, nil
}

// DeleteMedia removes an image. Returns ENOTFOUND.
func (s *MediaService) DeleteMedia(ctx context.Context, id string) error {
	return s.db.update(ctx, func(tx *bolt.Tx) error {
		if err := deleteNamed(tx.Bucket(bucketMedia), id, "Image not found."); err != nil {
			return err
		}
		return tx.Bucket(bucketMediaData).Delete([]byte(id))
	})
}
