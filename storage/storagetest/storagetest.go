// Package storagetest is the contract suite every implementation of
// Modulario's storage services must pass (bbolt now, PostgreSQL later).
// An implementation's test calls Run with a function that opens a fresh,
// empty store.
package storagetest

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// Store is one opened implementation of the storage services.
type Store struct {
	Forms       modulario.FormService
	Drafts      modulario.DraftService
	Submissions modulario.SubmissionService
	Attachments modulario.AttachmentService
	// Ratings is optional: the rating tests are skipped when it is nil.
	Ratings modulario.RatingService
	// Offices, Webhooks and Outbox are optional: their tests are skipped
	// when nil.
	Offices  modulario.OfficeService
	Webhooks modulario.WebhookService
	Outbox   modulario.OutboxService
	// Users, Sessions, Audit, Pages, Media and Settings (the staff side)
	// are optional: their tests are skipped when nil.
	Users    modulario.UserService
	Sessions modulario.SessionService
	Audit    modulario.AuditService
	Pages    modulario.PageService
	Media    modulario.MediaService
	Settings modulario.SettingsService
	// Calendars and Bookings are optional: the booking tests are skipped
	// when nil.
	Calendars modulario.CalendarService
	Bookings  modulario.BookingService
	// SetNow fixes the store's clock at t.
	SetNow func(t time.Time)
}

// Opener returns a fresh, empty store that is closed when t ends.
type Opener func(t *testing.T) Store

// Start is the fixed time the suite starts its clock at.
var Start = time.Date(2026, time.March, 10, 9, 30, 0, 0, time.UTC)

// Run runs the whole contract suite against stores made by open.
func Run(t *testing.T, open Opener) {
	t.Run("Forms", func(t *testing.T) { testForms(t, open) })
	t.Run("FormVersionsImmutable", func(t *testing.T) { testVersionsImmutable(t, open) })
	t.Run("ListForms", func(t *testing.T) { testListForms(t, open) })
	t.Run("Drafts", func(t *testing.T) { testDrafts(t, open) })
	t.Run("DraftPurge", func(t *testing.T) { testDraftPurge(t, open) })
	t.Run("Attachments", func(t *testing.T) { testAttachments(t, open) })
	t.Run("DeleteAttachment", func(t *testing.T) { testDeleteAttachment(t, open) })
	t.Run("Submission", func(t *testing.T) { testSubmission(t, open) })
	t.Run("SubmissionAttachments", func(t *testing.T) { testSubmissionAttachments(t, open) })
	t.Run("SubmissionYearRestart", func(t *testing.T) { testYearRestart(t, open) })
	t.Run("SubmissionConcurrency", func(t *testing.T) { testConcurrency(t, open) })
	t.Run("SubmissionByDraft", func(t *testing.T) { testSubmissionByDraft(t, open) })
	t.Run("Ratings", func(t *testing.T) { testRatings(t, open) })
	t.Run("RatingsConcurrentDuplicates", func(t *testing.T) { testRatingDuplicates(t, open) })
	t.Run("SubmissionRouting", func(t *testing.T) { testSubmissionRouting(t, open) })
	t.Run("ChangeStatus", func(t *testing.T) { testChangeStatus(t, open) })
	t.Run("UpdateStatus", func(t *testing.T) { testUpdateStatus(t, open) })
	t.Run("UpdateRefused", func(t *testing.T) { testUpdateRefused(t, open) })
	t.Run("UpdateInternal", func(t *testing.T) { testUpdateInternal(t, open) })
	t.Run("UpdateIntegration", func(t *testing.T) { testUpdateIntegration(t, open) })
	t.Run("QueueMessages", func(t *testing.T) { testQueueMessages(t, open) })
	t.Run("ListSubmissions", func(t *testing.T) { testListSubmissions(t, open) })
	t.Run("ListSubmissionsPaging", func(t *testing.T) { testListSubmissionsPaging(t, open) })
	t.Run("OutboxAtomic", func(t *testing.T) { testOutboxAtomic(t, open) })
	t.Run("OutboxClaim", func(t *testing.T) { testOutboxClaim(t, open) })
	t.Run("OutboxConcurrentClaim", func(t *testing.T) { testOutboxConcurrentClaim(t, open) })
	t.Run("OutboxAttempts", func(t *testing.T) { testOutboxAttempts(t, open) })
	t.Run("OutboxList", func(t *testing.T) { testOutboxList(t, open) })
	t.Run("OutboxWake", func(t *testing.T) { testOutboxWake(t, open) })
	t.Run("Offices", func(t *testing.T) { testOffices(t, open) })
	t.Run("Webhooks", func(t *testing.T) { testWebhooks(t, open) })
	runStaff(t, open)
	runBookings(t, open)
}

// Def returns a small valid form document.
func Def(slug, title, category string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{
		"slug": slug, "title": title, "category": category, "office": "urp",
		"schema": map[string]any{"type": "object"},
	})
	return b
}

// WantCode fails t unless err carries the error code want.
func WantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := modulario.ErrorCode(err); got != want {
		t.Fatalf("error code = %q, want %q (err: %v)", got, want, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func openAt(t *testing.T, open Opener, now time.Time) Store {
	st := open(t)
	st.SetNow(now)
	return st
}

func testForms(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	_, err := st.Forms.FindForm(ctx, "missing")
	WantCode(t, err, modulario.ENOTFOUND)

	meta := modulario.Form{Slug: "assistenza", Title: "Richiesta di assistenza", Category: "Servizi", Office: "urp"}
	def1 := Def("assistenza", "Richiesta di assistenza", "Servizi")
	f, changed, err := st.Forms.SaveDraft(ctx, meta, def1)
	must(t, err)
	if !changed || f.Draft != 1 || f.Published != 0 || f.Title != meta.Title || f.Status() != modulario.FormDraft {
		t.Fatalf("first save: changed=%v form=%+v", changed, f)
	}
	_, changed, err = st.Forms.SaveDraft(ctx, meta, def1)
	must(t, err)
	if changed {
		t.Fatal("saving the same draft twice reported a change")
	}
	_, err = st.Forms.PublishDraft(ctx, "missing")
	WantCode(t, err, modulario.ENOTFOUND)

	f, err = st.Forms.PublishDraft(ctx, "assistenza")
	must(t, err)
	if f.Published != 1 || f.Draft != 0 || f.Status() != modulario.FormPublished {
		t.Fatalf("after publish: %+v", f)
	}
	_, err = st.Forms.PublishDraft(ctx, "assistenza")
	WantCode(t, err, modulario.ECONFLICT)

	v, err := st.Forms.FindVersion(ctx, "assistenza", 1)
	must(t, err)
	if v.PublishedAt == nil || v.Hash == "" || string(v.Definition) != string(def1) {
		t.Fatalf("version 1: %+v", v)
	}
	_, err = st.Forms.FindVersion(ctx, "assistenza", 2)
	WantCode(t, err, modulario.ENOTFOUND)

	// Identical to the live version: no draft, no change.
	f, changed, err = st.Forms.SaveDraft(ctx, meta, def1)
	must(t, err)
	if changed || f.Draft != 0 {
		t.Fatalf("identical save: changed=%v form=%+v", changed, f)
	}
}

func testVersionsImmutable(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	meta := modulario.Form{Slug: "acqua", Title: "Autolettura", Category: "Acqua"}
	def1 := Def("acqua", "Autolettura", "Acqua")
	def2 := Def("acqua", "Autolettura del contatore", "Acqua")
	def3 := Def("acqua", "Autolettura del contatore dell'acqua", "Acqua")
	_, _, err := st.Forms.SaveDraft(ctx, meta, def1)
	must(t, err)
	_, err = st.Forms.PublishDraft(ctx, "acqua")
	must(t, err)

	meta.Title = "Autolettura del contatore"
	f, changed, err := st.Forms.SaveDraft(ctx, meta, def2)
	must(t, err)
	if !changed || f.Draft != 2 || f.Published != 1 || f.Status() != modulario.FormPublishedWithDraft {
		t.Fatalf("changed save: changed=%v form=%+v", changed, f)
	}
	if f.Title != "Autolettura" {
		t.Fatalf("live title changed before publishing: %q", f.Title)
	}
	// Replacing the unpublished draft keeps its number.
	f, changed, err = st.Forms.SaveDraft(ctx, meta, def3)
	must(t, err)
	if !changed || f.Draft != 2 || f.Latest != 2 {
		t.Fatalf("draft replace: changed=%v form=%+v", changed, f)
	}
	v1, err := st.Forms.FindVersion(ctx, "acqua", 1)
	must(t, err)
	if string(v1.Definition) != string(def1) {
		t.Fatal("published version 1 was modified")
	}
	// Going back to the live definition drops the draft; its number is not reused.
	f, changed, err = st.Forms.SaveDraft(ctx, meta, def1)
	must(t, err)
	if changed || f.Draft != 0 || f.Published != 1 {
		t.Fatalf("revert: changed=%v form=%+v", changed, f)
	}
	_, err = st.Forms.FindVersion(ctx, "acqua", 2)
	WantCode(t, err, modulario.ENOTFOUND)
	f, _, err = st.Forms.SaveDraft(ctx, meta, def2)
	must(t, err)
	if f.Draft != 3 {
		t.Fatalf("new draft number = %d, want 3", f.Draft)
	}
	f, err = st.Forms.PublishDraft(ctx, "acqua")
	must(t, err)
	if f.Published != 3 || f.Title != "Autolettura del contatore" {
		t.Fatalf("after second publish: %+v", f)
	}
	_, _, err = st.Forms.SaveDraft(ctx, modulario.Form{}, def1)
	WantCode(t, err, modulario.EINVALID)
	_, _, err = st.Forms.SaveDraft(ctx, meta, json.RawMessage(`{"broken`))
	WantCode(t, err, modulario.EINVALID)
}

func testListForms(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	forms := []modulario.Form{
		{Slug: "z", Title: "Zanzare", Category: "Ambiente"},
		{Slug: "e", Title: "Énergia", Category: "Ambiente"},
		{Slug: "c", Title: "Carta d'identità", Category: "Anagrafe"},
		{Slug: "a", Title: "Acqua", Category: "Ambiente"},
		{Slug: "d", Title: "Bozza", Category: "Ambiente"},
	}
	for _, f := range forms {
		_, _, err := st.Forms.SaveDraft(ctx, f, Def(f.Slug, f.Title, f.Category))
		must(t, err)
		if f.Slug != "d" {
			_, err = st.Forms.PublishDraft(ctx, f.Slug)
			must(t, err)
		}
	}
	list, err := st.Forms.ListForms(ctx, modulario.FormFilter{PublishedOnly: true})
	must(t, err)
	if got, want := slugs(list), "a,e,z,c"; got != want {
		t.Fatalf("published list = %s, want %s", got, want)
	}
	list, err = st.Forms.ListForms(ctx, modulario.FormFilter{})
	must(t, err)
	if got, want := slugs(list), "a,d,e,z,c"; got != want {
		t.Fatalf("full list = %s, want %s", got, want)
	}
	list, err = st.Forms.ListForms(ctx, modulario.FormFilter{Category: "Anagrafe"})
	must(t, err)
	if got := slugs(list); got != "c" {
		t.Fatalf("category list = %s", got)
	}
}

func slugs(forms []*modulario.Form) string {
	s := ""
	for i, f := range forms {
		if i > 0 {
			s += ","
		}
		s += f.Slug
	}
	return s
}

func testConcurrency(t *testing.T, open Opener) {
	const writers, each = 64, 50
	ctx := context.Background()
	st := openAt(t, open, Start)
	var wg sync.WaitGroup
	numbers := make(chan string, writers*each)
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				s := NewSubmission("assistenza")
				if err := st.Submissions.CreateSubmission(ctx, s, ""); err != nil {
					errs <- err
					return
				}
				numbers <- s.Number + " " + s.Token
			}
		}()
	}
	wg.Wait()
	close(numbers)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	checkGapless(t, st, numbers, writers*each)
}
