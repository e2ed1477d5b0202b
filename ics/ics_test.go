package ics

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ical "github.com/arran4/golang-ical"
)

func rome(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func sample(t *testing.T) Appointment {
	start := time.Date(2026, 12, 3, 9, 30, 0, 0, rome(t))
	return Appointment{
		UID:         "b-0001@comune.example.it",
		Title:       "Appuntamento: Rinnovo carta d'identità elettronica",
		Description: "Richiesta 2026-0000042.\nCosa portare: documento scaduto, una fototessera; codice fiscale.",
		Location:    "Sede centrale, Piazza del Municipio 1",
		URL:         "https://comune.example.it/pratiche/tok_ABC",
		Start:       start,
		End:         start.Add(20 * time.Minute),
		Organizer:   "Comune di Sant'Angelo <noreply@comune.example.it>",
		Sequence:    2,
		Stamp:       time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC),
	}
}

// parse reads the file back with the library's parser.
func parse(t *testing.T, b []byte) (*ical.Calendar, *ical.VEvent) {
	t.Helper()
	cal, err := ical.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, b)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("events = %d, want 1", len(evs))
	}
	return cal, evs[0]
}

func prop(ev *ical.VEvent, p ical.ComponentProperty) string {
	if x := ev.GetProperty(p); x != nil {
		return x.Value
	}
	return ""
}

func calProp(cal *ical.Calendar, p ical.Property) string {
	for _, cp := range cal.CalendarProperties {
		if cp.IANAToken == string(p) {
			return cp.Value
		}
	}
	return ""
}

func TestEncodeRoundTrip(t *testing.T) {
	a := sample(t)
	b := Encode(a)
	s := string(b)
	if !strings.HasPrefix(s, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(s, "END:VCALENDAR\r\n") {
		t.Fatalf("not a CRLF calendar:\n%q", s)
	}
	if strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") {
		t.Error("bare LF in output")
	}
	for _, want := range []string{"\r\nDTSTART:20261203T083000Z\r\n", "\r\nDTEND:20261203T085000Z\r\n",
		"\r\nDTSTAMP:20261120T100000Z\r\n", "\r\nSEQUENCE:2\r\n", "\r\nMETHOD:PUBLISH\r\n",
		"\r\nSTATUS:CONFIRMED\r\n", "\r\nVERSION:2.0\r\n", "\r\nPRODID:" + ProductID + "\r\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
	cal, ev := parse(t, b)
	if got := calProp(cal, ical.PropertyMethod); got != "PUBLISH" {
		t.Errorf("METHOD = %q", got)
	}
	if ev.Id() != a.UID {
		t.Errorf("UID = %q", ev.Id())
	}
	start, err := ev.GetStartAt()
	if err != nil || !start.Equal(a.Start) {
		t.Errorf("DTSTART = %v, %v; want %v", start, err, a.Start)
	}
	end, err := ev.GetEndAt()
	if err != nil || !end.Equal(a.End) {
		t.Errorf("DTEND = %v, %v; want %v", end, err, a.End)
	}
	if got := ical.FromText(prop(ev, ical.ComponentPropertyLocation)); got != a.Location {
		t.Errorf("LOCATION = %q", got)
	}
	if got := ical.FromText(prop(ev, ical.ComponentPropertyDescription)); got != a.Description {
		t.Errorf("DESCRIPTION = %q, want %q", got, a.Description)
	}
	if got := ical.FromText(prop(ev, ical.ComponentPropertySummary)); got != a.Title {
		t.Errorf("SUMMARY = %q", got)
	}
	if got := prop(ev, ical.ComponentPropertyUrl); got != a.URL {
		t.Errorf("URL = %q", got)
	}
	org := ev.GetProperty(ical.ComponentPropertyOrganizer)
	if org == nil || org.Value != "mailto:noreply@comune.example.it" {
		t.Fatalf("ORGANIZER = %+v", org)
	}
	if cn := org.ICalParameters["CN"]; len(cn) != 1 || cn[0] != "Comune di Sant’Angelo" {
		t.Errorf("CN = %q", cn)
	}
}

func TestEncodeEscaping(t *testing.T) {
	a := sample(t)
	a.Location = `Sala 1, piano terra; ingresso "B" \ lato via Roma`
	a.Description = "prima riga\r\nseconda riga\rterza\x00 riga"
	s := string(Encode(a))
	unfolded := strings.ReplaceAll(s, "\r\n ", "")
	if !strings.Contains(unfolded, `LOCATION:Sala 1\, piano terra\; ingresso "B" \\ lato via Roma`+"\r\n") {
		t.Errorf("LOCATION not escaped:\n%s", unfolded)
	}
	if !strings.Contains(unfolded, `DESCRIPTION:prima riga\nseconda riga\nterza riga`+"\r\n") {
		t.Errorf("DESCRIPTION line ends not escaped:\n%s", unfolded)
	}
	_, ev := parse(t, []byte(s))
	if got := ical.FromText(prop(ev, ical.ComponentPropertyLocation)); got != `Sala 1, piano terra; ingresso "B" \ lato via Roma` {
		t.Errorf("LOCATION back = %q", got)
	}
}

func TestEncodeFoldsOnUTF8Boundaries(t *testing.T) {
	a := sample(t)
	// Long, accented, with few spaces so folds fall inside words too.
	a.Description = strings.Repeat("àèìòùé€perché_perciò_così_città_", 12) + " fine"
	b := Encode(a)
	if !utf8.Valid(b) {
		t.Fatal("output is not valid UTF-8")
	}
	folds := 0
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line split inside a character: %q", line)
		}
		if strings.HasPrefix(line, " ") {
			folds++
		}
	}
	if folds < 5 {
		t.Errorf("folds = %d, want the long description folded", folds)
	}
	_, ev := parse(t, b)
	if got := ical.FromText(prop(ev, ical.ComponentPropertyDescription)); got != a.Description {
		t.Errorf("DESCRIPTION after unfolding = %q, want %q", got, a.Description)
	}
}

func TestEncodeCancel(t *testing.T) {
	a := sample(t)
	a.Cancelled = true
	a.Sequence = 3
	a.Stamp = time.Time{}
	a.Organizer = "Comune di Prova"
	b := Encode(a)
	s := string(b)
	for _, want := range []string{"\r\nMETHOD:CANCEL\r\n", "\r\nSTATUS:CANCELLED\r\n", "\r\nSEQUENCE:3\r\n",
		"\r\nDTSTAMP:20261203T083000Z\r\n", "\r\nX-WR-CALNAME:Comune di Prova\r\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
	if strings.Contains(s, "ORGANIZER") {
		t.Errorf("a bare name must not become ORGANIZER:\n%s", s)
	}
	parse(t, b)
}

func TestEncodeDropsBadURL(t *testing.T) {
	a := sample(t)
	a.URL = "javascript:alert(1)"
	if s := string(Encode(a)); strings.Contains(s, "URL:") {
		t.Errorf("unsafe URL written:\n%s", s)
	}
}

func TestGoogleCalendarLink(t *testing.T) {
	a := sample(t)
	link := GoogleCalendarLink(a)
	if !strings.HasPrefix(link, "https://calendar.google.com/calendar/render?action=TEMPLATE&") {
		t.Fatalf("link = %s", link)
	}
	if !strings.Contains(link, "&dates=20261203T083000Z/20261203T085000Z") {
		t.Errorf("dates missing: %s", link)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("action") != "TEMPLATE" || q.Get("text") != a.Title || q.Get("location") != a.Location {
		t.Errorf("query = %v", q)
	}
	if d := q.Get("details"); !strings.HasPrefix(d, a.Description) || !strings.HasSuffix(d, a.URL) {
		t.Errorf("details = %q", d)
	}
	if strings.Contains(link, " ") || strings.Contains(link, "à") {
		t.Errorf("link not encoded: %s", link)
	}
}
