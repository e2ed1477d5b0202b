package storagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/modulario/modulario"
)

// inboxTexts are the descriptions of the fixture's requests; searches are
// checked against them with a plain reference implementation.
var inboxTexts = []string{
	"Buca profonda in via Garibaldi davanti al civico 12",
	"Lampione spento in piazza Dante da tre sere",
	"Perché la città è così sporca? Cassonetti pieni in via Roma",
	"PERCHE non passa lo scuolabus in via Garibaldi",
	"Perdita d'acqua vicino alla fermata, Piazza DANTE",
	"Richiesta di informazioni sulla TARI",
}

// inboxFixture creates requests that vary in every filtered property and
// returns them as stored, with the time the queries run at.
func inboxFixture(t *testing.T, st Store) ([]*modulario.Submission, time.Time) {
	t.Helper()
	ctx := context.Background()
	offices := []string{"urp", "tributi", "tecnico"}
	forms := []string{"segnalazione", "assistenza", "tari"}
	tags := []string{"urgente", "zona-nord", ""}
	channels := []modulario.Channel{modulario.ChannelWeb, modulario.ChannelPhone, modulario.ChannelWeb, modulario.ChannelAPI}
	var subs []*modulario.Submission
	for i := range 48 {
		// Pairs share their creation time: the ID breaks the tie.
		at := Start.Add(time.Duration(i/2) * 7 * time.Hour)
		st.SetNow(at)
		data, _ := json.Marshal(map[string]any{"descrizione": inboxTexts[i%len(inboxTexts)], "n": i, "ok": true})
		sub := &modulario.Submission{FormSlug: forms[i%3], Version: 1, Office: offices[(i/3)%3],
			Channel: channels[i%4], Data: data}
		if tag := tags[i%5%3]; tag != "" {
			sub.Tags = []string{tag, "t" + fmt.Sprint(i%2)}
		}
		if i%4 != 0 {
			due := at.Add(time.Duration(48-i) * 5 * time.Hour)
			sub.DueAt = &due
		}
		must(t, st.Submissions.CreateSubmission(ctx, sub, ""))
		subs = append(subs, applyFixtureChanges(t, st, sub, i))
	}
	now := Start.Add(8 * 24 * time.Hour)
	st.SetNow(now)
	return subs, now
}

// applyFixtureChanges moves request i through the lifecycle, assigns and
// re-routes some, and returns it as stored.
func applyFixtureChanges(t *testing.T, st Store, sub *modulario.Submission, i int) *modulario.Submission {
	t.Helper()
	ctx := context.Background()
	paths := [][]modulario.SubmissionStatus{
		nil,
		{modulario.StatusInCharge},
		{modulario.StatusInCharge, modulario.StatusWaiting},
		{modulario.StatusInCharge, modulario.StatusConcluded},
		{modulario.StatusRejected},
		{modulario.StatusInCharge, modulario.StatusWaiting, modulario.StatusIntegrated},
	}
	out := sub
	for _, s := range paths[i%len(paths)] {
		var err error
		out, err = st.Submissions.UpdateSubmission(ctx, sub.ID, staff(modulario.Change{Status: s}))
		must(t, err)
	}
	if i%7 == 1 {
		assignee := []string{"u-anna", "u-mario"}[i%2]
		var err error
		out, err = st.Submissions.UpdateSubmission(ctx, sub.ID, staff(modulario.Change{Assign: &assignee}))
		must(t, err)
	}
	if i%11 == 5 {
		var err error
		out, err = st.Submissions.UpdateSubmission(ctx, sub.ID, staff(modulario.Change{Office: "anagrafe", Reason: "competenza"}))
		must(t, err)
	}
	return out
}

// refWords splits s like the search does: lower-case, accents folded.
func refWords(s string) []string {
	s = strings.NewReplacer("à", "a", "è", "e", "é", "e", "ì", "i", "ò", "o", "ù", "u").Replace(strings.ToLower(s))
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// refMatch is the reference meaning of an InboxFilter.
func refMatch(s *modulario.Submission, f modulario.InboxFilter, now time.Time) bool {
	var data struct{ Descrizione string }
	_ = json.Unmarshal(s.Data, &data)
	ok := (f.Offices == nil || slices.Contains(f.Offices, s.Office)) &&
		(f.Form == "" || s.FormSlug == f.Form) &&
		(len(f.Statuses) == 0 || slices.Contains(f.Statuses, s.Status)) &&
		(f.Assignee == "" || s.Assignee == f.Assignee || f.Assignee == modulario.AssigneeNone && s.Assignee == "") &&
		(f.Channel == "" || s.Channel == f.Channel) &&
		(f.Tag == "" || slices.Contains(s.Tags, f.Tag)) &&
		(f.From.IsZero() || !s.CreatedAt.Before(f.From)) &&
		(f.To.IsZero() || s.CreatedAt.Before(f.To)) &&
		(!f.Overdue || s.Overdue(now)) &&
		(f.Sort != modulario.SortDue || s.Open() && s.DueAt != nil)
	if !ok || f.Text == "" {
		return ok
	}
	if f.Text == s.Number {
		return true
	}
	words := refWords(data.Descrizione)
	for _, w := range refWords(f.Text) {
		if !slices.Contains(words, w) {
			return false
		}
	}
	return true
}

// refList is the reference result of f, in its order.
func refList(subs []*modulario.Submission, f modulario.InboxFilter, now time.Time) []uint64 {
	var list []*modulario.Submission
	for _, s := range subs {
		if refMatch(s, f, now) {
			list = append(list, s)
		}
	}
	slices.SortFunc(list, func(a, b *modulario.Submission) int {
		switch f.Sort {
		case modulario.SortOldest:
			return cmpPos(a.CreatedAt, a.ID, b.CreatedAt, b.ID)
		case modulario.SortDue:
			return cmpPos(*a.DueAt, a.ID, *b.DueAt, b.ID)
		}
		return -cmpPos(a.CreatedAt, a.ID, b.CreatedAt, b.ID)
	})
	ids := make([]uint64, len(list))
	for i, s := range list {
		ids[i] = s.ID
	}
	return ids
}

func cmpPos(ta time.Time, a uint64, tb time.Time, b uint64) int {
	if c := ta.Compare(tb); c != 0 {
		return c
	}
	return int(a) - int(b)
}

// pages lists every page of f with limit and returns the IDs in order.
func pages(t *testing.T, st Store, f modulario.InboxFilter, limit int) []uint64 {
	t.Helper()
	var ids []uint64
	f.Limit = limit
	for range 100 {
		page, err := st.Submissions.ListSubmissions(context.Background(), f)
		must(t, err)
		if len(page.Items) > limit || page.Next != "" && len(page.Items) != limit {
			t.Fatalf("%+v: page of %d items, next %q", f, len(page.Items), page.Next)
		}
		for _, s := range page.Items {
			ids = append(ids, s.ID)
		}
		if page.Next == "" {
			return ids
		}
		f.Cursor = page.Next
	}
	t.Fatalf("%+v: more than 100 pages", f)
	return nil
}
