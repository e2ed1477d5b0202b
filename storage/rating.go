package storage

import (
	"bytes"
	"context"
	"unicode/utf8"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// RatingService stores citizens' ratings of services.
type RatingService struct {
	db *DB
}

var _ modulario.RatingService = (*RatingService)(nil)

// NewRatingService returns the RatingService of db.
func NewRatingService(db *DB) *RatingService { return &RatingService{db: db} }

// CreateRating assigns ID, CreatedAt and (if empty) Channel, and stores r
// with its indexes in one committed transaction. Returns EINVALID for stars
// outside 1–5, a missing form or submission or a comment over 200
// characters, ENOTFOUND if the submission does not exist and ECONFLICT if
// the submission already has a rating.
func (s *RatingService) CreateRating(ctx context.Context, r *modulario.Rating) error {
	if err := validateRating(r); err != nil {
		return err
	}
	var out modulario.Rating
	err := s.db.batch(ctx, func(tx *bolt.Tx) error {
		// Batch may run this more than once: build out from scratch each time.
		out = *r
		return s.create(tx, &out)
	})
	if err != nil {
		return err
	}
	*r = out
	return nil
}

func validateRating(r *modulario.Rating) error {
	switch {
	case r.Stars < modulario.MinRatingStars || r.Stars > modulario.MaxRatingStars:
		return invalidf("The rating must be from %d to %d stars.", modulario.MinRatingStars, modulario.MaxRatingStars)
	case r.FormSlug == "":
		return invalidf("The rating needs a form.")
	case r.SubmissionID == 0:
		return invalidf("The rating needs a request.")
	case utf8.RuneCountInString(r.Comment) > modulario.MaxRatingCommentRunes:
		return invalidf("The comment is longer than %d characters.", modulario.MaxRatingCommentRunes)
	}
	return nil
}

// create fills in r and writes it with its indexes inside tx.
func (s *RatingService) create(tx *bolt.Tx, r *modulario.Rating) error {
	subID := u64(r.SubmissionID)
	if tx.Bucket(bucketSubmissions).Get(subID) == nil {
		return notFoundf("Request not found.")
	}
	bySub := tx.Bucket(bucketRatingsBySubmission)
	if bySub.Get(subID) != nil {
		return modulario.Errorf(modulario.ECONFLICT, "This request has already been rated.")
	}
	ratings := tx.Bucket(bucketRatings)
	id, err := ratings.NextSequence()
	if err != nil {
		return err
	}
	r.ID = id
	if r.CreatedAt.IsZero() {
		r.CreatedAt = s.db.now()
	}
	r.CreatedAt = r.CreatedAt.Round(0)
	if r.Channel == "" {
		r.Channel = modulario.ChannelWeb
	}
	if err := putJSON(ratings, u64(id), r); err != nil {
		return err
	}
	if err := bySub.Put(subID, u64(id)); err != nil {
		return err
	}
	return tx.Bucket(bucketRatingsByForm).Put(joinKey([]byte(r.FormSlug), u64(id)), nil)
}

// ListRatings returns the ratings of formSlug in creation order, or every
// rating when formSlug is empty.
func (s *RatingService) ListRatings(ctx context.Context, formSlug string) ([]*modulario.Rating, error) {
	list := []*modulario.Rating{}
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		ratings := tx.Bucket(bucketRatings)
		if formSlug == "" {
			return ratings.ForEach(func(k, _ []byte) error {
				return appendRating(ratings, k, &list)
			})
		}
		prefix := joinKey([]byte(formSlug), nil)
		cur := tx.Bucket(bucketRatingsByForm).Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			if err := appendRating(ratings, k[len(prefix):], &list); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

func appendRating(ratings *bolt.Bucket, id []byte, list *[]*modulario.Rating) error {
	var r modulario.Rating
	if ok, err := getJSON(ratings, id, &r); err != nil {
		return err
	} else if ok {
		*list = append(*list, &r)
	}
	return nil
}
