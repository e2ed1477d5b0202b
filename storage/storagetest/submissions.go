package storagetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// NewSubmission returns a submission ready for CreateSubmission.
func NewSubmission(slug string) *modulario.Submission {
	return &modulario.Submission{
		FormSlug: slug, Version: 1, Office: "urp", Channel: modulario.ChannelWeb,
		Data: json.RawMessage(`{"nome":"Mario","cognome":"Rossi","email":"mario.rossi@example.it"}`),
	}
}

func newDraft(t *testing.T, st Store, expires time.Time) *modulario.Draft {
	t.Helper()
	d := &modulario.Draft{FormSlug: "acqua", Version: 1, Data: json.RawMessage(`{}`), ExpiresAt: expires}
	must(t, st.Drafts.CreateDraft(context.Background(), d))
	return d
}

func putFile(t *testing.T, st Store, owner, content string) *modulario.Attachment {
	t.Helper()
	a := &modulario.Attachment{Pointer: "/foto", Name: "foto.jpg", ContentType: "image/jpeg"}
	must(t, st.Attachments.PutAttachment(context.Background(), a, owner, []byte(content)))
	return a
}

func testDrafts(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	err := st.Drafts.CreateDraft(ctx, &modulario.Draft{FormSlug: "acqua"})
	WantCode(t, err, modulario.EINVALID)

	d := newDraft(t, st, Start.Add(time.Hour))
	if len(d.Token) < 43 || !d.CreatedAt.Equal(Start) {
		t.Fatalf("created draft: %+v", d)
	}
	if other := newDraft(t, st, Start.Add(time.Hour)); other.Token == d.Token {
		t.Fatal("two drafts got the same token")
	}
	d.Data, d.Step, d.Consent = json.RawMessage(`{"lettura":1234}`), 2, true
	d.ExpiresAt = Start.Add(2 * time.Hour)
	st.SetNow(Start.Add(time.Minute))
	must(t, st.Drafts.UpdateDraft(ctx, d))

	got, err := st.Drafts.FindDraft(ctx, d.Token)
	must(t, err)
	if string(got.Data) != `{"lettura":1234}` || got.Step != 2 || !got.Consent ||
		!got.UpdatedAt.Equal(Start.Add(time.Minute)) || !got.CreatedAt.Equal(Start) {
		t.Fatalf("updated draft: %+v", got)
	}
	err = st.Drafts.UpdateDraft(ctx, &modulario.Draft{Token: "missing", ExpiresAt: Start.Add(time.Hour)})
	WantCode(t, err, modulario.ENOTFOUND)

	st.SetNow(Start.Add(2 * time.Hour))
	_, err = st.Drafts.FindDraft(ctx, d.Token)
	WantCode(t, err, modulario.ENOTFOUND)

	st.SetNow(Start)
	must(t, st.Drafts.DeleteDraft(ctx, d.Token))
	_, err = st.Drafts.FindDraft(ctx, d.Token)
	WantCode(t, err, modulario.ENOTFOUND)
	must(t, st.Drafts.DeleteDraft(ctx, d.Token)) // deleting twice is fine
}

func testDraftPurge(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	old := newDraft(t, st, Start.Add(time.Hour))
	fresh := newDraft(t, st, Start.Add(48*time.Hour))
	oldFile := putFile(t, st, "draft:"+old.Token, "old")
	freshFile := putFile(t, st, "draft:"+fresh.Token, "fresh")

	// Extending a draft moves it in the expiry index.
	extended := newDraft(t, st, Start.Add(time.Hour))
	extended.ExpiresAt = Start.Add(72 * time.Hour)
	must(t, st.Drafts.UpdateDraft(ctx, extended))

	n, err := st.Drafts.PurgeExpiredDrafts(ctx, Start.Add(2*time.Hour))
	must(t, err)
	if n != 1 {
		t.Fatalf("purged %d drafts, want 1", n)
	}
	_, _, err = st.Attachments.FindAttachment(ctx, oldFile.ID)
	WantCode(t, err, modulario.ENOTFOUND)
	if _, _, err := st.Attachments.FindAttachment(ctx, freshFile.ID); err != nil {
		t.Fatalf("attachment of a live draft: %v", err)
	}
	for _, token := range []string{fresh.Token, extended.Token} {
		if _, err := st.Drafts.FindDraft(ctx, token); err != nil {
			t.Fatalf("live draft purged: %v", err)
		}
	}
	n, err = st.Drafts.PurgeExpiredDrafts(ctx, Start.Add(2*time.Hour))
	must(t, err)
	if n != 0 {
		t.Fatalf("second purge removed %d drafts", n)
	}
	must(t, st.Drafts.DeleteDraft(ctx, fresh.Token))
	_, _, err = st.Attachments.FindAttachment(ctx, freshFile.ID)
	WantCode(t, err, modulario.ENOTFOUND)
}

func testAttachments(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	a := putFile(t, st, "", "contenuto della foto")
	sum := sha256.Sum256([]byte("contenuto della foto"))
	if a.ID == "" || a.Size != 20 || a.SHA256 != hex.EncodeToString(sum[:]) || !a.CreatedAt.Equal(Start) {
		t.Fatalf("stored attachment: %+v", a)
	}
	got, content, err := st.Attachments.FindAttachment(ctx, a.ID)
	must(t, err)
	if string(content) != "contenuto della foto" || got.Name != "foto.jpg" || got.SHA256 != a.SHA256 {
		t.Fatalf("found attachment: %+v %q", got, content)
	}
	_, _, err = st.Attachments.FindAttachment(ctx, "missing")
	WantCode(t, err, modulario.ENOTFOUND)
	err = st.Attachments.PutAttachment(ctx, &modulario.Attachment{}, "draft:missing", []byte("x"))
	WantCode(t, err, modulario.EINVALID)
	err = st.Attachments.PutAttachment(ctx, &modulario.Attachment{}, "someone", []byte("x"))
	WantCode(t, err, modulario.EINVALID)
}

func testSubmission(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	err := st.Submissions.CreateSubmission(ctx, &modulario.Submission{FormSlug: "x"}, "")
	WantCode(t, err, modulario.EINVALID)

	d := newDraft(t, st, Start.Add(time.Hour))
	s := NewSubmission("acqua")
	must(t, st.Submissions.CreateSubmission(ctx, s, d.Token))
	if s.Number != "2026-0000001" || s.ID == 0 || len(s.Token) != 43 || s.Status != modulario.StatusReceived ||
		len(s.Timeline) != 1 || s.Timeline[0].Type != "received" || !s.CreatedAt.Equal(Start) ||
		s.Timeline[0].Actor != modulario.ActorCitizen {
		t.Fatalf("created submission: %+v", s)
	}
	_, err = st.Drafts.FindDraft(ctx, d.Token)
	WantCode(t, err, modulario.ENOTFOUND)
	// The draft is gone, so submitting it again cannot make a second request.
	err = st.Submissions.CreateSubmission(ctx, NewSubmission("acqua"), d.Token)
	WantCode(t, err, modulario.ENOTFOUND)

	byToken, err := st.Submissions.FindSubmissionByToken(ctx, s.Token)
	must(t, err)
	byNumber, err := st.Submissions.FindSubmissionByNumber(ctx, s.Number)
	must(t, err)
	if byToken.ID != s.ID || byNumber.ID != s.ID || string(byToken.Data) != string(s.Data) {
		t.Fatalf("found %+v and %+v, want ID %d", byToken, byNumber, s.ID)
	}
	_, err = st.Submissions.FindSubmissionByToken(ctx, "missing")
	WantCode(t, err, modulario.ENOTFOUND)
	_, err = st.Submissions.FindSubmissionByNumber(ctx, "2026-0000002")
	WantCode(t, err, modulario.ENOTFOUND)

	s2 := NewSubmission("acqua")
	must(t, st.Submissions.CreateSubmission(ctx, s2, ""))
	if s2.Number != "2026-0000002" {
		t.Fatalf("second number = %s", s2.Number)
	}
	n, err := st.Submissions.CountSubmissions(ctx)
	must(t, err)
	if n != 2 {
		t.Fatalf("count = %d, want 2", n)
	}
	// A request staff entered for a citizen names them as its maker.
	entered := NewSubmission("acqua")
	entered.Channel, entered.EnteredBy = modulario.ChannelPhone, "operatore-1"
	must(t, st.Submissions.CreateSubmission(ctx, entered, ""))
	if entered.Timeline[0].Actor != "operatore-1" || entered.Channel != modulario.ChannelPhone {
		t.Fatalf("entered request: %+v", entered.Timeline[0])
	}
}

func testSubmissionAttachments(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	d := newDraft(t, st, Start.Add(time.Hour))
	other := newDraft(t, st, Start.Add(time.Hour))
	kept := putFile(t, st, "draft:"+d.Token, "kept")
	dropped := putFile(t, st, "draft:"+d.Token, "dropped")
	loose := putFile(t, st, "", "loose")
	foreign := putFile(t, st, "draft:"+other.Token, "foreign")

	bad := NewSubmission("acqua")
	bad.Attachments = []modulario.Attachment{{ID: foreign.ID}}
	WantCode(t, st.Submissions.CreateSubmission(ctx, bad, d.Token), modulario.EINVALID)
	bad.Attachments = []modulario.Attachment{{ID: "missing"}}
	WantCode(t, st.Submissions.CreateSubmission(ctx, bad, d.Token), modulario.EINVALID)
	if _, err := st.Drafts.FindDraft(ctx, d.Token); err != nil {
		t.Fatalf("a failed submission deleted its draft: %v", err)
	}

	s := NewSubmission("acqua")
	s.Attachments = []modulario.Attachment{{ID: kept.ID, Pointer: "/foto"}, {ID: loose.ID}}
	must(t, st.Submissions.CreateSubmission(ctx, s, d.Token))
	if s.Number != "2026-0000001" {
		t.Fatalf("failed attempts used numbers: got %s", s.Number)
	}
	if len(s.Attachments) != 2 || s.Attachments[0].SHA256 != kept.SHA256 || s.Attachments[1].Name != "foto.jpg" {
		t.Fatalf("submission attachments: %+v", s.Attachments)
	}
	for _, a := range []*modulario.Attachment{kept, loose} {
		if _, content, err := st.Attachments.FindAttachment(ctx, a.ID); err != nil || len(content) == 0 {
			t.Fatalf("re-owned attachment %s: %v", a.ID, err)
		}
	}
	_, _, err := st.Attachments.FindAttachment(ctx, dropped.ID)
	WantCode(t, err, modulario.ENOTFOUND)

	// Now owned by the submission: neither a draft nor another request can take it.
	again := NewSubmission("acqua")
	again.Attachments = []modulario.Attachment{{ID: kept.ID}}
	WantCode(t, st.Submissions.CreateSubmission(ctx, again, other.Token), modulario.EINVALID)
	WantCode(t, st.Submissions.CreateSubmission(ctx, again, ""), modulario.EINVALID)
	must(t, st.Drafts.DeleteDraft(ctx, other.Token))
	if _, _, err := st.Attachments.FindAttachment(ctx, kept.ID); err != nil {
		t.Fatalf("deleting another draft removed a submission's file: %v", err)
	}
}

func testYearRestart(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, time.Date(2026, time.December, 31, 12, 0, 0, 0, time.UTC))
	for i := 1; i <= 3; i++ {
		s := NewSubmission("acqua")
		must(t, st.Submissions.CreateSubmission(ctx, s, ""))
		if want := fmt.Sprintf("2026-%07d", i); s.Number != want {
			t.Fatalf("number = %s, want %s", s.Number, want)
		}
	}
	// 23:30 UTC on 31 December is already 2027 in Italy.
	st.SetNow(time.Date(2026, time.December, 31, 23, 30, 0, 0, time.UTC))
	s := NewSubmission("acqua")
	must(t, st.Submissions.CreateSubmission(ctx, s, ""))
	if s.Number != "2027-0000001" {
		t.Fatalf("first number of the new year = %s", s.Number)
	}
	// An explicit CreatedAt (e.g. a request taken at the counter) decides the year.
	late := NewSubmission("acqua")
	late.CreatedAt = time.Date(2026, time.June, 1, 10, 0, 0, 0, time.UTC)
	must(t, st.Submissions.CreateSubmission(ctx, late, ""))
	if late.Number != "2026-0000004" || !late.CreatedAt.Equal(time.Date(2026, time.June, 1, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("back-dated submission: %s at %v", late.Number, late.CreatedAt)
	}
}

// checkGapless asserts that got holds "number token" pairs numbered
// 2026-0000001..n without gaps or repeats, each findable by token and number.
func checkGapless(t *testing.T, st Store, got <-chan string, n int) {
	t.Helper()
	ctx := context.Background()
	seen := make(map[string]string, n)
	for line := range got {
		number, token, _ := strings.Cut(line, " ")
		if _, dup := seen[number]; dup {
			t.Fatalf("number %s assigned twice", number)
		}
		seen[number] = token
	}
	if len(seen) != n {
		t.Fatalf("%d numbers, want %d", len(seen), n)
	}
	for i := 1; i <= n; i++ {
		number := fmt.Sprintf("2026-%07d", i)
		token, ok := seen[number]
		if !ok {
			t.Fatalf("number %s missing", number)
		}
		byToken, err := st.Submissions.FindSubmissionByToken(ctx, token)
		must(t, err)
		byNumber, err := st.Submissions.FindSubmissionByNumber(ctx, number)
		must(t, err)
		if byToken.Number != number || byNumber.Token != token {
			t.Fatalf("indexes disagree for %s: %s / %s", number, byToken.Number, byNumber.Token)
		}
	}
	count, err := st.Submissions.CountSubmissions(ctx)
	must(t, err)
	if count != n {
		t.Fatalf("count = %d, want %d", count, n)
	}
}
