package builder

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/modulario/modulario"
)

// exportSheet is the name of the worksheet of an XLSX export.
const exportSheet = "Richieste"

// exportMaxXLSXRows is how many requests fit in one worksheet (the
// format's 1,048,576 rows, less the header).
var exportMaxXLSXRows = excelize.TotalRows - 1

// errExportTooManyRows stops an XLSX export that would not fit a sheet.
var errExportTooManyRows = modulario.Errorf(modulario.ETOOLARGE, "too many rows for one worksheet")

// xlsxContentType is the media type of an .xlsx file.
const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// exportXLSX writes the filtered inbox as an Excel workbook with one
// sheet "Richieste": a bold header row, dates as real dates, every other
// value an (inline) string, so no cell can become a formula. excelize's
// StreamWriter keeps the rows in a temporary file past 16 MB, so memory
// stays flat; the workbook is zipped to the client at the end, which also
// means an error (or more rows than a sheet holds) is still answered with
// a clear status.
func (s *Server) exportXLSX(c echo.Context) error {
	f, ok, err := s.exportFilter(c)
	if !ok {
		return err
	}
	x := s.newExporter(c, f)
	if c.Request().Method == http.MethodHead {
		s.exportHeaders(c, "richieste", "xlsx", xlsxContentType)
		return c.NoContent(http.StatusOK)
	}
	book := excelize.NewFile()
	defer book.Close()
	// Nothing is sent while the workbook is built: keep pushing the
	// server's write deadline ahead so a long build is not cut off.
	w := newExportStream(c)
	rows, err := x.writeXLSX(book, f, w.extend)
	if err == errExportTooManyRows {
		s.exportAudit(c, "xlsx", rows, true)
		return s.exportRefuse(c, http.StatusRequestEntityTooLarge,
			s.t(c, "export.too_many_rows", exportMaxXLSXRows))
	}
	if err != nil {
		return s.exportFailed(c, "xlsx", rows, err)
	}
	s.exportHeaders(c, "richieste", "xlsx", xlsxContentType)
	if err := book.Write(w); err != nil {
		return s.exportFailed(c, "xlsx", rows, err)
	}
	if err := w.Flush(); err != nil {
		return s.exportFailed(c, "xlsx", rows, err)
	}
	s.exportAudit(c, "xlsx", rows, false)
	return nil
}

// xlsxStyles are the style IDs of an export workbook.
type xlsxStyles struct{ header, dateTime, date int }

func newXLSXStyles(book *excelize.File) (xlsxStyles, error) {
	var st xlsxStyles
	var err error
	if st.header, err = book.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return st, err
	}
	dt := "dd/mm/yyyy hh:mm"
	if st.dateTime, err = book.NewStyle(&excelize.Style{CustomNumFmt: &dt}); err != nil {
		return st, err
	}
	d := "dd/mm/yyyy"
	st.date, err = book.NewStyle(&excelize.Style{CustomNumFmt: &d})
	return st, err
}

// writeXLSX fills the sheet with the header and every matching request
// and returns how many requests it wrote; progress is called for each.
func (x *exporter) writeXLSX(book *excelize.File, f modulario.InboxFilter, progress func()) (int, error) {
	ctx := x.c.Request().Context()
	if err := book.SetSheetName(book.GetSheetName(0), exportSheet); err != nil {
		return 0, err
	}
	sw, err := book.NewStreamWriter(exportSheet)
	if err != nil {
		return 0, err
	}
	st, err := newXLSXStyles(book)
	if err != nil {
		return 0, err
	}
	header := x.header()
	if err := sw.SetColWidth(1, len(header), 18); err != nil {
		return 0, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return 0, err
	}
	values := make([]any, len(header))
	for i, h := range header {
		values[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A1", values, excelize.RowOpts{Height: 20}); err != nil {
		return 0, err
	}
	rows := 0
	err = x.s.cfg.Submissions.EachSubmission(ctx, f, func(sub *modulario.Submission) error {
		if rows >= exportMaxXLSXRows {
			return errExportTooManyRows
		}
		values = values[:0]
		for _, cell := range x.row(ctx, sub) {
			values = append(values, xlsxValue(cell, st))
		}
		rows++
		progress()
		return sw.SetRow("A"+strconv.Itoa(rows+1), values)
	})
	if err != nil {
		return rows, err
	}
	return rows, sw.Flush()
}

// xlsxValue is the value of one cell: a styled date, a string, or nil for
// an empty date.
func xlsxValue(cell exportCell, st xlsxStyles) any {
	switch {
	case cell.Kind == exportText:
		return cell.Text
	case cell.Time.IsZero():
		return nil
	case cell.Kind == exportDate:
		return excelize.Cell{StyleID: st.date, Value: cell.Time}
	}
	return excelize.Cell{StyleID: st.dateTime, Value: cell.Time}
}
