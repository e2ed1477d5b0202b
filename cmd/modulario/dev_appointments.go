package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// Seeded requests of a booking form (such as the demo "carta-identita")
// answer their appointment fields with a slot in the PAST: a free slot of
// one of the field's calendars between the request's creation (plus the
// calendar's notice) and now. Past appointments need no booking in the
// ledger (the seed imports requests directly, without BookingService), so
// they can never take a place a citizen could book today, and the seed
// counts its own use of each slot so none gets more requests than its
// capacity. A request made too recently for any past slot becomes a
// request of a form without appointments (when the seed has one).

// seedAppointmentWindow is how long after a request its appointment may be.
const seedAppointmentWindow = 14 * 24 * time.Hour

// seedAppointment is an appointment field of a seeded form with its
// calendars.
type seedAppointment struct {
	name      string
	calendars []*modulario.Calendar
}

// seedSlots hands out past slots to seeded requests.
type seedSlots struct {
	// patron is the comune's patron day ("MM-DD"), closed like a holiday.
	patron string
	// taken counts the seeded requests of each slot, by appointment value.
	taken map[string]int
}

func newSeedSlots(patron string) *seedSlots {
	return &seedSlots{patron: patron, taken: map[string]int{}}
}

// pick takes a random free slot of cals starting in [from+notice, to) and
// returns its appointment value, or false when there is none.
func (s *seedSlots) pick(rng *rand.Rand, cals []*modulario.Calendar, from, to time.Time) (string, bool) {
	var list []string
	for _, c := range cals {
		start := from.Add(time.Duration(c.NoticeHours) * time.Hour)
		if !start.Before(to) {
			continue
		}
		for _, sl := range c.Slots(modulario.SlotQuery{From: start, To: to, Patron: s.patron}) {
			v := modulario.AppointmentValue(c.Slug, sl.Start.In(c.Location()))
			if s.taken[v] < c.Capacity {
				list = append(list, v)
			}
		}
	}
	if len(list) == 0 {
		return "", false
	}
	v := list[rng.IntN(len(list))]
	s.taken[v]++
	return v, true
}

// appointmentAnswers returns data (JSON answers of a form with appointment
// fields) with each appointment answered by a past slot after at, or false
// when some field has no free past slot.
func (s *seedSlots) appointmentAnswers(rng *rand.Rand, f seedForm, data json.RawMessage, at, now time.Time) (json.RawMessage, bool) {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return data, false
	}
	to := at.Add(seedAppointmentWindow)
	if now.Before(to) {
		to = now
	}
	var taken []string
	for _, a := range f.appointments {
		v, ok := s.pick(rng, a.calendars, at, to)
		if !ok {
			for _, t := range taken { // give back the places of the other fields
				s.taken[t]--
			}
			return data, false
		}
		taken = append(taken, v)
		m[a.name] = v
	}
	out, err := json.Marshal(m)
	if err != nil {
		return data, false
	}
	return out, true
}

// seedFormAnswers draws the form and answers of a request made at at: the
// appointments of a booking form get past slots; when there is none, a
// form without appointments is drawn instead, and when every form has
// appointments, slots of the last two weeks are used whatever at is.
func (p *seedPlan) seedFormAnswers(rng *rand.Rand, at, now time.Time) (seedForm, json.RawMessage) {
	f := p.forms[rng.IntN(len(p.forms))]
	data := f.answers[rng.IntN(len(f.answers))]
	if len(f.appointments) == 0 || p.slots == nil {
		return f, data
	}
	if out, ok := p.slots.appointmentAnswers(rng, f, data, at, now); ok {
		return f, out
	}
	var plain []seedForm
	for _, g := range p.forms {
		if len(g.appointments) == 0 {
			plain = append(plain, g)
		}
	}
	if len(plain) > 0 {
		g := plain[rng.IntN(len(plain))]
		return g, g.answers[rng.IntN(len(g.answers))]
	}
	out, _ := p.slots.appointmentAnswers(rng, f, data, now.Add(-seedAppointmentWindow), now)
	return f, out
}

// seedAppointments finds the appointment fields of a compiled form and
// loads their calendars; a field whose calendars are all missing keeps the
// placeholder answers of answerGen (and a warning says so).
func seedAppointments(ctx context.Context, cals modulario.CalendarService, slug string, form *schemas.Form, warn io.Writer) ([]seedAppointment, error) {
	var out []seedAppointment
	for _, st := range form.Steps {
		for _, fl := range st.Fields {
			if fl.Kind != schemas.KindAppointment {
				continue
			}
			a := seedAppointment{name: fl.Name}
			for _, slug := range fl.Calendars {
				c, err := cals.FindCalendar(ctx, slug)
				if modulario.ErrorCode(err) == modulario.ENOTFOUND {
					continue
				} else if err != nil {
					return nil, err
				}
				a.calendars = append(a.calendars, c)
			}
			if len(a.calendars) == 0 {
				fmt.Fprintf(warn, "modulario: %s: the calendars of field %q do not exist; its answers name no real slot\n", slug, fl.Name)
				continue
			}
			out = append(out, a)
		}
	}
	return out, nil
}
