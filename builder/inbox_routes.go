package builder

import (
	"net/http"

	"github.com/modulario/modulario"
)

// Paths of the operators' inbox and request detail.
const (
	inboxPath = "/admin/richieste"
	entryPath = inboxPath + "/nuova"
	bulkPath  = inboxPath + "/azioni"
)

// inboxRoutes registers the inbox, the request detail with its actions,
// attachment downloads and staff-entered requests. Operators work the
// requests of their offices; admins every request; editors none. Without
// Submissions (tests of other areas) the routes are not registered.
func (s *Server) inboxRoutes() {
	if s.cfg.Submissions == nil {
		return
	}
	op := modulario.RoleOperator
	s.route(http.MethodGet, inboxPath, s.inbox, op)
	s.route(http.MethodPost, bulkPath, s.inboxBulk, op)
	s.route(http.MethodGet, entryPath, s.entryForm, op)
	s.route(http.MethodPost, entryPath, s.entryStart, op)
	s.route(http.MethodGet, inboxPath+"/:id", s.requestDetail, op)
	s.route(http.MethodGet, inboxPath+"/:id/allegati/:att", s.requestAttachment, op)
	s.route(http.MethodPost, inboxPath+"/:id/prendi", s.requestTake, op)
	s.route(http.MethodPost, inboxPath+"/:id/stato", s.requestStatus, op)
	s.route(http.MethodPost, inboxPath+"/:id/assegna", s.requestAssign, op)
	s.route(http.MethodPost, inboxPath+"/:id/ufficio", s.requestReroute, op)
	s.route(http.MethodPost, inboxPath+"/:id/nota", s.requestNote, op)
}
