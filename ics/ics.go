// Package ics writes iCalendar (RFC 5545) files and "add to calendar"
// links for appointments. The citizen side (download on the receipt and
// tracking page) and notify (the e-mail attachment) share it.
package ics

import (
	"net/mail"
	"net/url"
	"strings"
	"time"

	ical "github.com/arran4/golang-ical"
)

// Appointment is what a calendar entry says.
type Appointment struct {
	// UID is stable for one booking ("<booking id>@<host>"), so a moved
	// appointment updates the same entry (with a higher Sequence).
	UID string
	// Title is the entry's summary ("Appuntamento: Rinnovo carta d'identità").
	Title string
	// Description is plain text: request number, what to bring, the
	// tracking link.
	Description string
	// Location is the place line (place, address) or "Videochiamata".
	Location string
	// URL is a public page about the appointment (the service page), never
	// the private tracking link: calendar entries are shared and synced.
	URL        string
	Start, End time.Time
	// Organizer is the comune's name.
	Organizer string
	Sequence  int
	// Cancelled writes METHOD:CANCEL / STATUS:CANCELLED.
	Cancelled bool
	// Stamp is the DTSTAMP (now); zero uses Start.
	Stamp time.Time
}

// ProductID is the PRODID of the files Encode writes.
const ProductID = "-//Modulario//Appuntamenti//IT"

// Encode returns the iCalendar file (METHOD:PUBLISH, or CANCEL) with one
// VEVENT, lines folded at 75 octets and text escaped, CRLF line ends.
//
// Times are written in UTC ("20261203T083000Z"), so no VTIMEZONE is
// needed. An Organizer written as an address ("Comune di X
// <noreply@comune.it>") becomes ORGANIZER with its name as CN; a bare name
// becomes the calendar's name (X-WR-CALNAME), since ORGANIZER must be an
// address.
func Encode(a Appointment) []byte {
	cal := ical.NewCalendarFor("Modulario")
	cal.SetProductId(ProductID)
	cal.SetCalscale("GREGORIAN")
	method, status := ical.MethodPublish, ical.ObjectStatusConfirmed
	if a.Cancelled {
		method, status = ical.MethodCancel, ical.ObjectStatusCancelled
	}
	cal.SetMethod(method)
	end := a.End
	if !end.After(a.Start) {
		end = a.Start
	}
	stamp := a.Stamp
	if stamp.IsZero() {
		stamp = a.Start
	}
	ev := cal.AddEvent(clean(a.UID))
	ev.SetDtStampTime(stamp)
	ev.SetSequence(max(a.Sequence, 0))
	ev.SetStartAt(a.Start)
	ev.SetEndAt(end)
	ev.SetSummary(clean(a.Title))
	if d := clean(a.Description); d != "" {
		ev.SetDescription(d)
	}
	if l := clean(a.Location); l != "" {
		ev.SetLocation(l)
	}
	if u := uri(a.URL); u != "" {
		ev.SetURL(u)
	}
	if name, addr, ok := organizer(a.Organizer); ok {
		var params []ical.PropertyParameter
		if name != "" {
			params = append(params, ical.WithCN(name))
		}
		ev.SetOrganizer("mailto:"+addr, params...)
	} else if n := clean(a.Organizer); n != "" {
		cal.SetXWRCalName(n)
	}
	ev.SetStatus(status)
	ev.SetTimeTransparency(ical.TransparencyOpaque)
	return []byte(cal.Serialize(ical.WithNewLineWindows))
}

// clean normalises line ends to "\n" (escaped as \n by the writer) and
// drops other control characters, which iCalendar text may not contain.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s))
}

// uri returns s when it is an absolute http(s) URL without blanks, else "".
func uri(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		strings.ContainsAny(s, " \t\r\n\"") {
		return ""
	}
	return s
}

// organizer splits "Name <address>" (or a bare address). The name loses
// the characters a parameter value may not carry unquoted (the library
// does not quote CN): quotes, ';', ':', ',' and '\'; an apostrophe becomes
// the typographic one, common in Italian names ("Sant’Angelo").
func organizer(s string) (name, addr string, ok bool) {
	if !strings.Contains(s, "@") {
		return "", "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || strings.ContainsAny(a.Address, " \r\n") {
		return "", "", false
	}
	name = strings.ReplaceAll(clean(a.Name), "'", "’")
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune("\";:,\\\n\t", r) {
			return -1
		}
		return r
	}, name)
	return strings.TrimSpace(name), a.Address, true
}

// GoogleCalendarLink returns the https://calendar.google.com/calendar/render
// ?action=TEMPLATE link adding a to the citizen's Google Calendar.
//
// The dates are UTC in basic format ("20261203T083000Z/20261203T090000Z");
// details are the description followed by the URL when the description
// does not already contain it.
func GoogleCalendarLink(a Appointment) string {
	end := a.End
	if !end.After(a.Start) {
		end = a.Start
	}
	const layout = "20060102T150405Z"
	details := clean(a.Description)
	if u := uri(a.URL); u != "" && !strings.Contains(details, u) {
		if details != "" {
			details += "\n\n"
		}
		details += u
	}
	var b strings.Builder
	b.WriteString("https://calendar.google.com/calendar/render?action=TEMPLATE")
	b.WriteString("&text=" + url.QueryEscape(clean(a.Title)))
	b.WriteString("&dates=" + a.Start.UTC().Format(layout) + "/" + end.UTC().Format(layout))
	if details != "" {
		b.WriteString("&details=" + url.QueryEscape(details))
	}
	if l := clean(a.Location); l != "" {
		b.WriteString("&location=" + url.QueryEscape(l))
	}
	return b.String()
}

// ContentType is the media type of Encode's output.
const ContentType = "text/calendar; charset=utf-8"
