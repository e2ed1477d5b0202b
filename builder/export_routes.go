package builder

import (
	"net/http"

	"github.com/modulario/modulario"
)

// Paths of the exports of the filtered inbox; they read the inbox's query
// parameters (see inboxFilter), so the inbox links to them with
// filterQuery appended.
const (
	exportCSVPath  = inboxPath + "/esporta.csv"
	exportXLSXPath = inboxPath + "/esporta.xlsx"
	exportZIPPath  = inboxPath + "/allegati.zip"
)

// exportRoutes registers the exports: CSV, XLSX and the attachments ZIP,
// for operators (their offices' requests) and admins (every request).
// Without Submissions (tests of other areas) nothing is registered; the
// ZIP also needs Attachments.
func (s *Server) exportRoutes() {
	if s.cfg.Submissions == nil {
		return
	}
	op := modulario.RoleOperator
	s.route(http.MethodGet, exportCSVPath, s.exportCSV, op)
	s.route(http.MethodGet, exportXLSXPath, s.exportXLSX, op)
	if s.cfg.Attachments != nil {
		s.route(http.MethodGet, exportZIPPath, s.exportZIP, op)
	}
}
