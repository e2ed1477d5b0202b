package modulario

import (
	"context"
	"time"
)

// Rating bounds (Designers Italia criterion C.SE.1.7: a 1–5 rating with a
// follow-up question and an optional short comment at the end of a flow).
const (
	MinRatingStars        = 1
	MaxRatingStars        = 5
	MaxRatingCommentRunes = 200
)

// RatingReasons are the keys of the answers to the follow-up question, the
// same topics for both branches: with 4–5 stars they say what went well
// ("chiarezza": the instructions were clear), with 1–3 what went wrong.
var RatingReasons = []string{"chiarezza", "completezza", "orientamento", "tecnica", "altro"}

// RatingIsPositive reports whether stars take the "what did you like"
// branch of the follow-up question (4–5) rather than "where did you
// struggle" (1–3).
func RatingIsPositive(stars int) bool { return stars >= 4 }

// Rating is a citizen's opinion of a service, given once per request at the
// end of the flow.
type Rating struct {
	ID       uint64 `json:"id"`
	FormSlug string `json:"form_slug"`
	Version  int    `json:"version"`
	// SubmissionID is the request the rating is about: one rating each.
	SubmissionID uint64 `json:"submission_id"`
	// Stars is the answer to "how easy was it", 1 to 5.
	Stars int `json:"stars"`
	// Reason is the key of the chosen answer to the follow-up question
	// (what went well for 4–5 stars, what went wrong for 1–3), one of
	// RatingReasons for ratings given on the web.
	Reason string `json:"reason,omitempty"`
	// Comment is the optional free text, at most MaxRatingCommentRunes.
	Comment   string    `json:"comment,omitempty"`
	Channel   Channel   `json:"channel"`
	CreatedAt time.Time `json:"created_at"`
}

// RatingService stores ratings.
type RatingService interface {
	// CreateRating assigns ID and CreatedAt (and Channel web if empty) and
	// stores r durably. Returns EINVALID if Stars is outside 1–5, the form
	// or submission is missing or the comment is too long, ENOTFOUND if the
	// submission does not exist, and ECONFLICT if that submission already
	// has a rating (one per request).
	CreateRating(ctx context.Context, r *Rating) error
	// ListRatings returns the ratings of a form, oldest first; an empty
	// formSlug returns every rating.
	ListRatings(ctx context.Context, formSlug string) ([]*Rating, error)
}
