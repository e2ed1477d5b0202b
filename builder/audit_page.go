package builder

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

const (
	auditPath     = "/admin/registro"
	auditPageSize = 50
)

// auditRoutes registers the audit log screen (admin only).
func (s *Server) auditRoutes() {
	s.route(http.MethodGet, auditPath, s.auditPage, modulario.RoleAdmin)
}

// auditView is the data of the audit log page.
type auditView struct {
	Entries []*modulario.AuditEntry
	Users   []*modulario.User
	Actor   string
	Target  string
	// Older is the link to the next page, "" on the last one.
	Older string
	Paged bool
}

// auditPage lists audit entries newest first, filtered by actor and
// target, 50 a page.
func (s *Server) auditPage(c echo.Context) error {
	ctx := c.Request().Context()
	av := &auditView{Actor: c.QueryParam("actor"), Target: truncate(strings.TrimSpace(c.QueryParam("target")), 200)}
	before, _ := strconv.ParseUint(c.QueryParam("before"), 10, 64)
	av.Paged = before > 0
	entries, err := s.cfg.Audit.ListAudit(ctx, modulario.AuditFilter{Actor: av.Actor, Target: av.Target,
		Before: before, Limit: auditPageSize + 1})
	if err != nil {
		return err
	}
	if len(entries) > auditPageSize {
		entries = entries[:auditPageSize]
		q := url.Values{"before": {strconv.FormatUint(entries[len(entries)-1].Seq, 10)}}
		if av.Actor != "" {
			q.Set("actor", av.Actor)
		}
		if av.Target != "" {
			q.Set("target", av.Target)
		}
		av.Older = auditPath + "?" + q.Encode()
	}
	av.Entries = entries
	if av.Users, err = s.cfg.Users.ListUsers(ctx, modulario.UserFilter{}); err != nil {
		return err
	}
	v := s.view(c, s.t(c, "audit.title"), "audit", av)
	v.Crumbs = append(v.Crumbs, Crumb{Label: v.Title})
	return s.render(c, http.StatusOK, "audit", v)
}
