package builder

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// exportFlushRows is how many rows a streamed export writes between two
// flushes to the client.
const exportFlushRows = 1000

// exportBufferSize is the buffer in front of the response: an error found
// before that much is written can still be answered with a status.
const exportBufferSize = 64 << 10

// exportWriteGrace is how long a download may go without progress: the
// server's write timeout (one minute by default) would cut a long export,
// so the stream pushes the connection's write deadline this far ahead as
// long as it keeps writing; a client that stops reading is still cut off.
const exportWriteGrace = 2 * time.Minute

// exportStream buffers a download in front of the response.
type exportStream struct {
	c  echo.Context
	rc *http.ResponseController
	bw *bufio.Writer
	// extended is when the write deadline was last pushed ahead.
	extended time.Time
}

func newExportStream(c echo.Context) *exportStream {
	w := &exportStream{c: c, rc: http.NewResponseController(c.Response()),
		bw: bufio.NewWriterSize(c.Response(), exportBufferSize)}
	w.extend()
	return w
}

// extend pushes the write deadline ahead, at most every few seconds.
func (w *exportStream) extend() {
	now := time.Now()
	if now.Sub(w.extended) < 5*time.Second {
		return
	}
	w.extended = now
	_ = w.rc.SetWriteDeadline(now.Add(exportWriteGrace)) // unsupported in some tests: no deadline then
}

// Write implements io.Writer; a failure means the client went away.
func (w *exportStream) Write(p []byte) (int, error) {
	w.extend()
	n, err := w.bw.Write(p)
	if err != nil {
		err = &exportClientError{err}
	}
	return n, err
}

// Flush sends what is buffered to the client now.
func (w *exportStream) Flush() error {
	if err := w.bw.Flush(); err != nil {
		return &exportClientError{err}
	}
	if err := w.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return &exportClientError{err}
	}
	return nil
}

// exportClientError is a failure to write to the client (it went away).
type exportClientError struct{ err error }

func (e *exportClientError) Error() string { return "export: write to client: " + e.err.Error() }
func (e *exportClientError) Unwrap() error { return e.err }

// exportFailed ends an export that stopped: it is audited as interrupted;
// an error before anything was sent goes to the error handler; a client
// that went away needs nothing more; any other error once the download
// has started aborts the connection, so the client sees a failed download
// instead of a file silently cut short.
func (s *Server) exportFailed(c echo.Context, format string, rows int, err error) error {
	s.exportAudit(c, format, rows, true)
	var ce *exportClientError
	if errors.As(err, &ce) || errors.Is(err, context.Canceled) {
		return nil
	}
	if !c.Response().Committed {
		c.Response().Header().Del(echo.HeaderContentDisposition)
		return err
	}
	s.cfg.Logger.ErrorContext(c.Request().Context(), "export failed after the download started", "format", format, "rows", rows, "err", err)
	panic(http.ErrAbortHandler)
}

// exportCSV streams the filtered inbox as CSV: UTF-8 with a BOM (so Excel
// reads the accents), comma separated, CRLF line ends, formula cells
// neutralised (csvSafe).
func (s *Server) exportCSV(c echo.Context) error {
	f, ok, err := s.exportFilter(c)
	if !ok {
		return err
	}
	x := s.newExporter(c, f)
	s.exportHeaders(c, "richieste", "csv", "text/csv; charset=utf-8")
	if c.Request().Method == http.MethodHead {
		return c.NoContent(http.StatusOK)
	}
	w := newExportStream(c)
	rows, err := x.writeCSV(w, f)
	if err != nil {
		return s.exportFailed(c, "csv", rows, err)
	}
	s.exportAudit(c, "csv", rows, false)
	return nil
}

// writeCSV writes the header and every matching request to w and returns
// how many requests it wrote.
func (x *exporter) writeCSV(w *exportStream, f modulario.InboxFilter) (int, error) {
	ctx := x.c.Request().Context()
	if _, err := w.Write([]byte("\uFEFF")); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	record := x.header()
	for i := range record {
		record[i] = csvSafe(record[i])
	}
	if err := cw.Write(record); err != nil {
		return 0, err
	}
	rows := 0
	err := x.s.cfg.Submissions.EachSubmission(ctx, f, func(sub *modulario.Submission) error {
		cells := x.row(ctx, sub)
		record = record[:0]
		for _, cell := range cells {
			record = append(record, csvSafe(csvText(cell)))
		}
		if err := cw.Write(record); err != nil {
			return err
		}
		if rows++; rows%exportFlushRows == 0 {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
			return w.Flush()
		}
		return nil
	})
	if err != nil {
		return rows, err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return rows, err
	}
	return rows, w.Flush()
}

// csvText is the text of a cell: dates as dd/mm/yyyy [hh:mm], which
// spreadsheets set to Italian read as dates.
func csvText(cell exportCell) string {
	switch {
	case cell.Kind == exportText:
		return cell.Text
	case cell.Time.IsZero():
		return ""
	case cell.Kind == exportDate:
		return cell.Time.Format("02/01/2006")
	}
	return cell.Time.Format("02/01/2006 15:04")
}

// csvSafe neutralises a cell a spreadsheet could read as a formula (OWASP
// "CSV injection"): one beginning with = + - @, a tab or a carriage return
// gets a leading single quote, numbers such as "-1" and phone numbers such
// as "+39 …" included (a spreadsheet would compute them or mangle them).
// Only a lone "-", which people write for "nothing" and no spreadsheet
// reads as a formula, is left as it is.
func csvSafe(s string) string {
	if s == "" || s == "-" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	return "'" + s
}
