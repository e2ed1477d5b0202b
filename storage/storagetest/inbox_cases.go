package storagetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// inboxFilters are the filters the list tests check, alone and combined.
func inboxFilters(subs []*modulario.Submission) map[string]modulario.InboxFilter {
	open := []modulario.SubmissionStatus{modulario.StatusReceived, modulario.StatusInCharge, modulario.StatusWaiting}
	return map[string]modulario.InboxFilter{
		"all":                       {},
		"office":                    {Offices: []string{"urp"}},
		"two offices":               {Offices: []string{"tributi", "anagrafe"}},
		"unknown office":            {Offices: []string{"nessuno"}},
		"form":                      {Form: "assistenza"},
		"status":                    {Statuses: []modulario.SubmissionStatus{modulario.StatusReceived}},
		"statuses":                  {Statuses: open},
		"assignee":                  {Assignee: "u-anna"},
		"unassigned":                {Assignee: modulario.AssigneeNone},
		"channel":                   {Channel: modulario.ChannelPhone},
		"tag":                       {Tag: "urgente"},
		"from":                      {From: Start.Add(50 * time.Hour)},
		"to":                        {To: Start.Add(60 * time.Hour)},
		"range":                     {From: Start.Add(21 * time.Hour), To: Start.Add(100 * time.Hour)},
		"word":                      {Text: "garibaldi"},
		"word case accents":         {Text: "  CITTÀ "},
		"folded accents":            {Text: "perche"},
		"two words":                 {Text: "Piazza dante"},
		"missing word":              {Text: "garibaldi zanzara"},
		"number":                    {Text: subs[7].Number},
		"number elsewhere":          {Text: subs[7].Number, Offices: []string{"nessuno"}},
		"overdue":                   {Overdue: true},
		"office status form":        {Offices: []string{"urp", "tecnico"}, Statuses: open, Form: "segnalazione"},
		"tag assignee text":         {Tag: "zona-nord", Assignee: modulario.AssigneeNone, Text: "via"},
		"office overdue":            {Offices: []string{"tributi"}, Overdue: true},
		"range channel form":        {From: Start.Add(10 * time.Hour), To: Start.Add(120 * time.Hour), Channel: modulario.ChannelWeb, Form: "tari"},
		"statuses all offices text": {Statuses: open, Text: "piazza"},
	}
}

func testListSubmissions(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	subs, now := inboxFixture(t, st)
	nonEmpty := 0
	for name, f := range inboxFilters(subs) {
		for _, sort := range []modulario.InboxSort{"", modulario.SortOldest, modulario.SortDue} {
			f.Sort = sort
			want := refList(subs, f, now)
			if len(want) > 0 {
				nonEmpty++
			}
			// One page of everything, pages of 4, and the export walk.
			if got := pages(t, st, f, 200); !slices.Equal(got, want) {
				t.Errorf("%s, sort %q: got %v, want %v", name, sort, got, want)
			}
			if got := pages(t, st, f, 4); !slices.Equal(got, want) {
				t.Errorf("%s, sort %q, pages of 4: got %v, want %v", name, sort, got, want)
			}
			var walked []uint64
			must(t, st.Submissions.EachSubmission(ctx, f, func(s *modulario.Submission) error {
				walked = append(walked, s.ID)
				return nil
			}))
			if !slices.Equal(walked, want) {
				t.Errorf("%s, sort %q, EachSubmission: got %v, want %v", name, sort, walked, want)
			}
		}
	}
	if nonEmpty < 60 {
		t.Fatalf("only %d filter cases match anything: the fixture does not exercise the filters", nonEmpty)
	}
}

func testListSubmissionsPaging(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	subs, _ := inboxFixture(t, st)
	page, err := st.Submissions.ListSubmissions(ctx, modulario.InboxFilter{})
	must(t, err)
	if len(page.Items) != 25 || page.Next == "" || page.Items[0].ID != subs[len(subs)-1].ID {
		t.Fatalf("default page: %d items, next %q", len(page.Items), page.Next)
	}
	full := page.Items[0]
	if full.Number == "" || full.Token == "" || len(full.Data) == 0 || len(full.Timeline) == 0 {
		t.Fatalf("list items are not whole requests: %+v", full)
	}
	page, err = st.Submissions.ListSubmissions(ctx, modulario.InboxFilter{Offices: []string{}})
	must(t, err)
	if len(page.Items) != 0 || page.Next != "" {
		t.Fatalf("an empty office list matched %d requests", len(page.Items))
	}
	for _, f := range []modulario.InboxFilter{
		{Cursor: "%%%"},
		{Cursor: "AAAA"},
		{Sort: "sideways"},
	} {
		_, err := st.Submissions.ListSubmissions(ctx, f)
		WantCode(t, err, modulario.EINVALID)
	}
	first, err := st.Submissions.ListSubmissions(ctx, modulario.InboxFilter{Limit: 2})
	must(t, err)
	_, err = st.Submissions.ListSubmissions(ctx, modulario.InboxFilter{Limit: 2, Cursor: first.Next, Sort: modulario.SortDue})
	WantCode(t, err, modulario.EINVALID)
	WantCode(t, st.Submissions.EachSubmission(ctx, modulario.InboxFilter{Sort: "sideways"},
		func(*modulario.Submission) error { return nil }), modulario.EINVALID)

	// EachSubmission ignores Limit and Cursor.
	n := 0
	must(t, st.Submissions.EachSubmission(ctx, modulario.InboxFilter{Limit: 3, Cursor: "%%%"}, func(*modulario.Submission) error {
		n++
		return nil
	}))
	if n != len(subs) {
		t.Fatalf("EachSubmission with a limit walked %d of %d", n, len(subs))
	}
	// fn's error stops the walk.
	stop := errors.New("stop")
	n = 0
	err = st.Submissions.EachSubmission(ctx, modulario.InboxFilter{}, func(*modulario.Submission) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("EachSubmission after an error: %v, %d calls", err, n)
	}

	// A change moves the request in every index: the next query sees it.
	target := subs[0]
	mario := "u-mario"
	_, err = st.Submissions.UpdateSubmission(ctx, target.ID, staff(modulario.Change{
		Status: modulario.StatusInCharge, Assign: &mario, Office: "tributi"}))
	must(t, err)
	page, err = st.Submissions.ListSubmissions(ctx, modulario.InboxFilter{Offices: []string{"tributi"},
		Statuses: []modulario.SubmissionStatus{modulario.StatusInCharge}, Assignee: "u-anna", Limit: 200})
	must(t, err)
	for _, s := range page.Items {
		if s.ID == target.ID {
			t.Fatal("the old assignee still lists the request")
		}
	}
	page, err = st.Submissions.ListSubmissions(ctx, modulario.InboxFilter{Offices: []string{"tributi"},
		Statuses: []modulario.SubmissionStatus{modulario.StatusInCharge}, Assignee: mario, Sort: modulario.SortOldest, Limit: 1})
	must(t, err)
	if len(page.Items) != 1 || page.Items[0].ID != target.ID {
		t.Fatalf("the changed request is not where it moved: %+v", page.Items)
	}
}
