// Package notify evaluates a form's rules on submission events, renders
// notification templates, and dispatches the outbox through channels
// (email, signed webhooks, App IO, SMS/WhatsApp through an HTTP provider)
// with retries, backoff and a dead-letter state.
package notify

// CONTRACT FILE: the Channel interface and Message are shared by the
// dispatcher (dispatcher.go) and the channel implementations.

import (
	"context"
	"encoding/json"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/ics"
	"github.com/modulario/modulario/schemas"
)

// Action is one notify action of a rule, as written in the definition:
//
//	{"notify":"email","to":"office"|"citizen"|["a@b.it"],"field":"email","template":"nuova-richiesta","attachments":true}
//	{"notify":"webhook","endpoint":"protocollo"}
//	{"notify":"appio","field":"codice_fiscale","template":"richiesta-ricevuta"}
//	{"notify":"sms"|"whatsapp","field":"telefono","template":"richiesta-ricevuta"}
type Action struct {
	Notify string `json:"notify"`
	// To is "office", "citizen", or a list of fixed addresses (email only).
	To json.RawMessage `json:"to,omitempty"`
	// Field names the answer holding the citizen's address, phone number or
	// codice fiscale (a property name or JSON pointer); when empty the
	// form's contacts settings decide.
	Field       string `json:"field,omitempty"`
	Template    string `json:"template,omitempty"`
	Endpoint    string `json:"endpoint,omitempty"`
	Attachments bool   `json:"attachments,omitempty"`
	// Booking names the booking an appointment message is about (set by
	// Appointments on cancellation and move messages, never in rules).
	Booking string `json:"booking,omitempty"`
}

// Message is one outbox message made ready to send: recipients resolved
// and the template rendered.
type Message struct {
	// ID is the outbox message's stable id (email Message-ID, webhook-id).
	ID         string
	Outbox     *modulario.OutboxMessage
	Submission *modulario.Submission
	Form       *schemas.Form
	Office     *modulario.Office // nil when the submission has no office
	Action     Action
	// TrackingURL is the absolute private tracking link of the submission;
	// StaffURL its page in the back office.
	TrackingURL string
	StaffURL    string
	// Recipients: email addresses, E.164 phone numbers, or one codice
	// fiscale, depending on the channel. Empty for webhooks.
	Recipients []string
	// Subject and Markdown are the rendered template; HTML and Text are the
	// Markdown as safe HTML and as plain text (email bodies, SMS text).
	Subject  string
	Markdown string
	HTML     string
	Text     string
	// Files are the submission's attachments, when the action asks for them.
	Files []File
	// Webhook is the endpoint, for the webhook channel.
	Webhook *modulario.WebhookEndpoint
	// Calendar, when not nil, is the appointment the e-mail channel
	// attaches as appuntamento.ics (a cancellation when Cancelled); an
	// empty Organizer becomes the sender.
	Calendar *ics.Appointment
}

// File is an attachment's metadata and content.
type File struct {
	Name        string
	ContentType string
	Content     []byte
}

// Channel sends messages of one kind.
type Channel interface {
	// Name is the channel's name as rules write it ("email", "webhook"...).
	Name() string
	// Send delivers m. A nil error means delivered; reference, when not
	// empty, is an identifier the receiver returned (stored on the
	// submission). Errors are retried unless they wrap ErrPermanent.
	Send(ctx context.Context, m *Message) (reference string, err error)
}

// ErrPermanent marks an error that retrying cannot fix (a citizen not on
// App IO, an invalid recipient): the message goes to dead letter at once.
var ErrPermanent = permanentError{}

type permanentError struct{}

func (permanentError) Error() string { return "permanent failure" }
