package renderer

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
	"github.com/modulario/modulario/web"
)

// Lookup limits: attempts per client IP and per request number over a
// sliding window. Every attempt counts, matched or not, since the answer
// never says which.
const (
	lookupWindow    = 15 * time.Minute
	maxLookupsIP    = 5
	maxLookupsNum   = 5
	maxLookupKeys   = 100000
	maxLookupNumber = 32
	maxLookupValue  = 254
)

// lookupLimiter counts lookup attempts in memory (web.Window).
type lookupLimiter struct{ attempts *web.Window }

func newLookupLimiter() *lookupLimiter {
	return &lookupLimiter{attempts: web.NewWindow(lookupWindow, maxLookupKeys)}
}

// allow records an attempt for ip and number at now and reports whether
// both were under their limit before it.
func (l *lookupLimiter) allow(ip, number string, now time.Time) bool {
	n := l.attempts.Add(now, "i:"+ip, "n:"+number)
	return n[0] < maxLookupsIP && n[1] < maxLookupsNum
}

// lookupView is the data of the lookup page.
type lookupView struct {
	Action  string
	Number  string
	Contact string
	// Errors are messages by input id ("numero", "contatto").
	Errors map[string]string
	// Done is the answer given after every valid attempt.
	Done string
}

// lookupPage asks for the request number and the email or codice fiscale
// given in the request, for a citizen who lost the tracking link.
func (s *Server) lookupPage(c echo.Context) error {
	return s.renderLookup(c, http.StatusOK, &lookupView{})
}

// lookupSubmit sends the tracking link to the request's email address when
// the number and contact match. The answer is the same whether or not they
// matched and whether or not the rate limit was reached.
func (s *Server) lookupSubmit(c echo.Context) error {
	lang := langOf(c)
	if crossSite(c.Request()) {
		return modulario.Errorf(modulario.EFORBIDDEN, "%s", msg.T(lang, "tracking.cross_site"))
	}
	v := &lookupView{
		Number:  strings.ToUpper(strings.TrimSpace(c.FormValue("numero"))),
		Contact: strings.TrimSpace(c.FormValue("contatto")),
		Errors:  map[string]string{},
	}
	if v.Number == "" || utf8.RuneCountInString(v.Number) > maxLookupNumber {
		v.Errors["numero"] = msg.T(lang, "lookup.err_number")
	}
	if v.Contact == "" || utf8.RuneCountInString(v.Contact) > maxLookupValue {
		v.Errors["contatto"] = msg.T(lang, "lookup.err_contact")
	}
	if len(v.Errors) > 0 {
		return s.renderLookup(c, http.StatusUnprocessableEntity, v)
	}
	if s.lookups.allow(c.RealIP(), v.Number, s.cfg.Now()) {
		if err := s.sendTrackingLink(c.Request().Context(), v.Number, v.Contact); err != nil {
			s.cfg.Logger.ErrorContext(c.Request().Context(), "lookup: tracking link not queued", "err", err)
		}
	}
	v.Done, v.Number, v.Contact = msg.T(lang, "lookup.done"), "", ""
	return s.renderLookup(c, http.StatusOK, v)
}

// renderLookup writes the lookup page.
func (s *Server) renderLookup(c echo.Context, status int, v *lookupView) error {
	v.Action = link(c, "/pratiche/cerca")
	p := s.newPage(c, msg.T(langOf(c), "lookup.title"), v)
	p.markErrors(len(v.Errors))
	p.Breadcrumb = append(p.Breadcrumb, crumb{Label: p.T("lookup.title")})
	return s.render(c, status, "lookup", p)
}

// sendTrackingLink queues the "link-pratica" email of request number when
// contact matches its email or codice fiscale and it has an email address.
// A request that does not exist or does not match is not an error.
func (s *Server) sendTrackingLink(ctx context.Context, number, contact string) error {
	sub, err := s.cfg.Submissions.FindSubmissionByNumber(ctx, number)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	form, err := s.compiledVersion(ctx, sub.FormSlug, sub.Version)
	if err != nil {
		return err
	}
	data := map[string]any{}
	_ = json.Unmarshal(sub.Data, &data)
	emails, codes := contactAnswers(form, data)
	if !matchAny(strings.ToLower(contact), emails, strings.ToLower) &&
		!matchAny(strings.ToUpper(contact), codes, strings.ToUpper) {
		return nil
	}
	if len(emails) == 0 {
		return nil // no address to send the link to
	}
	action, err := json.Marshal(map[string]string{
		"notify": modulario.ChannelEmailMsg, "to": "citizen", "template": "link-pratica", "field": emails[0].pointer,
	})
	if err != nil {
		return err
	}
	return s.cfg.Submissions.QueueMessages(ctx, sub.ID, &modulario.OutboxMessage{
		Event: modulario.EventLookup, Channel: modulario.ChannelEmailMsg, Action: action,
		SubmissionStatus: sub.Status,
	})
}

// contactAnswer is one answer that identifies the citizen.
type contactAnswer struct {
	pointer, value string
}

// contactAnswers returns the non-empty email and codice fiscale answers:
// those the form's contacts setting names, or else every answer whose field
// has the email or codice-fiscale format.
func contactAnswers(form *schemas.Form, data map[string]any) (emails, codes []contactAnswer) {
	get := func(ref string) []contactAnswer {
		if ref == "" {
			return nil
		}
		ptr := schemas.FieldPointer(ref)
		if v, _ := schemas.GetPointer(data, ptr); v != nil {
			if str, ok := v.(string); ok && strings.TrimSpace(str) != "" {
				return []contactAnswer{{pointer: ptr, value: strings.TrimSpace(str)}}
			}
		}
		return nil
	}
	ct := form.Def.Contacts
	if ct.Email != "" || ct.FiscalCode != "" {
		return get(ct.Email), get(ct.FiscalCode)
	}
	for _, f := range form.Fields() {
		if form.FieldAt(f.Pointer) != f {
			continue // inside a repeat: its pointer is relative
		}
		switch f.Format {
		case "email":
			emails = append(emails, get(f.Pointer)...)
		case "codice-fiscale":
			codes = append(codes, get(f.Pointer)...)
		}
	}
	return emails, codes
}

// matchAny compares given with every answer in constant time, normalised
// by norm, without stopping at the first match.
func matchAny(given string, answers []contactAnswer, norm func(string) string) bool {
	found := 0
	for _, a := range answers {
		found |= subtle.ConstantTimeCompare([]byte(given), []byte(norm(a.value)))
	}
	return found == 1
}
