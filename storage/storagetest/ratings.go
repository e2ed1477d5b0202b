package storagetest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// openRatings opens a store with ratings, skipping t if it has none.
func openRatings(t *testing.T, open Opener) Store {
	t.Helper()
	st := openAt(t, open, Start)
	if st.Ratings == nil {
		t.Skip("the store has no RatingService")
	}
	return st
}

// newRating submits a request of slug and returns a rating of it.
func newRating(t *testing.T, st Store, slug string, stars int) *modulario.Rating {
	t.Helper()
	sub := NewSubmission(slug)
	must(t, st.Submissions.CreateSubmission(context.Background(), sub, ""))
	return &modulario.Rating{FormSlug: slug, Version: sub.Version, SubmissionID: sub.ID, Stars: stars}
}

func testRatings(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openRatings(t, open)
	list, err := st.Ratings.ListRatings(ctx, "acqua")
	must(t, err)
	if len(list) != 0 {
		t.Fatalf("empty store lists %d ratings", len(list))
	}

	for _, stars := range []int{0, 6, -1} {
		err := st.Ratings.CreateRating(ctx, newRating(t, st, "acqua", stars))
		WantCode(t, err, modulario.EINVALID)
	}
	long := newRating(t, st, "acqua", 3)
	long.Comment = strings.Repeat("è", modulario.MaxRatingCommentRunes+1)
	WantCode(t, st.Ratings.CreateRating(ctx, long), modulario.EINVALID)
	WantCode(t, st.Ratings.CreateRating(ctx, &modulario.Rating{FormSlug: "acqua", Stars: 3}), modulario.EINVALID)
	err = st.Ratings.CreateRating(ctx, &modulario.Rating{FormSlug: "acqua", SubmissionID: 9999, Stars: 3})
	WantCode(t, err, modulario.ENOTFOUND)

	st.SetNow(Start.Add(time.Minute))
	first := newRating(t, st, "acqua", 5)
	first.Reason, first.Comment = "indicazioni_chiare", strings.Repeat("è", modulario.MaxRatingCommentRunes)
	must(t, st.Ratings.CreateRating(ctx, first))
	if first.ID == 0 || first.Channel != modulario.ChannelWeb || !first.CreatedAt.Equal(Start.Add(time.Minute)) {
		t.Fatalf("created rating: %+v", first)
	}
	again := *first
	again.ID, again.Stars = 0, 1
	WantCode(t, st.Ratings.CreateRating(ctx, &again), modulario.ECONFLICT)

	other := newRating(t, st, "assistenza", 2)
	other.Channel = modulario.ChannelAPI
	must(t, st.Ratings.CreateRating(ctx, other))
	second := newRating(t, st, "acqua", 1)
	must(t, st.Ratings.CreateRating(ctx, second))

	list, err = st.Ratings.ListRatings(ctx, "acqua")
	must(t, err)
	if len(list) != 2 || list[0].ID != first.ID || list[1].ID != second.ID {
		t.Fatalf("ratings of acqua: %v", ratingIDs(list))
	}
	if got := list[0]; got.Stars != 5 || got.Reason != first.Reason || got.Comment != first.Comment ||
		got.SubmissionID != first.SubmissionID || got.Version != 1 || !got.CreatedAt.Equal(first.CreatedAt) {
		t.Fatalf("listed rating: %+v", got)
	}
	list, err = st.Ratings.ListRatings(ctx, "acq") // a prefix of a slug is another form
	must(t, err)
	if len(list) != 0 {
		t.Fatalf("ratings of a slug prefix: %v", ratingIDs(list))
	}
	list, err = st.Ratings.ListRatings(ctx, "")
	must(t, err)
	if len(list) != 3 || list[1].Channel != modulario.ChannelAPI {
		t.Fatalf("all ratings: %v", ratingIDs(list))
	}
}

// testRatingDuplicates rates one request from many goroutines at once:
// exactly one rating is stored.
func testRatingDuplicates(t *testing.T, open Opener) {
	const writers = 16
	ctx := context.Background()
	st := openRatings(t, open)
	r := newRating(t, st, "acqua", 4)
	var wg sync.WaitGroup
	codes := make(chan string, writers)
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dup := *r
			codes <- modulario.ErrorCode(st.Ratings.CreateRating(ctx, &dup))
		}()
	}
	wg.Wait()
	close(codes)
	ok, conflicts := 0, 0
	for code := range codes {
		switch code {
		case "":
			ok++
		case modulario.ECONFLICT:
			conflicts++
		default:
			t.Fatalf("unexpected error code %q", code)
		}
	}
	list, err := st.Ratings.ListRatings(ctx, "acqua")
	must(t, err)
	if ok != 1 || conflicts != writers-1 || len(list) != 1 {
		t.Fatalf("%d stored, %d conflicts, %d listed", ok, conflicts, len(list))
	}
}

func ratingIDs(list []*modulario.Rating) []uint64 {
	ids := make([]uint64, len(list))
	for i, r := range list {
		ids[i] = r.ID
	}
	return ids
}
