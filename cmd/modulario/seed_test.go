package main

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// TestFakeSubmissionLifecycle draws fake requests and checks they are
// consistent the way the inbox relies on: dates of the lifecycle,
// deadlines, assignees from the staff, entered-by for phone and counter.
func TestFakeSubmissionLifecycle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	plan := &seedPlan{
		forms:   []seedForm{{slug: "a", version: 1, office: "urp", answers: []json.RawMessage{json.RawMessage(`{}`)}}, {slug: "b", version: 1, office: "tributi", deadlineDays: 60, answers: []json.RawMessage{json.RawMessage(`{}`)}}},
		offices: []string{"urp", "tributi", "anagrafe"},
		staff:   []string{"u-1", "u-2"},
	}
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	statuses := map[modulario.SubmissionStatus]int{}
	assigned := 0
	for i := range 3000 {
		at := now.Add(-time.Duration(i) * 3 * time.Hour)
		s := fakeSubmission(rng, plan, at, now)
		statuses[s.Status]++
		days := 30
		if s.FormSlug == "b" {
			days = 60
		}
		if s.DueAt == nil || !s.DueAt.Equal(at.AddDate(0, 0, days)) {
			t.Fatalf("due %v for a request of %v on form %s", s.DueAt, at, s.FormSlug)
		}
		taken := s.Status != modulario.StatusReceived && !(s.Status == modulario.StatusWithdrawn && len(s.Timeline) == 2)
		if (s.TakenInChargeAt != nil) != taken || s.Status.Closed() != (s.ClosedAt != nil) {
			t.Fatalf("status %s: taken %v closed %v", s.Status, s.TakenInChargeAt, s.ClosedAt)
		}
		if s.ClosedAt != nil && (!s.ClosedAt.Equal(s.UpdatedAt) || s.ClosedAt.Before(at)) {
			t.Fatalf("closed at %v, updated %v, created %v", s.ClosedAt, s.UpdatedAt, at)
		}
		if last := s.Timeline[len(s.Timeline)-1]; last.Status != s.Status {
			t.Fatalf("timeline ends in %s, status %s", last.Status, s.Status)
		}
		if s.Assignee != "" {
			assigned++
			if !slices.Contains(plan.staff, s.Assignee) || !taken {
				t.Fatalf("assignee %q on a request in %s", s.Assignee, s.Status)
			}
		}
		byStaff := s.Channel == modulario.ChannelPhone || s.Channel == modulario.ChannelCounter
		if byStaff != (s.EnteredBy != "") {
			t.Fatalf("channel %s entered by %q", s.Channel, s.EnteredBy)
		}
	}
	for _, st := range modulario.Statuses {
		if statuses[st] == 0 {
			t.Errorf("no request in status %s: %v", st, statuses)
		}
	}
	if statuses[modulario.StatusConcluded] < statuses[modulario.StatusReceived] || assigned < 1000 {
		t.Errorf("unrealistic spread: %v, %d assigned", statuses, assigned)
	}
}

// TestSeedDescriptionsVaried checks the free-text answers give the word
// index many different words.
func TestSeedDescriptionsVaried(t *testing.T) {
	g := &answerGen{rng: rand.New(rand.NewPCG(3, 4))}
	words := map[string]bool{}
	for range 500 {
		for _, w := range strings.Fields(strings.ToLower(g.description())) {
			words[strings.Trim(w, ".,")] = true
		}
	}
	if len(words) < 150 {
		t.Fatalf("only %d distinct words in 500 descriptions", len(words))
	}
}
