package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/demo"
)

// demoOffices are the offices the demo forms route to. Their addresses use
// the reserved example domain: with a real SMTP server configured, mail to
// them is accepted by the server and goes nowhere.
var demoOffices = []modulario.Office{
	{Slug: "urp", Name: "Ufficio Relazioni con il Pubblico", Emails: []string{"urp@comune.example"}, PEC: "protocollo@pec.comune.example"},
	{Slug: "anagrafe", Name: "Servizi demografici", Emails: []string{"anagrafe@comune.example"}},
	{Slug: "ufficio-tecnico", Name: "Ufficio tecnico", Emails: []string{"ufficio.tecnico@comune.example"}},
	{Slug: "servizio-idrico", Name: "Servizio idrico", Emails: []string{"acquedotto@comune.example"}},
	{Slug: "servizio-istruzione", Name: "Servizi scolastici", Emails: []string{"scuola@comune.example"}},
}

// Demo patron saint: a holiday for the demo calendars (see Settings).
const (
	demoPatronDay  = "06-24"
	demoPatronName = "San Giovanni Battista"
)

// seedDemo imports and publishes the demo forms with their offices and
// calendars, and sets the comune's patron day if none is set, when the
// store has no form at all, so it never touches a database that staff
// use. Existing offices are replaced and existing calendars kept, so an
// interrupted seed can simply run again.
func seedDemo(ctx context.Context, st *store, logger *slog.Logger) error {
	existing, err := st.Forms.ListForms(ctx, modulario.FormFilter{})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		logger.Debug("demo content not seeded: the store already has forms", "forms", len(existing))
		return nil
	}
	for _, o := range demoOffices {
		office := o
		if err := st.Offices.SaveOffice(ctx, &office); err != nil {
			return fmt.Errorf("demo office %s: %w", o.Slug, err)
		}
	}
	if err := seedDemoCalendars(ctx, st, logger); err != nil {
		return err
	}
	for i, doc := range demo.Forms() {
		def, canon, err := loadDefinition(doc)
		if err != nil {
			return fmt.Errorf("demo form %d: %w", i+1, err)
		}
		out, err := importDefinition(ctx, st.Forms, def, canon, true)
		if err != nil {
			return fmt.Errorf("demo form %s: %w", def.Slug, err)
		}
		logger.Info("seeded demo form", "slug", out.Slug, "version", out.Version)
	}
	return nil
}

// seedDemoCalendars saves the demo calendars that do not exist yet (their
// offices must exist) and the demo patron day when the settings have none.
func seedDemoCalendars(ctx context.Context, st *store, logger *slog.Logger) error {
	for _, c := range demo.Calendars() {
		_, err := st.Calendars.FindCalendar(ctx, c.Slug)
		if err == nil {
			continue
		} else if modulario.ErrorCode(err) != modulario.ENOTFOUND {
			return err
		}
		if err := st.Calendars.SaveCalendar(ctx, c); err != nil {
			return fmt.Errorf("demo calendar %s: %w", c.Slug, err)
		}
		logger.Info("seeded demo calendar", "slug", c.Slug)
	}
	set, err := st.Settings.Settings(ctx)
	if err != nil {
		return err
	}
	if set.PatronDay == "" {
		set.PatronDay, set.PatronName = demoPatronDay, demoPatronName
		if err := st.Settings.SaveSettings(ctx, set); err != nil {
			return fmt.Errorf("demo patron day: %w", err)
		}
	}
	return nil
}

// seedDefaultDeadline is the deadline, in days, of seeded requests whose
// form sets none: the default term of an administrative procedure (L.
// 241/1990, art. 2), so the inbox's deadline views have data.
const seedDefaultDeadline = 30

// seedPlan is what fake requests are drawn from.
type seedPlan struct {
	forms   []seedForm
	offices []string
	// staff are the user IDs requests are assigned to and worked by.
	staff []string
	// slots gives the appointments of booking forms (nil: answers as drawn).
	slots *seedSlots
}

// seedFixedStaff are the assignees of a store without accounts.
var seedFixedStaff = []string{"seed-operatore-1", "seed-operatore-2", "seed-operatore-3"}

// seedStaffIDs returns the IDs of the store's operators and editors (the
// demo staff), or seedFixedStaff when there are none.
func seedStaffIDs(ctx context.Context, users modulario.UserService) []string {
	var ids []string
	if list, err := users.ListUsers(ctx, modulario.UserFilter{}); err == nil {
		for _, u := range list {
			if u.Role != modulario.RoleAdmin {
				ids = append(ids, u.ID)
			}
		}
	}
	if len(ids) == 0 {
		return seedFixedStaff
	}
	return ids
}

// Weighted choices for fake submissions.
var (
	seedChannels = []modulario.Channel{ // web 70%, api 10%, phone 10%, counter 10% (then 10% of all e-mail)
		modulario.ChannelWeb, modulario.ChannelWeb, modulario.ChannelWeb, modulario.ChannelWeb, modulario.ChannelWeb,
		modulario.ChannelWeb, modulario.ChannelWeb, modulario.ChannelAPI, modulario.ChannelPhone, modulario.ChannelCounter,
	}
	seedTags = []string{"urgente", "da-verificare", "sollecito", "zona-nord", "zona-sud", "centro-storico",
		"segnalazione-ripetuta", "privacy"}
	// Statuses by age: recent requests are open, old ones mostly closed.
	seedRecent = []modulario.SubmissionStatus{modulario.StatusReceived, modulario.StatusReceived, modulario.StatusInCharge, modulario.StatusWaiting}
	seedMonth  = []modulario.SubmissionStatus{modulario.StatusReceived, modulario.StatusInCharge, modulario.StatusInCharge,
		modulario.StatusWaiting, modulario.StatusIntegrated, modulario.StatusConcluded, modulario.StatusConcluded}
	seedOld = []modulario.SubmissionStatus{modulario.StatusConcluded, modulario.StatusConcluded, modulario.StatusConcluded,
		modulario.StatusConcluded, modulario.StatusConcluded, modulario.StatusConcluded, modulario.StatusRejected,
		modulario.StatusInCharge, modulario.StatusWithdrawn, modulario.StatusWaiting}
)

// fakeSubmission is a submission of a random form made at at, with a
// status, timeline, assignee and deadline that fit its age.
func fakeSubmission(rng *rand.Rand, p *seedPlan, at, now time.Time) *modulario.Submission {
	f, data := p.seedFormAnswers(rng, at, now)
	sub := &modulario.Submission{
		FormSlug: f.slug, Version: f.version, Office: f.office,
		Channel:   seedChannels[rng.IntN(len(seedChannels))],
		Data:      data,
		CreatedAt: at,
	}
	if rng.IntN(10) == 0 {
		sub.Channel = modulario.ChannelEmail
	}
	if sub.Channel == modulario.ChannelPhone || sub.Channel == modulario.ChannelCounter {
		sub.EnteredBy = p.staff[rng.IntN(len(p.staff))]
	}
	if len(p.offices) > 0 && (sub.Office == "" || rng.IntN(5) == 0) {
		sub.Office = p.offices[rng.IntN(len(p.offices))] // re-routed by a rule or by staff
	}
	for range rng.IntN(3) {
		if t := seedTags[rng.IntN(len(seedTags))]; !slices.Contains(sub.Tags, t) {
			sub.Tags = append(sub.Tags, t)
		}
	}
	days := f.deadlineDays
	if days == 0 {
		days = seedDefaultDeadline
	}
	due := at.AddDate(0, 0, days)
	sub.DueAt = &due
	pool := seedOld
	switch age := now.Sub(at); {
	case age < 7*24*time.Hour:
		pool = seedRecent
	case age < 30*24*time.Hour:
		pool = seedMonth
	}
	seedTimeline(rng, sub, pool[rng.IntN(len(pool))], p.staff[rng.IntN(len(p.staff))], now)
	return sub
}

// seedTimeline moves sub from received to status through the lifecycle,
// worked by staff: events, TakenInChargeAt, ClosedAt and the assignee.
func seedTimeline(rng *rand.Rand, sub *modulario.Submission, status modulario.SubmissionStatus, staff string, now time.Time) {
	at := sub.CreatedAt
	sub.Status = modulario.StatusReceived
	sub.Timeline = []modulario.Event{{Type: modulario.EventTypeReceived, Status: modulario.StatusReceived, At: at}}
	step := func(to modulario.SubmissionStatus, actor string) {
		at = at.Add(time.Duration(1+rng.IntN(72)) * time.Hour)
		if at.After(now) {
			at = now
		}
		sub.Timeline = append(sub.Timeline, modulario.Event{Type: modulario.EventTypeStatusChanged, Status: to, At: at, Actor: actor})
		sub.Status = to
	}
	switch status {
	case modulario.StatusReceived:
	case modulario.StatusWithdrawn:
		step(status, modulario.ActorCitizen)
	default:
		if rng.IntN(4) > 0 { // most requests in the works have an assignee
			sub.Assignee = staff
			sub.Timeline = append(sub.Timeline, modulario.Event{Type: modulario.EventTypeAssigned, Internal: true,
				Assignee: staff, At: at.Add(time.Minute), Actor: staff})
		}
		step(modulario.StatusInCharge, staff)
		taken := at
		sub.TakenInChargeAt = &taken
		if status == modulario.StatusIntegrated {
			step(modulario.StatusWaiting, staff)
			step(status, modulario.ActorCitizen)
		} else if status != modulario.StatusInCharge {
			step(status, staff)
		}
	}
	if sub.Status.Closed() {
		closed := at
		sub.ClosedAt = &closed
	}
	sub.UpdatedAt = at
}
