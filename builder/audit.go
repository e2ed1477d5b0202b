package builder

import (
	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// audit records who did what to which object: the signed-in user, or the
// API token of an /api/v1 request. A failure is logged, not returned: the
// change itself has already happened.
func (s *Server) audit(c echo.Context, action, target, detail string) {
	e := &modulario.AuditEntry{At: s.cfg.Now(), Action: action, Target: target,
		Detail: detail, IP: c.RealIP()}
	if u := userOf(c); u != nil {
		e.Actor, e.ActorName = u.ID, u.Email
	} else if tok := tokenOf(c); tok != nil {
		e.Actor, e.ActorName = apiActor(tok), tok.Name+" (token "+tok.ID+")"
	}
	if err := s.cfg.Audit.RecordAudit(c.Request().Context(), e); err != nil {
		s.cfg.Logger.ErrorContext(c.Request().Context(), "audit failed", "action", action, "target", target, "err", err)
	}
}
