package builder

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// apiListSubmissions answers GET /api/v1/submissions: one page of the
// requests of the token's offices matching the filter. The view of the
// personal data is audited once per page, with the request numbers.
func (s *Server) apiListSubmissions(c echo.Context) error {
	tok := tokenOf(c)
	f, err := s.apiFilter(c, tok)
	if err != nil {
		return err
	}
	page, err := s.cfg.Submissions.ListSubmissions(c.Request().Context(), f)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	out := &apiList{Items: make([]*apiRequest, 0, len(page.Items)), NextCursor: page.Next}
	numbers := make([]string, 0, len(page.Items))
	for _, sub := range page.Items {
		if !tok.CanSeeOffice(sub.Office) {
			continue // the filter already limits offices; never leak one
		}
		out.Items = append(out.Items, toAPIRequest(sub, now))
		numbers = append(numbers, sub.Number)
	}
	if len(numbers) > 0 {
		s.audit(c, "submission.list", "api:"+tok.ID, "listed "+strconv.Itoa(len(numbers))+
			" requests through the API: "+strings.Join(numbers, ", "))
	}
	return c.JSON(http.StatusOK, out)
}

// apiFindSubmission loads the request named by :id (an ID or a request
// number) if the token may see it; 404 otherwise, the same for a request
// of another office as for none.
func (s *Server) apiFindSubmission(c echo.Context) (*modulario.Submission, error) {
	ctx := c.Request().Context()
	ref := c.Param("id")
	var sub *modulario.Submission
	var err error
	if id, perr := strconv.ParseUint(ref, 10, 64); perr == nil {
		sub, err = s.cfg.Submissions.FindSubmission(ctx, id)
	} else {
		sub, err = s.cfg.Submissions.FindSubmissionByNumber(ctx, ref)
	}
	if modulario.ErrorCode(err) == modulario.ENOTFOUND || (err == nil && !tokenOf(c).CanSeeOffice(sub.Office)) {
		return nil, s.apiErr(c, http.StatusNotFound, "api.not_found")
	} else if err != nil {
		return nil, err
	}
	return sub, nil
}

// apiGetSubmission answers GET /api/v1/submissions/{id-or-number}.
func (s *Server) apiGetSubmission(c echo.Context) error {
	sub, err := s.apiFindSubmission(c)
	if err != nil {
		return err
	}
	s.audit(c, "submission.view", apiTarget(sub), "read request "+sub.Number+" through the API")
	return c.JSON(http.StatusOK, toAPIRequest(sub, s.cfg.Now()))
}

func apiTarget(sub *modulario.Submission) string {
	return "submission:" + strconv.FormatUint(sub.ID, 10)
}

// apiStatusBody is the body of POST .../status. IfStatus, when given,
// refuses the change with 409 unless the request is still in that status.
type apiStatusBody struct {
	Status   modulario.SubmissionStatus `json:"status"`
	Message  string                     `json:"message"`
	IfStatus modulario.SubmissionStatus `json:"if_status"`
}

// apiChangeStatus answers POST /api/v1/submissions/{id}/status: the
// workflow change with the token as actor, so the form's rules notify the
// citizen. 422 for a status the request cannot reach, 409 when someone
// else changed it first.
func (s *Server) apiChangeStatus(c echo.Context) error {
	var body apiStatusBody
	if err := s.decodeAPIBody(c, &body); err != nil {
		return err
	}
	var errs []apiFieldError
	if !knownStatus(body.Status) {
		errs = append(errs, apiFieldError{Pointer: "/status", Message: s.t(c, "api.status_unknown")})
	}
	if body.IfStatus != "" && !knownStatus(body.IfStatus) {
		errs = append(errs, apiFieldError{Pointer: "/if_status", Message: s.t(c, "api.status_unknown")})
	}
	if len(body.Message) > maxAPIText || !utf8.ValidString(body.Message) {
		errs = append(errs, apiFieldError{Pointer: "/message", Message: s.t(c, "api.message_too_long")})
	}
	if len(errs) > 0 {
		return &apiError{Status: http.StatusUnprocessableEntity, Detail: s.t(c, "api.bad_body"), Errors: errs}
	}
	sub, err := s.apiFindSubmission(c)
	if err != nil {
		return err
	}
	if body.IfStatus != "" && body.IfStatus != sub.Status {
		return s.apiErr(c, http.StatusConflict, "api.conflict")
	}
	if !modulario.CanTransition(sub.Status, body.Status, false) {
		return &apiError{Status: http.StatusUnprocessableEntity,
			Detail: s.t(c, "api.status_transition", sub.Status, body.Status),
			Errors: []apiFieldError{{Pointer: "/status", Message: s.t(c, "api.status_transition", sub.Status, body.Status)}}}
	}
	tok := tokenOf(c)
	updated, err := s.cfg.Workflow.Apply(c.Request().Context(), sub.ID, modulario.Change{
		Actor: apiActor(tok), ActorName: tok.Name, IfStatus: sub.Status,
		Status: body.Status, Message: strings.TrimSpace(body.Message)})
	if err != nil {
		return s.apiChangeError(c, err)
	}
	s.audit(c, "submission.status", apiTarget(sub), "status of "+sub.Number+" changed from "+
		string(sub.Status)+" to "+string(body.Status)+" through the API")
	return c.JSON(http.StatusOK, toAPIRequest(updated, s.cfg.Now()))
}

// apiChangeError maps a workflow error: a conflict gets the Italian
// message; the rest as they are.
func (s *Server) apiChangeError(c echo.Context, err error) error {
	switch modulario.ErrorCode(err) {
	case modulario.ECONFLICT:
		return s.apiErr(c, http.StatusConflict, "api.conflict")
	case modulario.ENOTFOUND:
		return s.apiErr(c, http.StatusNotFound, "api.not_found")
	}
	return err
}

// apiNoteBody is the body of POST .../notes.
type apiNoteBody struct {
	Text string `json:"text"`
}

// apiAddNote answers POST /api/v1/submissions/{id}/notes: an internal
// note (never shown to the citizen) with the token as actor.
func (s *Server) apiAddNote(c echo.Context) error {
	var body apiNoteBody
	if err := s.decodeAPIBody(c, &body); err != nil {
		return err
	}
	text := strings.TrimSpace(body.Text)
	if text == "" || len(text) > maxAPIText || !utf8.ValidString(text) {
		return &apiError{Status: http.StatusUnprocessableEntity, Detail: s.t(c, "api.bad_body"),
			Errors: []apiFieldError{{Pointer: "/text", Message: s.t(c, "api.note_required")}}}
	}
	sub, err := s.apiFindSubmission(c)
	if err != nil {
		return err
	}
	tok := tokenOf(c)
	updated, err := s.cfg.Workflow.Apply(c.Request().Context(), sub.ID, modulario.Change{
		Actor: apiActor(tok), ActorName: tok.Name, Note: text})
	if err != nil {
		return s.apiChangeError(c, err)
	}
	s.audit(c, "submission.note", apiTarget(sub), "internal note added to "+sub.Number+" through the API")
	return c.JSON(http.StatusCreated, toAPIRequest(updated, s.cfg.Now()))
}

// apiAttachment answers GET /api/v1/submissions/{id}/attachments/{att}
// with the file, with the same safe headers as the staff download.
func (s *Server) apiAttachment(c echo.Context) error {
	sub, err := s.apiFindSubmission(c)
	if err != nil {
		return err
	}
	meta := attachmentOf(sub, c.Param("att"))
	if meta == nil {
		return s.apiErr(c, http.StatusNotFound, "api.attachment_missing")
	}
	_, content, err := s.cfg.Attachments.FindAttachment(c.Request().Context(), meta.ID)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return s.apiErr(c, http.StatusNotFound, "api.attachment_missing")
	} else if err != nil {
		return err
	}
	s.audit(c, "submission.attachment", apiTarget(sub), "downloaded an attachment of "+sub.Number+" through the API")
	return sendAttachment(c, meta, content)
}

// apiOffices answers GET /api/v1/offices: the token's offices that exist.
func (s *Server) apiOffices(c echo.Context) error {
	out := struct {
		Items []apiOffice `json:"items"`
	}{Items: []apiOffice{}}
	for _, slug := range tokenOf(c).Offices {
		o, err := s.cfg.Offices.FindOffice(c.Request().Context(), slug)
		if modulario.ErrorCode(err) == modulario.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		out.Items = append(out.Items, apiOffice{Slug: o.Slug, Name: o.Name})
	}
	return c.JSON(http.StatusOK, out)
}
