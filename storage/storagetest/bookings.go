package storagetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// ApptField is the pointer of the appointment field of the booking tests.
const ApptField = "/appuntamento"

// Rome is the zone of the test calendars.
var Rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return loc
}()

// At returns March day, 2026 at hh:mm in Rome. The suite's clock (Start)
// is Tuesday 10 March at 10:30 in Rome.
func At(day, hh, mm int) time.Time { return time.Date(2026, time.March, day, hh, mm, 0, 0, Rome) }

func runBookings(t *testing.T, open Opener) {
	t.Run("Calendars", func(t *testing.T) { testCalendars(t, open) })
	t.Run("BookingConcurrentSubmissions", func(t *testing.T) { testBookingConcurrentSubmissions(t, open) })
	t.Run("BookingConcurrentHolds", func(t *testing.T) { testBookingConcurrentHolds(t, open) })
	t.Run("BookingHoldExpiry", func(t *testing.T) { testHoldExpiry(t, open) })
	t.Run("BookingHoldConfirm", func(t *testing.T) { testHoldConfirm(t, open) })
	t.Run("BookingHoldRelease", func(t *testing.T) { testHoldRelease(t, open) })
	t.Run("BookingRefusals", func(t *testing.T) { testBookingRefusals(t, open) })
	t.Run("BookingAvailability", func(t *testing.T) { testAvailability(t, open) })
	t.Run("BookingCancel", func(t *testing.T) { testCancelAppointment(t, open) })
	t.Run("BookingCitizenWithdraws", func(t *testing.T) { testCitizenCancelWithdraws(t, open) })
	t.Run("BookingMove", func(t *testing.T) { testMoveAppointment(t, open) })
	t.Run("BookingChangeHours", func(t *testing.T) { testChangeHours(t, open) })
	t.Run("BookingCloseFrees", func(t *testing.T) { testCloseFreesBookings(t, open) })
	t.Run("BookingCheckIn", func(t *testing.T) { testCheckIn(t, open) })
	t.Run("BookingAffected", func(t *testing.T) { testAffectedBookings(t, open) })
	t.Run("BookingAgenda", func(t *testing.T) { testAgenda(t, open) })
	t.Run("CalendarDelete", func(t *testing.T) { testDeleteCalendar(t, open) })
	t.Run("OutboxScheduled", func(t *testing.T) { testOutboxScheduled(t, open) })
	t.Run("OutboxSkipped", func(t *testing.T) { testOutboxSkipped(t, open) })
}

// openBookings opens a store with calendars and bookings, skipping t if it
// has none.
func openBookings(t *testing.T, open Opener) Store {
	t.Helper()
	st := openAt(t, open, Start)
	if st.Calendars == nil || st.Bookings == nil || st.Offices == nil {
		t.Skip("the store has no CalendarService, BookingService or OfficeService")
	}
	return st
}

// NewCalendar returns a valid counter calendar of office "anagrafe":
// Monday to Friday 09:00–12:00, slots of 30 minutes, one place each, no
// notice, 60 days ahead, changes until 24 hours before.
func NewCalendar(slug string) *modulario.Calendar {
	c := &modulario.Calendar{
		Slug: slug, Name: "Sportello " + slug, Office: "anagrafe", Kind: modulario.CalendarPlace,
		Place: "Sede centrale", Address: "Piazza del Municipio 1",
		SlotMinutes: 30, Capacity: 1, HorizonDays: 60, ChangeHours: 24,
	}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Hours[d] = []modulario.Interval{{Start: "09:00", End: "12:00"}}
	}
	return c
}

// saveCalendar stores the office "anagrafe" and c.
func saveCalendar(t *testing.T, st Store, c *modulario.Calendar) {
	t.Helper()
	ctx := context.Background()
	must(t, st.Offices.SaveOffice(ctx, &modulario.Office{Slug: "anagrafe", Name: "Ufficio anagrafe"}))
	must(t, st.Calendars.SaveCalendar(ctx, c))
}

// BookingSubmission returns a request booking calendar's slot at start.
func BookingSubmission(calendar string, start time.Time) *modulario.Submission {
	s := NewSubmission("carta-identita")
	s.Appointments = []modulario.Appointment{{Field: ApptField, Calendar: calendar, Start: start, Name: "Mario Rossi"}}
	return s
}

// book creates a request with an appointment at start and returns it.
func book(t *testing.T, st Store, calendar string, start time.Time) *modulario.Submission {
	t.Helper()
	s := BookingSubmission(calendar, start)
	must(t, st.Submissions.CreateSubmission(context.Background(), s, ""))
	return s
}

func hold(holder string, calendar string, start time.Time, until time.Time) modulario.Hold {
	return modulario.Hold{Calendar: calendar, Start: start, Holder: holder, Field: ApptField, Until: until}
}

func wantCount(t *testing.T, st Store, calendar string, start time.Time, want int) {
	t.Helper()
	n, err := st.Bookings.CountBookings(context.Background(), calendar, start)
	must(t, err)
	if n != want {
		t.Fatalf("CountBookings(%s) = %d, want %d", start.Format(time.RFC3339), n, want)
	}
}

// WantField fails t unless err has code and a message for field.
func WantField(t *testing.T, err error, code, field string) {
	t.Helper()
	WantCode(t, err, code)
	e, _ := err.(*modulario.Error)
	if e == nil || e.Fields[field] == "" || e.Message == "" {
		t.Fatalf("error %v has no message for %s", err, field)
	}
}

func testCalendars(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	c := NewCalendar("sede-centrale")
	err := st.Calendars.SaveCalendar(ctx, c)
	WantField(t, err, modulario.EINVALID, "/office") // the office does not exist yet
	saveCalendar(t, st, c)
	if !c.CreatedAt.Equal(Start) || !c.UpdatedAt.Equal(Start) {
		t.Fatalf("saved calendar times: %v %v", c.CreatedAt, c.UpdatedAt)
	}
	bad := NewCalendar("Bad Slug")
	bad.Capacity = 0
	err = st.Calendars.SaveCalendar(ctx, bad)
	WantField(t, err, modulario.EINVALID, "/capacity")
	WantField(t, err, modulario.EINVALID, "/slug")

	video := NewCalendar("video")
	video.Name, video.Kind, video.Place, video.Address = "Anagrafe in videochiamata", modulario.CalendarVideo, "", ""
	must(t, st.Calendars.SaveCalendar(ctx, video))
	st.SetNow(Start.Add(time.Hour))
	c.Capacity = 3
	must(t, st.Calendars.SaveCalendar(ctx, c))
	if !c.CreatedAt.Equal(Start) || !c.UpdatedAt.Equal(Start.Add(time.Hour)) {
		t.Fatalf("replaced calendar times: %v %v", c.CreatedAt, c.UpdatedAt)
	}
	got, err := st.Calendars.FindCalendar(ctx, "sede-centrale")
	must(t, err)
	if got.Capacity != 3 || got.Hours[time.Monday][0].End != "12:00" || got.Where() != "Sede centrale, Piazza del Municipio 1" {
		t.Fatalf("found calendar: %+v", got)
	}
	_, err = st.Calendars.FindCalendar(ctx, "missing")
	WantCode(t, err, modulario.ENOTFOUND)
	list, err := st.Calendars.ListCalendars(ctx)
	must(t, err)
	if len(list) != 2 || list[0].Slug != "video" || list[1].Slug != "sede-centrale" {
		t.Fatalf("calendars not by name: %v", list)
	}
}

// testBookingConcurrentSubmissions sends 200 concurrent requests on 10
// slots of one place each: exactly 10 are stored, 190 refused with a
// message for the field, and no slot is overbooked.
func testBookingConcurrentSubmissions(t *testing.T, open Opener) {
	const attempts, nslots = 200, 10
	ctx := context.Background()
	st := openBookings(t, open)
	saveCalendar(t, st, NewCalendar("sede-centrale"))
	slots := tenSlots()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, attempts)
	subs := make([]*modulario.Submission, attempts)
	for i := range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			subs[i] = BookingSubmission("sede-centrale", slots[i%nslots])
			errs[i] = st.Submissions.CreateSubmission(ctx, subs[i], "")
		}()
	}
	close(start)
	wg.Wait()
	ok, refused := 0, 0
	perSlot := map[time.Time]int{}
	for i, err := range errs {
		switch modulario.ErrorCode(err) {
		case "":
			ok++
			a := subs[i].Appointments
			if len(a) != 1 || a[0].BookingID == "" || a[0].Status != modulario.BookingConfirmed ||
				!a[0].End.Equal(a[0].Start.Add(30*time.Minute)) {
				t.Fatalf("confirmed appointment: %+v", a)
			}
			perSlot[slots[i%nslots]]++
		case modulario.ECONFLICT:
			refused++
			WantField(t, err, modulario.ECONFLICT, ApptField)
		default:
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if ok != nslots || refused != attempts-nslots {
		t.Fatalf("%d confirmed and %d refused, want %d and %d", ok, refused, nslots, attempts-nslots)
	}
	overbooked := 0
	for _, s := range slots {
		n, err := st.Bookings.CountBookings(ctx, "sede-centrale", s)
		must(t, err)
		if n != 1 || perSlot[s] != 1 {
			t.Errorf("slot %s: %d stored, %d confirmed", s.Format(time.RFC3339), n, perSlot[s])
		}
		overbooked += max(0, n-1)
	}
	if overbooked != 0 {
		t.Fatalf("%d overbooked places", overbooked)
	}
	n, err := st.Submissions.CountSubmissions(ctx)
	must(t, err)
	if n != nslots {
		t.Fatalf("%d requests stored, want %d: a refused request was stored", n, nslots)
	}
}

// tenSlots returns ten slots of NewCalendar: six on Wednesday 11 March and
// four on Thursday 12 March.
func tenSlots() []time.Time {
	var out []time.Time
	for i := range 6 {
		out = append(out, At(11, 9, 0).Add(time.Duration(i)*30*time.Minute))
	}
	for i := range 4 {
		out = append(out, At(12, 9, 0).Add(time.Duration(i)*30*time.Minute))
	}
	return out
}

// testBookingConcurrentHolds is the same race with holds.
func testBookingConcurrentHolds(t *testing.T, open Opener) {
	const attempts, nslots = 200, 10
	ctx := context.Background()
	st := openBookings(t, open)
	saveCalendar(t, st, NewCalendar("sede-centrale"))
	slots := tenSlots()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, attempts)
	for i := range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			h := hold(modulario.DraftHolder(fmt.Sprint("bozza-", i)), "sede-centrale",
				slots[i%nslots], Start.Add(modulario.HoldDuration))
			_, errs[i] = st.Bookings.HoldSlot(ctx, h, Start)
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch modulario.ErrorCode(err) {
		case "":
			ok++
		case modulario.ECONFLICT:
			WantField(t, err, modulario.ECONFLICT, ApptField)
		default:
			t.Fatalf("hold %d: %v", i, err)
		}
	}
	if ok != nslots {
		t.Fatalf("%d holds taken, want %d", ok, nslots)
	}
	avail, err := st.Bookings.Availability(ctx, "sede-centrale",
		modulario.SlotQuery{From: At(11, 0, 0), To: At(13, 0, 0), Now: Start}, "")
	must(t, err)
	if len(avail) != 12 {
		t.Fatalf("%d slots on 11-12 March, want 12", len(avail))
	}
	held := 0
	for _, s := range avail {
		if s.Taken > s.Capacity {
			t.Fatalf("slot %v overbooked: %+v", s.Start, s)
		}
		held += s.Taken
	}
	if held != nslots {
		t.Fatalf("%d places held, want %d", held, nslots)
	}
	for _, s := range slots {
		wantCount(t, st, "sede-centrale", s, 0) // holds are not bookings
	}
}

func testHoldExpiry(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	saveCalendar(t, st, NewCalendar("sede-centrale"))
	slot := At(11, 9, 0)
	a, err := st.Bookings.HoldSlot(ctx, hold("draft:a", "sede-centrale", slot, Start.Add(modulario.HoldDuration)), Start)
	must(t, err)
	if a.Status != modulario.BookingHeld || !a.Start.Equal(slot) || !a.ExpiresAt.Equal(Start.Add(modulario.HoldDuration)) ||
		a.Holder != "draft:a" || a.Field != ApptField || a.ID == "" {
		t.Fatalf("hold: %+v", a)
	}
	_, err = st.Bookings.HoldSlot(ctx, hold("draft:b", "sede-centrale", slot, Start.Add(15*time.Minute)), Start.Add(5*time.Minute))
	WantField(t, err, modulario.ECONFLICT, ApptField)
	later := Start.Add(11 * time.Minute)
	b, err := st.Bookings.HoldSlot(ctx, hold("draft:b", "sede-centrale", slot, later.Add(modulario.HoldDuration)), later)
	must(t, err)
	if b.ID == a.ID {
		t.Fatal("the expired hold was reused for another holder")
	}
	// A's hold expired: holding again is refused now that B holds the slot.
	_, err = st.Bookings.HoldSlot(ctx, hold("draft:a", "sede-centrale", slot, later.Add(modulario.HoldDuration)), later)
	WantCode(t, err, modulario.ECONFLICT)
	// B holding the same slot again extends its hold.
	again, err := st.Bookings.HoldSlot(ctx, hold("draft:b", "sede-centrale", slot, later.Add(20*time.Minute)), later.Add(time.Minute))
	must(t, err)
	if again.ID != b.ID || !again.ExpiresAt.Equal(later.Add(20*time.Minute)) {
		t.Fatalf("extended hold: %+v, first %+v", again, b)
	}
	// B picking another slot moves the hold: the first slot is free again.
	moved, err := st.Bookings.HoldSlot(ctx, hold("draft:b", "sede-centrale", At(11, 9, 30), time.Time{}), later.Add(2*time.Minute))
	must(t, err)
	if !moved.ExpiresAt.Equal(later.Add(2*time.Minute + modulario.HoldDuration)) {
		t.Fatalf("default hold expiry: %v", moved.ExpiresAt)
	}
	_, err = st.Bookings.HoldSlot(ctx, hold("draft:c", "sede-centrale", slot, time.Time{}), later.Add(3*time.Minute))
	must(t, err)
	// A purge at the end removes the expired holds only.
	n, err := st.Bookings.PurgeExpiredHolds(ctx, later.Add(time.Hour))
	must(t, err)
	if n != 3 { // a (expired), b (moved to 09:30, expired), c (expired)
		t.Fatalf("purged %d holds, want 3", n)
	}
}

// testHoldConfirm submits a draft whose hold becomes the booking, then an
// expired hold that still confirms, then one that cannot.
func testHoldConfirm(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	saveCalendar(t, st, NewCalendar("sede-centrale"))
	slot := At(11, 9, 0)
	d := newDraft(t, st, Start.Add(time.Hour))
	h, err := st.Bookings.HoldSlot(ctx, hold(modulario.DraftHolder(d.Token), "sede-centrale", slot, time.Time{}), Start)
	must(t, err)
	sub := BookingSubmission("sede-centrale", slot.UTC()) // any zone names the same instant
	must(t, st.Submissions.CreateSubmission(ctx, sub, d.Token))
	a := sub.Appointments[0]
	if a.BookingID != h.ID || a.Status != modulario.BookingConfirmed || !a.Start.Equal(slot) || a.Name != "Mario Rossi" {
		t.Fatalf("appointment from hold: %+v (hold %s)", a, h.ID)
	}
	wantCount(t, st, "sede-centrale", slot, 1)
	stored, err := st.Submissions.FindSubmission(ctx, sub.ID)
	must(t, err)
	if len(stored.Appointments) != 1 || stored.Appointments[0].BookingID != h.ID {
		t.Fatalf("stored appointments: %+v", stored.Appointments)
	}
	agenda, err := st.Bookings.Agenda(ctx, "sede-centrale", At(11, 0, 0), At(12, 0, 0))
	must(t, err)
	if len(agenda) != 1 || agenda[0].SubmissionID != sub.ID || agenda[0].Number != sub.Number ||
		agenda[0].Name != "Mario Rossi" || agenda[0].Holder != "" || agenda[0].Status != modulario.BookingConfirmed {
		t.Fatalf("agenda: %+v", agenda)
	}

	// An expired hold still confirms while the place is free.
	d2 := newDraft(t, st, Start.Add(2*time.Hour))
	slot2 := At(11, 9, 30)
	_, err = st.Bookings.HoldSlot(ctx, hold(modulario.DraftHolder(d2.Token), "sede-centrale", slot2, Start.Add(time.Minute)), Start)
	must(t, err)
	st.SetNow(Start.Add(20 * time.Minute))
	must(t, st.Submissions.CreateSubmission(ctx, BookingSubmission("sede-centrale", slot2), d2.Token))
	wantCount(t, st, "sede-centrale", slot2, 1)

	// An expired hold whose place went to someone else: refused, nothing
	// stored, the draft kept so the citizen can pick another time.
	d3 := newDraft(t, st, Start.Add(3*time.Hour))
	slot3 := At(11, 10, 0)
	_, err = st.Bookings.HoldSlot(ctx, hold(modulario.DraftHolder(d3.Token), "sede-centrale", slot3, Start.Add(25*time.Minute)), Start.Add(20*time.Minute))
	must(t, err)
	st.SetNow(Start.Add(30 * time.Minute))
	book(t, st, "sede-centrale", slot3)
	before, err := st.Submissions.CountSubmissions(ctx)
	must(t, err)
	err = st.Submissions.CreateSubmission(ctx, BookingSubmission("sede-centrale", slot3), d3.Token)
	WantField(t, err, modulario.ECONFLICT, ApptField)
	after, err := st.Submissions.CountSubmissions(ctx)
	must(t, err)
	if after != before {
		t.Fatalf("a refused request was stored: %d → %d", before, after)
	}
	if _, err := st.Drafts.FindDraft(ctx, d3.Token); err != nil {
		t.Fatalf("draft lost after a refused submit: %v", err)
	}
	wantCount(t, st, "sede-centrale", slot3, 1)
}

// testHoldRelease checks that deleting, purging or releasing a draft's
// holds frees their places.
func testHoldRelease(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	saveCalendar(t, st, NewCalendar("sede-centrale"))
	slot := At(11, 9, 0)
	free := func(when time.Time) {
		t.Helper()
		h, err := st.Bookings.HoldSlot(ctx, hold("draft:probe", "sede-centrale", slot, when.Add(time.Minute)), when)
		must(t, err)
		must(t, st.Bookings.ReleaseHolds(ctx, h.Holder))
	}
	d := newDraft(t, st, Start.Add(time.Hour))
	_, err := st.Bookings.HoldSlot(ctx, hold(modulario.DraftHolder(d.Token), "sede-centrale", slot, time.Time{}), Start)
	must(t, err)
	_, err = st.Bookings.HoldSlot(ctx, hold("draft:probe", "sede-centrale", slot, time.Time{}), Start)
	WantCode(t, err, modulario.ECONFLICT)
	must(t, st.Drafts.DeleteDraft(ctx, d.Token))
	free(Start)

	d = newDraft(t, st, Start.Add(time.Minute))
	_, err = st.Bookings.HoldSlot(ctx, hold(modulario.DraftHolder(d.Token), "sede-centrale", slot, Start.Add(time.Hour)), Start)
	must(t, err)
	n, err := st.Drafts.PurgeExpiredDrafts(ctx, Start.Add(2*time.Minute))
	must(t, err)
	if n != 1 {
		t.Fatalf("purged %d drafts", n)
	}
	free(Start.Add(2 * time.Minute))

	_, err = st.Bookings.HoldSlot(ctx, hold("draft:x", "sede-centrale", slot, time.Time{}), Start)
	must(t, err)
	must(t, st.Bookings.ReleaseHolds(ctx, "draft:x"))
	free(Start)
	n, err = st.Bookings.PurgeExpiredHolds(ctx, Start.Add(time.Hour))
	must(t, err)
	if n != 0 {
		t.Fatalf("purged %d holds after every hold was released", n)
	}
}

// testBookingRefusals checks slots a request cannot book.
func testBookingRefusals(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	c := NewCalendar("sede-centrale")
	c.NoticeHours = 24
	saveCalendar(t, st, c)
	for name, start := range map[string]time.Time{
		"past":           At(9, 9, 0),
		"within notice":  At(11, 9, 0), // 22h30 after Start
		"off the grid":   At(12, 9, 10),
		"after hours":    At(12, 12, 0),
		"weekend":        At(14, 9, 0),
		"beyond horizon": time.Date(2026, time.May, 12, 9, 0, 0, 0, Rome),
	} {
		err := st.Submissions.CreateSubmission(ctx, BookingSubmission("sede-centrale", start), "")
		if modulario.ErrorCode(err) != modulario.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
		_, err = st.Bookings.HoldSlot(ctx, hold("draft:x", "sede-centrale", start, time.Time{}), Start)
		if modulario.ErrorCode(err) != modulario.EINVALID {
			t.Errorf("hold %s: %v, want EINVALID", name, err)
		}
	}
	err := st.Submissions.CreateSubmission(ctx, BookingSubmission("missing", At(12, 9, 0)), "")
	WantField(t, err, modulario.EINVALID, ApptField)
	_, err = st.Bookings.HoldSlot(ctx, hold("draft:x", "missing", At(12, 9, 0), time.Time{}), Start)
	WantCode(t, err, modulario.ENOTFOUND)
	// Staff entering a request for a citizen at the counter ignore notice.
	sub := BookingSubmission("sede-centrale", At(11, 9, 0))
	sub.EnteredBy, sub.Channel = "u-operatore", modulario.ChannelCounter
	must(t, st.Submissions.CreateSubmission(ctx, sub, ""))
	// Two appointment fields of one request cannot share a one-place slot.
	two := BookingSubmission("sede-centrale", At(12, 9, 0))
	two.Appointments = append(two.Appointments, modulario.Appointment{Field: "/secondo", Calendar: "sede-centrale", Start: At(12, 9, 0)})
	WantField(t, st.Submissions.CreateSubmission(ctx, two, ""), modulario.ECONFLICT, "/secondo")
	wantCount(t, st, "sede-centrale", At(12, 9, 0), 0)
	// The patron day from the settings closes the calendar.
	if st.Settings != nil {
		WantField(t, st.Settings.SaveSettings(ctx, &modulario.Settings{PatronDay: "3-13"}), modulario.EINVALID, "/patron_day")
		must(t, st.Settings.SaveSettings(ctx, &modulario.Settings{SiteName: "Comune", PatronDay: "03-13", PatronName: "San Test"}))
		err = st.Submissions.CreateSubmission(ctx, BookingSubmission("sede-centrale", At(13, 9, 0)), "")
		WantCode(t, err, modulario.EINVALID)
	}
}

func testAvailability(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openBookings(t, open)
	c := NewCalendar("sede-centrale")
	c.Capacity = 2
	saveCalendar(t, st, c)
	book(t, st, "sede-centrale", At(11, 9, 0))
	_, err := st.Bookings.HoldSlot(ctx, hold("draft:mine", "sede-centrale", At(11, 9, 0), time.Time{}), Start)
	must(t, err)
	q := modulario.SlotQuery{From: At(11, 0, 0), To: At(12, 0, 0), Now: Start}
	for holder, want := range map[string]int{"": 2, "draft:mine": 1} {
		slots, err := st.Bookings.Availability(ctx, "sede-centrale", q, holder)
		must(t, err)
		if len(slots) != 6 || slots[0].Taken != want || slots[0].Capacity != 2 || slots[1].Taken != 0 ||
			slots[0].Calendar != "sede-centrale" || !slots[5].Start.Equal(At(11, 11, 30)) {
			t.Fatalf("availability except %q: %+v", holder, slots)
		}
	}
	_, err = st.Bookings.Availability(ctx, "missing", q, "")
	WantCode(t, err, modulario.ENOTFOUND)

	// Fill Wednesday 09:00, 11:00 and 11:30: the nearest free slots around
	// 11:00 are then 10:30, 10:00 and 09:30, listed in time order.
	for _, s := range []time.Time{At(11, 9, 0), At(11, 11, 0), At(11, 11, 0), At(11, 11, 30), At(11, 11, 30)} {
		_ = st.Submissions.CreateSubmission(ctx, BookingSubmission("sede-centrale", s), "")
	}
	must(t, st.Bookings.ReleaseHolds(ctx, "draft:mine"))
	near, err := st.Bookings.NearestFree(ctx, "sede-centrale", At(11, 11, 0), Start, 3)
	must(t, err)
	if len(near) != 3 || !near[0].Start.Equal(At(11, 9, 30)) || !near[1].Start.Equal(At(11, 10, 0)) ||
		!near[2].Start.Equal(At(11, 10, 30)) || near[0].Free() != 2 {
		t.Fatalf("nearest free: %+v", near)
	}
	_, err = st.Bookings.NearestFree(ctx, "missing", At(11, 11, 0), Start, 3)
	WantCode(t, err, modulario.ENOTFOUND)
}
