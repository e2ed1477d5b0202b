package main

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/demo"
)

// TestSeedAppointmentsPastWithinCapacity draws many fake requests of a
// booking form and checks every appointment answer is a slot its calendar
// offers, after the request (plus notice) and before now, never given to
// more requests than its capacity; requests too recent for a past slot
// become requests of the plain form.
func TestSeedAppointmentsPastWithinCapacity(t *testing.T) {
	cals := map[string]*modulario.Calendar{}
	var list []*modulario.Calendar
	for _, c := range demo.Calendars()[:3] { // the anagrafe counters
		cals[c.Slug] = c
		list = append(list, c)
	}
	booking := seedForm{slug: "carta-identita", version: 1, office: "anagrafe",
		answers:      []json.RawMessage{json.RawMessage(`{"appuntamento":"anagrafe-sede-centrale@2026-01-01T09:00:00+01:00","nome":"Anna"}`)},
		appointments: []seedAppointment{{name: "appuntamento", calendars: list}}}
	plain := seedForm{slug: "richiesta-assistenza", version: 1, office: "urp", answers: []json.RawMessage{json.RawMessage(`{"nome":"Anna"}`)}}
	plan := &seedPlan{forms: []seedForm{booking, plain}, staff: []string{"u-1"}, slots: newSeedSlots("06-24")}
	rng := rand.New(rand.NewPCG(5, 6))
	rome := list[0].Location()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, rome)
	perSlot := map[string]int{}
	booked, recentPlain := 0, 0
	for i := range 3000 {
		at := now.Add(-time.Duration(i) * 37 * time.Minute) // the last ~77 days
		s := fakeSubmission(rng, plan, at, now)
		var data map[string]any
		if err := json.Unmarshal(s.Data, &data); err != nil {
			t.Fatal(err)
		}
		if s.FormSlug != "carta-identita" {
			if now.Sub(at) < 24*time.Hour {
				recentPlain++
			}
			continue
		}
		booked++
		v, _ := data["appuntamento"].(string)
		slug, start, err := modulario.ParseAppointmentValue(v)
		if err != nil || data["nome"] != "Anna" {
			t.Fatalf("answers %v: %v", data, err)
		}
		c := cals[slug]
		if c == nil {
			t.Fatalf("unknown calendar in %q", v)
		}
		if start.Before(at.Add(time.Duration(c.NoticeHours)*time.Hour)) || !start.Before(now) {
			t.Fatalf("appointment %s for a request of %s (now %s)", v, at, now)
		}
		if _, ok := c.SlotAt(start, modulario.SlotQuery{Patron: "06-24"}); !ok {
			t.Fatalf("%s is not a slot of %s", start, slug)
		}
		perSlot[v]++
		if perSlot[v] > c.Capacity {
			t.Fatalf("slot %s given to %d requests, capacity %d", v, perSlot[v], c.Capacity)
		}
	}
	if booked < 1000 || recentPlain == 0 {
		t.Errorf("%d booking requests, %d recent plain requests: want many and some", booked, recentPlain)
	}
}
