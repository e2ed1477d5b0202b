package renderer

import (
	"context"
	"encoding/json"
	"net/http"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// receiptView is the data of the receipt page.
type receiptView struct {
	Sub *modulario.Submission
	Def *schemas.Definition
	// Date and Time are when the request was sent: "Inviata il 22/11/2026
	// alle 20:17".
	Date, Time string
	// Due is the deadline's date, empty when the form sets none.
	Due string
	// CopyTo is the citizen's e-mail address, masked ("m***@example.it"),
	// when an e-mail to the citizen was queued with the request.
	CopyTo      string
	TrackingURL string
	// Rating is the star form, nil when ratings are not configured.
	Rating *starsView
	// Appointments are the request's appointments; Booked is true when
	// one of them is confirmed ("Appuntamento confermato").
	Appointments []*appointmentView
	Booked       bool
}

// receiptPage confirms a submission with its request number and the
// private tracking link.
func (s *Server) receiptPage(c echo.Context) error {
	sub, compiled, err := s.submissionByToken(c)
	if err != nil {
		return err
	}
	return s.renderReceipt(c, sub, compiled, http.StatusOK, "")
}

// renderReceipt writes the receipt with status; starsErr is the message
// of a rating posted without a valid number of stars.
func (s *Server) renderReceipt(c echo.Context, sub *modulario.Submission, compiled *schemas.Form, status int, starsErr string) error {
	v := &receiptView{
		Sub: sub, Def: compiled.Def,
		Date: s.dateOf(&sub.CreatedAt), Time: schemas.Clock(sub.CreatedAt.In(s.location())),
		Due:         s.dateOf(sub.DueAt),
		CopyTo:      s.copySentTo(c.Request().Context(), sub, compiled.Def),
		TrackingURL: s.absURL(c, topLink(c, "/pratiche/"+sub.Token)),
	}
	apps, err := s.appointmentViews(c, sub, compiled, false)
	if err != nil {
		return err
	}
	v.Appointments = apps
	for _, a := range apps {
		v.Booked = v.Booked || a.Active
	}
	if s.cfg.Ratings != nil {
		v.Rating = &starsView{Action: link(c, "/pratiche/"+sub.Token+"/valutazione"), Error: starsErr}
	}
	title := msg.T(langOf(c), "receipt.title")
	if v.Booked {
		title = msg.T(langOf(c), "booking.confirmed_title")
	}
	p := s.newPage(c, title+": "+compiled.Def.Title, v)
	if starsErr != "" {
		p.markErrors(1)
	}
	p.Breadcrumb = append(serviceCrumbs(p, compiled.Def.Title, sub.FormSlug), crumb{Label: title})
	return s.render(c, status, "receipt", p)
}

// OutboxLister lists the notifications queued for requests (storage's
// outbox service).
type OutboxLister interface {
	ListOutbox(ctx context.Context, f modulario.OutboxFilter) ([]*modulario.OutboxMessage, error)
}

// copySentTo returns the masked address of the citizen when the request
// queued an e-mail to them on arrival (a rule's {"notify":"email",
// "to":"citizen"}) that is not known to have failed; "" otherwise, and
// always without an outbox. Appointment reminders do not count: they are
// sent later and are not a copy of the receipt.
func (s *Server) copySentTo(ctx context.Context, sub *modulario.Submission, def *schemas.Definition) string {
	if s.cfg.Outbox == nil {
		return ""
	}
	list, err := s.cfg.Outbox.ListOutbox(ctx, modulario.OutboxFilter{SubmissionID: sub.ID, Channel: modulario.ChannelEmailMsg})
	if err != nil {
		s.cfg.Logger.WarnContext(ctx, "receipt: outbox not read", "submission", sub.ID, "err", err)
		return ""
	}
	data := map[string]any{}
	_ = json.Unmarshal(sub.Data, &data)
	for _, m := range list {
		if m.Event != modulario.EventReceived || m.AppointmentField != "" ||
			m.Status == modulario.OutboxDead || m.Status == modulario.OutboxSkipped {
			continue
		}
		var action struct {
			To    json.RawMessage `json:"to"`
			Field string          `json:"field"`
		}
		if json.Unmarshal(m.Action, &action) != nil || strings.TrimSpace(string(action.To)) != `"citizen"` {
			continue
		}
		ref := action.Field
		if ref == "" {
			ref = def.Contacts.Email
		}
		if ref == "" {
			continue
		}
		v, _ := schemas.GetPointer(data, schemas.FieldPointer(ref))
		addr, _ := v.(string)
		if a, err := mail.ParseAddress(addr); err == nil && a.Address == strings.TrimSpace(addr) {
			return maskEmail(a.Address)
		}
	}
	return ""
}

// maskEmail keeps the first letter and the domain of an address:
// "maria.rossi@example.it" is "m***@example.it".
func maskEmail(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		return ""
	}
	_, size := utf8.DecodeRuneInString(addr)
	return addr[:size] + "***" + addr[at:]
}

// submissionByToken finds the submission of the URL's tracking token and
// its compiled form version. Returns ENOTFOUND for unknown tokens.
func (s *Server) submissionByToken(c echo.Context) (*modulario.Submission, *schemas.Form, error) {
	ctx := c.Request().Context()
	sub, err := s.cfg.Submissions.FindSubmissionByToken(ctx, c.Param("token"))
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil, nil, modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(langOf(c), "err.tracking_not_found"))
	} else if err != nil {
		return nil, nil, err
	}
	compiled, err := s.compiledVersion(ctx, sub.FormSlug, sub.Version)
	if err != nil {
		return nil, nil, err
	}
	return sub, compiled, nil
}
