package builder

import (
	"net/http"

	"github.com/modulario/modulario"
)

// Paths of the dashboard and of the inbox its summaries link to.
const (
	dashboardPath = "/admin/cruscotto"
	dashInboxPath = "/admin/richieste"
)

// dashboardRoutes registers the dashboard (operators see their offices,
// admins every office). Without Submissions (tests of other areas) the
// route is not registered.
func (s *Server) dashboardRoutes() {
	if s.cfg.Submissions == nil {
		return
	}
	s.route(http.MethodGet, dashboardPath, s.dashboard, modulario.RoleOperator)
}
