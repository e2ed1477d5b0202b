package builder

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// Limits of the texts of the action forms, in characters.
const (
	maxMessage = 5000
	maxNote    = 5000
	maxReason  = 1000
)

// requestAction loads the request, lets check validate the form (errors
// re-render the page with the input), applies the change with IfStatus
// set to the status the operator saw, audits it and redirects back with
// a flash. An ECONFLICT shows the page again with a clear message.
func (s *Server) requestAction(c echo.Context, action, okKey string,
	check func(*modulario.Submission, *requestInput) (modulario.Change, []FieldError)) error {
	sub, err := s.findRequest(c)
	if err != nil {
		return err
	}
	in := requestInput{Status: c.FormValue("stato"), Message: strings.TrimSpace(c.FormValue("messaggio")),
		Assignee: c.FormValue("assegnatario"), Office: c.FormValue("ufficio"),
		Reason: strings.TrimSpace(c.FormValue("motivo")), Note: strings.TrimSpace(c.FormValue("nota"))}
	ch, errs := check(sub, &in)
	if len(errs) > 0 {
		return s.renderRequest(c, http.StatusUnprocessableEntity, sub, in, errs)
	}
	u := userOf(c)
	ch.Actor, ch.ActorName = u.ID, actorName(u)
	ch.IfStatus = modulario.SubmissionStatus(c.FormValue("se_stato"))
	if ch.IfStatus == "" {
		ch.IfStatus = sub.Status
	}
	updated, err := s.cfg.Workflow.Apply(c.Request().Context(), sub.ID, ch)
	switch modulario.ErrorCode(err) {
	case "":
	case modulario.ECONFLICT:
		return s.renderRequest(c, http.StatusConflict, sub, in, []FieldError{{Message: s.t(c, "request.conflict")}})
	case modulario.EINVALID:
		return s.renderRequest(c, http.StatusUnprocessableEntity, sub, in, []FieldError{{Message: s.t(c, "request.invalid")}})
	default:
		return err
	}
	id := strconv.FormatUint(sub.ID, 10)
	s.audit(c, "submission."+action, "submission:"+id, "request "+sub.Number+": "+action+auditStatus(ch))
	if !canSeeSubmission(u, updated) { // re-routed away from the user's offices
		return s.redirect(c, inboxPath, okKey)
	}
	return s.redirect(c, inboxPath+"/"+id, okKey)
}

// requestTake takes a received request in charge, assigned to the user.
func (s *Server) requestTake(c echo.Context) error {
	take := s.takeChange(c)
	return s.requestAction(c, "take", "ok.request_taken", func(sub *modulario.Submission, _ *requestInput) (modulario.Change, []FieldError) {
		ch, _ := take(sub)
		return ch, nil
	})
}

// requestStatus changes the status, with an optional message to the citizen.
func (s *Server) requestStatus(c echo.Context) error {
	return s.requestAction(c, "status", "ok.request_status", func(sub *modulario.Submission, in *requestInput) (modulario.Change, []FieldError) {
		var errs []FieldError
		st := modulario.SubmissionStatus(in.Status)
		if !hasStatus(modulario.NextStatuses(sub.Status), st) {
			errs = append(errs, FieldError{ID: "status", Message: s.t(c, "request.status_invalid")})
		}
		if utf8.RuneCountInString(in.Message) > maxMessage {
			errs = append(errs, FieldError{ID: "message", Message: s.t(c, "request.message_long", maxMessage)})
		}
		return modulario.Change{Status: st, Message: in.Message}, errs
	})
}

// requestAssign assigns the request to an operator of its office, or
// unassigns it.
func (s *Server) requestAssign(c echo.Context) error {
	return s.requestAction(c, "assign", "ok.request_assigned", func(sub *modulario.Submission, in *requestInput) (modulario.Change, []FieldError) {
		who := in.Assignee
		if who != "" {
			u, err := s.cfg.Users.FindUser(c.Request().Context(), who)
			if err != nil || !assignable(u, sub.Office) {
				return modulario.Change{}, []FieldError{{ID: "assignee", Message: s.t(c, "request.assignee_invalid")}}
			}
		}
		if who == sub.Assignee {
			return modulario.Change{}, []FieldError{{ID: "assignee", Message: s.t(c, "request.assignee_same")}}
		}
		return modulario.Change{Assign: &who}, nil
	})
}

// requestReroute moves the request to another office, with a reason.
func (s *Server) requestReroute(c echo.Context) error {
	return s.requestAction(c, "reroute", "ok.request_rerouted", func(sub *modulario.Submission, in *requestInput) (modulario.Change, []FieldError) {
		var errs []FieldError
		if _, err := s.cfg.Offices.FindOffice(c.Request().Context(), in.Office); err != nil || in.Office == sub.Office {
			errs = append(errs, FieldError{ID: "office", Message: s.t(c, "request.office_invalid")})
		}
		switch n := utf8.RuneCountInString(in.Reason); {
		case n == 0:
			errs = append(errs, FieldError{ID: "reason", Message: s.t(c, "request.reason_required")})
		case n > maxReason:
			errs = append(errs, FieldError{ID: "reason", Message: s.t(c, "request.reason_long", maxReason)})
		}
		return modulario.Change{Office: in.Office, Reason: in.Reason}, errs
	})
}

// requestNote adds an internal note, never shown to the citizen.
func (s *Server) requestNote(c echo.Context) error {
	return s.requestAction(c, "note", "ok.request_note", func(_ *modulario.Submission, in *requestInput) (modulario.Change, []FieldError) {
		switch n := utf8.RuneCountInString(in.Note); {
		case n == 0:
			return modulario.Change{}, []FieldError{{ID: "note", Message: s.t(c, "request.note_required")}}
		case n > maxNote:
			return modulario.Change{}, []FieldError{{ID: "note", Message: s.t(c, "request.note_long", maxNote)}}
		}
		return modulario.Change{Note: in.Note}, nil
	})
}
