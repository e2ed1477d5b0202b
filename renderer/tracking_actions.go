package renderer

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// Limits of an answer to a request for integration.
const (
	maxIntegrationFiles = 10
	maxIntegrationText  = 4000
)

// integrationField is the upload rule of integration files: the checks of
// a file field accepting any document or image the server can recognise.
var integrationField = &schemas.Field{
	Kind:    schemas.KindFile,
	MaxSize: defaultMaxFileSize,
	Accept: slices.DeleteFunc(slices.Clone(schemas.SniffableTypes),
		func(t string) bool { return t == "application/zip" }),
}

// integrationAcceptAttr is the accept attribute of the integration input.
func integrationAcceptAttr() string { return strings.Join(integrationField.Accept, ",") }

// crossSite reports whether the browser says another site started the
// request (Sec-Fetch-Site), or, without that header, whether Origin names
// another host. Citizen actions carry no CSRF token (the unguessable
// tracking token is the credential), so this keeps other sites from
// posting them in the citizen's browser. Origin "null" is not evidence:
// the citizen side's Referrer-Policy no-referrer makes browsers send it on
// their own same-origin posts.
func crossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return false
	case "":
	default:
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || u.Host != r.Host
}

// citizenAction loads the request of a posted citizen action, refusing
// cross-site posts and sites without a workflow.
func (s *Server) citizenAction(c echo.Context) (*modulario.Submission, *schemas.Form, error) {
	lang := langOf(c)
	if crossSite(c.Request()) {
		return nil, nil, modulario.Errorf(modulario.EFORBIDDEN, "%s", msg.T(lang, "tracking.cross_site"))
	}
	if s.cfg.Workflow == nil {
		return nil, nil, modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(lang, "err.not_found"))
	}
	return s.submissionByToken(c)
}

// integrationSubmit stores a citizen's answer to a request for integration
// (text and files) and moves the request to "integration received".
func (s *Server) integrationSubmit(c echo.Context) error {
	sub, compiled, err := s.citizenAction(c)
	if err != nil {
		return err
	}
	lang := langOf(c)
	if sub.Status != modulario.StatusWaiting {
		return modulario.Errorf(modulario.ECONFLICT, "%s", msg.T(lang, "tracking.not_waiting"))
	}
	values, files, err := parseStepForm(c)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(strings.ReplaceAll(values.Get("testo"), "\r\n", "\n"))
	parts := chosenFiles(files["allegati"])
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(text); {
	case n > maxIntegrationText:
		errs["integrazione-testo"] = msg.T(lang, "tracking.err_text_long", maxIntegrationText, n)
	case n == 0 && len(parts) == 0:
		errs["integrazione-testo"] = msg.T(lang, "tracking.err_empty")
	}
	if len(parts) > maxIntegrationFiles {
		errs["integrazione-file"] = msg.T(lang, "tracking.err_files", maxIntegrationFiles)
	}
	var uploads []upload
	if len(errs) == 0 {
		uploads, errs = readIntegrationFiles(parts, lang)
	}
	if len(errs) > 0 {
		v, err := s.trackingData(c, sub, compiled)
		if err != nil {
			return err
		}
		v.Integration.Text, v.Integration.Errors = text, errs
		return s.renderTracking(c, http.StatusUnprocessableEntity, v)
	}
	ctx := c.Request().Context()
	stored, err := s.storeIntegration(ctx, sub.ID, uploads)
	if err == nil {
		_, err = s.cfg.Workflow.Apply(ctx, sub.ID, modulario.Change{
			Actor: modulario.ActorCitizen, IfStatus: modulario.StatusWaiting,
			Status: modulario.StatusIntegrated, Message: text, Attachments: stored,
		})
	}
	if err != nil {
		s.deleteAttachments(ctx, stored)
		return actionError(err, lang)
	}
	return c.Redirect(http.StatusSeeOther, link(c, "/pratiche/"+sub.Token+"?esito=integrazione")+"#esito")
}

// upload is a checked file waiting to be stored.
type upload struct {
	attachment *modulario.Attachment
	content    []byte
}

// chosenFiles drops the empty part a browser sends when no file is chosen.
func chosenFiles(parts []*multipartFile) []*multipartFile {
	var out []*multipartFile
	for _, p := range parts {
		if p.Filename != "" || p.Size > 0 {
			out = append(out, p)
		}
	}
	return out
}

// readIntegrationFiles checks every file like an upload field does and
// returns the messages of the refused ones joined under the file input.
func readIntegrationFiles(parts []*multipartFile, lang string) ([]upload, map[string]string) {
	var out []upload
	var refused []string
	for _, p := range parts {
		a, content, m := readUpload(p, integrationField, lang)
		if m != "" {
			refused = append(refused, m)
			continue
		}
		out = append(out, upload{attachment: a, content: content})
	}
	if len(refused) > 0 {
		return nil, map[string]string{"integrazione-file": strings.Join(refused, " ")}
	}
	return out, nil
}

// storeIntegration stores the files under the request's integration owner;
// on failure the files stored so far are deleted.
func (s *Server) storeIntegration(ctx context.Context, id uint64, uploads []upload) ([]modulario.Attachment, error) {
	var stored []modulario.Attachment
	for _, u := range uploads {
		if err := s.cfg.Attachments.PutAttachment(ctx, u.attachment, modulario.IntegrationOwner(id), u.content); err != nil {
			s.deleteAttachments(ctx, stored)
			return nil, err
		}
		stored = append(stored, *u.attachment)
	}
	return stored, nil
}

// withdrawView is the data of the withdraw confirmation page.
type withdrawView struct {
	Sub       *modulario.Submission
	FormTitle string
	Action    string
	BackURL   string
}

// withdrawPage asks the citizen to confirm withdrawing an open request; it
// works without JavaScript.
func (s *Server) withdrawPage(c echo.Context) error {
	sub, compiled, err := s.submissionByToken(c)
	if err != nil {
		return err
	}
	lang := langOf(c)
	if s.cfg.Workflow == nil {
		return modulario.Errorf(modulario.ENOTFOUND, "%s", msg.T(lang, "err.not_found"))
	}
	if !sub.Open() {
		return modulario.Errorf(modulario.ECONFLICT, "%s", msg.T(lang, "tracking.closed"))
	}
	cancelPath, err := s.withdrawAppointments(c, sub)
	if err != nil {
		return err
	}
	if cancelPath != "" {
		return redirect(c, cancelPath)
	}
	v := &withdrawView{Sub: sub, FormTitle: compiled.Def.Title,
		Action: link(c, "/pratiche/"+sub.Token+"/annulla"), BackURL: link(c, "/pratiche/"+sub.Token)}
	p := s.newPage(c, msg.T(lang, "withdraw.title", sub.Number), v)
	return s.render(c, http.StatusOK, "withdraw", p)
}

// withdrawSubmit withdraws an open request for the citizen.
func (s *Server) withdrawSubmit(c echo.Context) error {
	sub, _, err := s.citizenAction(c)
	if err != nil {
		return err
	}
	lang := langOf(c)
	if !sub.Open() {
		return modulario.Errorf(modulario.ECONFLICT, "%s", msg.T(lang, "tracking.closed"))
	}
	if _, err := s.withdrawAppointments(c, sub); err != nil {
		return err
	}
	_, err = s.cfg.Workflow.Apply(c.Request().Context(), sub.ID, modulario.Change{
		Actor: modulario.ActorCitizen, IfStatus: sub.Status, Status: modulario.StatusWithdrawn,
	})
	if err != nil {
		return actionError(err, lang)
	}
	return c.Redirect(http.StatusSeeOther, link(c, "/pratiche/"+sub.Token+"?esito=annullata")+"#esito")
}

// withdrawAppointments applies the appointment rules to a withdrawal:
// withdrawing frees the request's appointments, so it is refused (403,
// the same explanation as cancelling the appointment) while an active
// appointment can no longer be changed online (citizenMayChange). Else
// cancelPath is the cancel page of the first active appointment, the
// page that withdraws a booked request (and tells the citizen by e-mail);
// empty when there is none or it cannot be cancelled online.
func (s *Server) withdrawAppointments(c echo.Context, sub *modulario.Submission) (cancelPath string, err error) {
	now := s.cfg.Now()
	active := upcomingAppointments(sub, now)
	if len(active) == 0 || !s.bookingOn() {
		return "", nil
	}
	lang := langOf(c)
	for _, a := range active {
		cal, err := s.calendar(c.Request().Context(), a.Calendar)
		if err != nil {
			return "", err
		}
		if cal == nil {
			continue // unknown calendar: no rule to apply, no cancel page
		}
		if !citizenMayChange(cal, a, now) {
			return "", modulario.Errorf(modulario.EFORBIDDEN, "%s", msg.T(lang, "booking.locked", cal.ChangeHours, cal.Name))
		}
		if cancelPath == "" && a.Status == modulario.BookingConfirmed && s.cfg.Appointments != nil {
			cancelPath = "/pratiche/" + url.PathEscape(sub.Token) + "/appuntamenti/" + url.PathEscape(a.BookingID) + "/annulla"
		}
	}
	return cancelPath, nil
}

// upcomingAppointments are the confirmed appointments still to come:
// withdrawing the request frees them (past or checked-in ones stay).
func upcomingAppointments(sub *modulario.Submission, now time.Time) []modulario.Appointment {
	var out []modulario.Appointment
	for _, a := range sub.Appointments {
		if a.Status == modulario.BookingConfirmed && a.Start.After(now) {
			out = append(out, a)
		}
	}
	return out
}

// actionError turns a refused change into the citizen's message: the
// request changed in the meantime (the office acted first).
func actionError(err error, lang string) error {
	switch modulario.ErrorCode(err) {
	case modulario.ECONFLICT, modulario.EINVALID:
		return modulario.Errorf(modulario.ECONFLICT, "%s", msg.T(lang, "tracking.changed"))
	}
	return err
}
