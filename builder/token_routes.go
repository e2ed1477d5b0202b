package builder

import (
	"net/http"

	"github.com/modulario/modulario"
)

// tokenRoutes registers the API token screens (admin only). Without
// Tokens (tests of other areas) the routes are not registered.
func (s *Server) tokenRoutes() {
	if s.cfg.Tokens == nil {
		return
	}
	admin := modulario.RoleAdmin
	s.route(http.MethodGet, tokensPath, s.tokenList, admin)
	s.route(http.MethodGet, tokensPath+"/nuovo", s.tokenNew, admin)
	s.route(http.MethodPost, tokensPath, s.tokenCreate, admin)
	s.route(http.MethodGet, tokensPath+"/:id/revoca", s.tokenRevokeConfirm, admin)
	s.route(http.MethodPost, tokensPath+"/:id/revoca", s.tokenRevoke, admin)
}
