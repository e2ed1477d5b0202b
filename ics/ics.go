// Package ics writes iCalendar (RFC 5545) files and "add to calendar"
// links for appointments. The citizen side (download on the receipt and
// tracking page) and notify (the e-mail attachment) share it.
package ics

import (
	"time"
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
	// URL is the private tracking page.
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

// Encode returns the iCalendar file (METHOD:PUBLISH, or CANCEL) with one
// VEVENT, lines folded at 75 octets and text escaped, CRLF line ends.
func Encode(a Appointment) []byte {
	panic("ics.Encode: not implemented yet")
}

// GoogleCalendarLink returns the https://calendar.google.com/calendar/render
// ?action=TEMPLATE link adding a to the citizen's Google Calendar.
func GoogleCalendarLink(a Appointment) string {
	panic("ics.GoogleCalendarLink: not implemented yet")
}

// ContentType is the media type of Encode's output.
const ContentType = "text/calendar; charset=utf-8"
