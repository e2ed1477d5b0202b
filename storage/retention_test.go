package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage/storagetest"
	bolt "go.etcd.io/bbolt"
)

// retentionCase is one request of the retention table.
type retentionCase struct {
	name   string
	form   string
	status modulario.SubmissionStatus // "" stays received (open)
	closed time.Duration              // after storagetest.Start, when closed
	want   string                     // "kept", "deleted" or "anonymised"
	// pre: anonymised by an earlier run before this one deletes.
	pre bool
}

// retentionFixture is a request made through the real services, with a
// file, a notification, a booking and a rated comment, plus what the
// test needs to find them again.
type retentionFixture struct {
	retentionCase
	sub        *modulario.Submission
	attachment string
	messages   []string
	booking    string
}

// TestRetentionDeletesExactly runs delete on form "anagrafe-a" and
// anonymise on "anagrafe-b" with a cutoff two days after the start, over
// a table of requests, and checks each one: open, closed after the cutoff
// and other forms' requests are untouched; deleted ones are gone from
// every bucket; anonymised ones keep their statistics and nothing else.
func TestRetentionDeletesExactly(t *testing.T) {
	ctx := context.Background()
	db, clk := openTestDB(t, "")
	saveTestCalendar(t, db, storagetest.NewCalendar("sede-centrale"))
	day := 24 * time.Hour
	cutoff := storagetest.Start.Add(2 * day)
	cases := []retentionCase{
		{name: "open", form: "anagrafe-a", want: "kept"},
		{name: "in charge", form: "anagrafe-a", status: modulario.StatusInCharge, closed: day, want: "kept"},
		{name: "concluded before", form: "anagrafe-a", status: modulario.StatusConcluded, closed: day, want: "deleted"},
		{name: "concluded after", form: "anagrafe-a", status: modulario.StatusConcluded, closed: 3 * day, want: "kept"},
		{name: "rejected before", form: "anagrafe-a", status: modulario.StatusRejected, closed: day, want: "deleted"},
		{name: "withdrawn before", form: "anagrafe-a", status: modulario.StatusWithdrawn, closed: day, want: "deleted"},
		{name: "other form", form: "tributi", status: modulario.StatusConcluded, closed: day, want: "kept"},
		{name: "already anonymised", form: "anagrafe-a", status: modulario.StatusConcluded, closed: day, want: "anonymised", pre: true},
		{name: "anonymise concluded", form: "anagrafe-b", status: modulario.StatusConcluded, closed: day, want: "anonymised"},
		{name: "anonymise open", form: "anagrafe-b", want: "kept"},
		{name: "anonymise after", form: "anagrafe-b", status: modulario.StatusRejected, closed: 3 * day, want: "kept"},
	}
	var fx []*retentionFixture
	for i, c := range cases {
		fx = append(fx, makeRetentionRequest(t, db, clk, c, i))
	}
	clk.Set(storagetest.Start.Add(400 * day))
	rs := NewRetentionService(db)
	// The "already anonymised" request went through an anonymise run first.
	for _, f := range fx {
		if f.pre {
			mustNil(t, db.update(ctx, func(tx *bolt.Tx) error {
				sub, err := findSubmission(tx, u64(f.sub.ID))
				if err != nil {
					return err
				}
				return anonymiseSubmission(tx, sub, db.now())
			}))
		}
	}
	before := snapshot(t, db, fx)

	preview, err := rs.PreviewRetention(ctx, "anagrafe-a", cutoff, modulario.RetentionDelete)
	if err != nil || preview.Deleted != 3 {
		t.Fatalf("dry run = %+v, %v; want 3 to delete", preview, err)
	}
	if after := snapshot(t, db, fx); after != before {
		t.Fatal("the dry run changed the store")
	}
	res, err := rs.ApplyRetention(ctx, "anagrafe-a", cutoff, modulario.RetentionDelete)
	if err != nil || res != (modulario.RetentionResult{Form: "anagrafe-a", Deleted: 3}) {
		t.Fatalf("delete run = %+v, %v", res, err)
	}
	res, err = rs.ApplyRetention(ctx, "anagrafe-b", cutoff, modulario.RetentionAnonymise)
	if err != nil || res != (modulario.RetentionResult{Form: "anagrafe-b", Anonymised: 1}) {
		t.Fatalf("anonymise run = %+v, %v", res, err)
	}
	for _, f := range fx {
		t.Run(f.name, func(t *testing.T) {
			switch f.want {
			case "deleted":
				checkDeleted(t, db, f)
			case "anonymised":
				checkAnonymised(t, db, f)
			default:
				checkKept(t, db, f)
			}
		})
	}
	// A second run finds nothing left to do.
	for _, form := range []string{"anagrafe-a", "anagrafe-b"} {
		for _, a := range []modulario.RetentionAction{modulario.RetentionDelete, modulario.RetentionAnonymise} {
			if res, err := rs.ApplyRetention(ctx, form, cutoff, a); err != nil || res.Deleted+res.Anonymised != 0 {
				t.Errorf("second %s run on %s = %+v, %v", a, form, res, err)
			}
		}
	}
	checkBookingIndexes(t, db)
	checkDueIndex(t, db)
	if _, err := rs.ApplyRetention(ctx, "anagrafe-a", cutoff, "archive"); modulario.ErrorCode(err) != modulario.EINVALID {
		t.Errorf("unknown action: %v", err)
	}
}

// makeRetentionRequest creates request i of case c: a draft with a file,
// the submission (with a booking for the "anagrafe" forms) and two
// notifications, an assignment, the status change at Start+c.closed and
// a rating with a comment.
func makeRetentionRequest(t *testing.T, db *DB, clk *clock, c retentionCase, i int) *retentionFixture {
	t.Helper()
	ctx := context.Background()
	clk.Set(storagetest.Start)
	f := &retentionFixture{retentionCase: c}
	d := &modulario.Draft{FormSlug: c.form, Version: 1, Data: json.RawMessage(`{}`), ExpiresAt: storagetest.Start.Add(time.Hour)}
	mustNil(t, NewDraftService(db).CreateDraft(ctx, d))
	a := &modulario.Attachment{Name: "documento.pdf", ContentType: "application/pdf", Pointer: "/documento"}
	mustNil(t, NewAttachmentService(db).PutAttachment(ctx, a, ownerDraftPrefix+d.Token, []byte("%PDF riservato")))
	f.attachment = a.ID
	sub := storagetest.NewSubmission(c.form)
	sub.Data = json.RawMessage(fmt.Sprintf(`{"nome":"Mario","cognome":"Zanzibar%d","documento":%q}`, i, a.ID))
	sub.Attachments = []modulario.Attachment{{ID: a.ID, Pointer: "/documento"}}
	sub.Tags, sub.Priority = []string{"anziani"}, "alta"
	// One free slot each: six a morning on Thursday 12 and Friday 13.
	sub.Appointments = []modulario.Appointment{{Field: storagetest.ApptField, Calendar: "sede-centrale",
		Start: storagetest.At(12+i/6, 9, 0).Add(time.Duration(i%6) * 30 * time.Minute), Name: "Mario Zanzibar"}}
	msgs := []*modulario.OutboxMessage{storagetest.NewMessage(modulario.ChannelEmailMsg), storagetest.NewMessage(modulario.ChannelWebhook)}
	mustNil(t, NewSubmissionService(db).CreateSubmission(ctx, sub, d.Token, msgs...))
	for _, m := range msgs {
		f.messages = append(f.messages, m.ID)
	}
	f.booking = sub.Appointments[0].BookingID
	subs := NewSubmissionService(db)
	op := "op-1"
	if _, err := subs.UpdateSubmission(ctx, sub.ID, modulario.Change{Actor: "op-1", ActorName: "anna@comune.example", Assign: &op, Note: "Chiamato il cittadino"}); err != nil {
		t.Fatal(err)
	}
	mustNil(t, subs.SetReference(ctx, sub.ID, "protocollo", fmt.Sprintf("PROT-%d", i)))
	if c.status != "" {
		clk.Set(storagetest.Start.Add(c.closed))
		ch := modulario.Change{Actor: "op-1", ActorName: "anna@comune.example", Status: c.status, Message: "Gentile Mario Zanzibar"}
		if c.status == modulario.StatusWithdrawn {
			ch.Actor = modulario.ActorCitizen
		} else if c.status == modulario.StatusConcluded {
			_, err := subs.UpdateSubmission(ctx, sub.ID, modulario.Change{Actor: "op-1", Status: modulario.StatusInCharge})
			mustNil(t, err)
		}
		_, err := subs.UpdateSubmission(ctx, sub.ID, ch, storagetest.NewMessage(modulario.ChannelEmailMsg))
		mustNil(t, err)
	}
	mustNil(t, NewRatingService(db).CreateRating(ctx, &modulario.Rating{FormSlug: c.form, Version: 1,
		SubmissionID: sub.ID, Stars: 4, Comment: "Grazie, Mario Zanzibar"}))
	got, err := subs.FindSubmission(ctx, sub.ID)
	mustNil(t, err)
	f.sub = got
	return f
}

// snapshot is a digest of every request, for "nothing changed" checks.
func snapshot(t *testing.T, db *DB, fx []*retentionFixture) string {
	var b strings.Builder
	mustNil(t, db.bolt.View(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			fmt.Fprintf(&b, "%s:%d;", name, tx.Bucket(name).Stats().KeyN)
		}
		for _, f := range fx {
			b.Write(tx.Bucket(bucketSubmissions).Get(u64(f.sub.ID)))
		}
		return nil
	}))
	return b.String()
}

// refsTo lists the buckets that still mention request id: by key (the
// request, its row, its rating link), by key suffix (the inbox indexes),
// by key prefix (its notifications) or by value (the lookups).
func refsTo(t *testing.T, db *DB, id uint64) []string {
	var out []string
	key := u64(id)
	mustNil(t, db.bolt.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketSubmissions, bucketSubmissionRows, bucketRatingsBySubmission} {
			if tx.Bucket(name).Get(key) != nil {
				out = append(out, string(name))
			}
		}
		for _, name := range [][]byte{bucketSubmissionOffice, bucketSubmissionForm, bucketSubmissionOfficeAll,
			bucketSubmissionAssignee, bucketSubmissionTags, bucketSubmissionCreated, bucketSubmissionWords, bucketSubmissionDue} {
			_ = tx.Bucket(name).ForEach(func(k, _ []byte) error {
				if len(k) >= posLen && bytes.Equal(k[len(k)-8:], key) {
					out = append(out, string(name))
				}
				return nil
			})
		}
		c := tx.Bucket(bucketOutboxBySubmission).Cursor()
		if k, _ := c.Seek(joinKey(key, nil)); k != nil && bytes.HasPrefix(k, joinKey(key, nil)) {
			out = append(out, string(bucketOutboxBySubmission))
		}
		for _, name := range [][]byte{bucketSubmissionTokens, bucketSubmissionNumbers} {
			_ = tx.Bucket(name).ForEach(func(_, v []byte) error {
				if bytes.Equal(v, key) {
					out = append(out, string(name))
				}
				return nil
			})
		}
		return nil
	}))
	return out
}

// listed reports whether the inbox lists request id under filter f.
func listed(t *testing.T, db *DB, f modulario.InboxFilter, id uint64) bool {
	f.Limit = 200
	page, err := NewSubmissionService(db).ListSubmissions(context.Background(), f)
	mustNil(t, err)
	for _, s := range page.Items {
		if s.ID == id {
			return true
		}
	}
	return false
}

func checkDeleted(t *testing.T, db *DB, f *retentionFixture) {
	ctx := context.Background()
	subs := NewSubmissionService(db)
	if _, err := subs.FindSubmission(ctx, f.sub.ID); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Errorf("FindSubmission: %v", err)
	}
	if _, err := subs.FindSubmissionByNumber(ctx, f.sub.Number); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Errorf("lookup by number: %v", err)
	}
	if _, err := subs.FindSubmissionByToken(ctx, f.sub.Token); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Errorf("tracking token still works: %v", err)
	}
	for _, flt := range []modulario.InboxFilter{{Form: f.form}, {Text: wordOf(f)}, {Tag: "anziani"}, {Text: f.sub.Number}} {
		if listed(t, db, flt, f.sub.ID) {
			t.Errorf("inbox still lists it with %+v", flt)
		}
	}
	if refs := refsTo(t, db, f.sub.ID); len(refs) > 0 {
		t.Errorf("still referenced by %v", refs)
	}
	if _, _, err := NewAttachmentService(db).FindAttachment(ctx, f.attachment); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Errorf("attachment: %v", err)
	}
	for _, id := range f.messages {
		if _, err := NewOutboxService(db).FindOutboxMessage(ctx, id); modulario.ErrorCode(err) != modulario.ENOTFOUND {
			t.Errorf("notification %s: %v", id, err)
		}
	}
	mustNil(t, db.bolt.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketBookings).Get([]byte(f.booking)) != nil {
			t.Error("booking left")
		}
		return nil
	}))
	checkRating(t, db, f, false)
}

func checkAnonymised(t *testing.T, db *DB, f *retentionFixture) {
	ctx := context.Background()
	subs := NewSubmissionService(db)
	got, err := subs.FindSubmissionByNumber(ctx, f.sub.Number)
	if err != nil {
		t.Fatal(err)
	}
	old := f.sub
	if got.FormSlug != old.FormSlug || got.Version != old.Version || got.Office != old.Office || got.Status != old.Status ||
		got.Channel != old.Channel || !got.CreatedAt.Equal(old.CreatedAt) || !got.ClosedAt.Equal(*old.ClosedAt) ||
		strings.Join(got.Tags, ",") != "anziani" || got.Priority != "alta" || got.AnonymisedAt == nil {
		t.Errorf("statistics changed: %+v", got)
	}
	if string(got.Data) != "{}" || got.Token != "" || got.Assignee != "" || len(got.Attachments) != 0 || got.References != nil {
		t.Errorf("personal data left: data %s token %q assignee %q files %d refs %v", got.Data, got.Token, got.Assignee, len(got.Attachments), got.References)
	}
	if len(got.Timeline) != len(old.Timeline) {
		t.Errorf("timeline has %d events, want %d", len(got.Timeline), len(old.Timeline))
	}
	for i, e := range got.Timeline {
		if e.Message != "" || e.Actor != "" || e.ActorName != "" || e.Assignee != "" || e.Type != old.Timeline[i].Type ||
			e.Status != old.Timeline[i].Status || !e.At.Equal(old.Timeline[i].At) {
			t.Errorf("event %d: %+v (was %+v)", i, e, old.Timeline[i])
		}
	}
	for _, a := range got.Appointments {
		if a.Name != "" {
			t.Errorf("appointment keeps the name %q", a.Name)
		}
	}
	raw, _ := json.Marshal(got)
	if strings.Contains(strings.ToLower(string(raw)), "zanzibar") || strings.Contains(string(raw), "anna@") {
		t.Errorf("stored request still names the citizen or staff: %s", raw)
	}
	if _, err := subs.FindSubmissionByToken(ctx, old.Token); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Errorf("tracking link still works: %v", err)
	}
	if !listed(t, db, modulario.InboxFilter{Form: f.form, Statuses: []modulario.SubmissionStatus{old.Status}}, old.ID) ||
		!listed(t, db, modulario.InboxFilter{Tag: "anziani"}, old.ID) {
		t.Error("anonymised request left the inbox statistics")
	}
	if listed(t, db, modulario.InboxFilter{Text: wordOf(f)}, old.ID) || listed(t, db, modulario.InboxFilter{Assignee: "op-1"}, old.ID) {
		t.Error("anonymised request still found by its answers or assignee")
	}
	if _, _, err := NewAttachmentService(db).FindAttachment(ctx, f.attachment); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Errorf("attachment: %v", err)
	}
	mustNil(t, db.bolt.View(func(tx *bolt.Tx) error {
		var b modulario.Booking
		if ok, err := getJSON(tx.Bucket(bucketBookings), []byte(f.booking), &b); err != nil || !ok || b.Name != "" || b.Reason != "" {
			t.Errorf("booking: found %v, %v, name %q", ok, err, b.Name)
		}
		return nil
	}))
	checkRating(t, db, f, true)
}

// checkKept compares the stored request with the one made.
func checkKept(t *testing.T, db *DB, f *retentionFixture) {
	got, err := NewSubmissionService(db).FindSubmissionByToken(context.Background(), f.sub.Token)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(f.sub)
	if !bytes.Equal(a, b) {
		t.Errorf("changed:\n%s\nwas\n%s", a, b)
	}
	if !listed(t, db, modulario.InboxFilter{Text: wordOf(f)}, f.sub.ID) {
		t.Error("not found by its answers")
	}
	if _, _, err := NewAttachmentService(db).FindAttachment(context.Background(), f.attachment); err != nil {
		t.Errorf("attachment: %v", err)
	}
	msgs, err := NewOutboxService(db).ListOutbox(context.Background(), modulario.OutboxFilter{SubmissionID: f.sub.ID})
	if err != nil || len(msgs) < 2 {
		t.Errorf("notifications: %d, %v", len(msgs), err)
	}
}

// checkRating: the stars stay, the comment goes; linked says whether the
// rating still names its request.
func checkRating(t *testing.T, db *DB, f *retentionFixture, linked bool) {
	list, err := NewRatingService(db).ListRatings(context.Background(), f.form)
	mustNil(t, err)
	for _, r := range list {
		if r.SubmissionID != f.sub.ID {
			continue
		}
		if r.Stars != 4 || r.Comment != "" {
			t.Errorf("rating: %+v", r)
		}
		mustNil(t, db.bolt.View(func(tx *bolt.Tx) error {
			if got := tx.Bucket(bucketRatingsBySubmission).Get(u64(f.sub.ID)) != nil; got != linked {
				t.Errorf("rating link present %v, want %v", got, linked)
			}
			return nil
		}))
		return
	}
	t.Error("rating gone")
}

// wordOf is the request's unique answer word.
func wordOf(f *retentionFixture) string {
	var d struct{ Cognome string }
	_ = json.Unmarshal(f.sub.Data, &d)
	if d.Cognome == "" {
		return "nessuna-parola"
	}
	return strings.ToLower(d.Cognome)
}

// TestRetentionBatches deletes more requests than one transaction takes,
// spread among more open ones than one read scans, and counts them.
func TestRetentionBatches(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t, "")
	start := storagetest.Start
	var in []*modulario.Submission
	// Every sixth request is due, so the open ones between them fill
	// more than one read scan.
	const due = 2*retentionBatch + 17
	const total = 6*due + 100
	for i := range total {
		s := &modulario.Submission{FormSlug: "massa", Version: 1, Office: "urp", Data: json.RawMessage(`{"n":"x"}`),
			CreatedAt: start.Add(time.Duration(i) * time.Minute)}
		if i%6 == 0 && i/6 < due {
			closed := s.CreatedAt.Add(time.Hour)
			s.Status, s.ClosedAt = modulario.StatusConcluded, &closed
		}
		in = append(in, s)
	}
	mustNil(t, NewSubmissionService(db).ImportSubmissions(ctx, in))
	cutoff := start.AddDate(1, 0, 0)
	rs := NewRetentionService(db)
	if res, err := rs.PreviewRetention(ctx, "massa", cutoff, modulario.RetentionAnonymise); err != nil || res.Anonymised != due {
		t.Fatalf("dry run = %+v, %v; want %d", res, err, due)
	}
	if res, err := rs.ApplyRetention(ctx, "massa", cutoff, modulario.RetentionDelete); err != nil || res.Deleted != due {
		t.Fatalf("run = %+v, %v; want %d", res, err, due)
	}
	if n, _ := NewSubmissionService(db).CountSubmissions(ctx); n != total-due {
		t.Errorf("%d requests left, want %d", n, total-due)
	}
}
