package builder

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// Caps of an attachments ZIP. Before anything is sent a first pass over
// the matching requests adds up the files and sizes their records declare
// (no file content is read): over a cap the export is refused with 413
// and an Italian message, since a streamed download cannot change its
// status once started. The second pass, which streams the files, checks
// the caps again (files added in between) and aborts the download if they
// are passed.
var (
	exportZipMaxFiles       = 10000
	exportZipMaxBytes int64 = 2 << 30
)

// exportZipIndex is the name of the index inside the archive.
const exportZipIndex = "indice.csv"

// errExportZipTooLarge stops the second pass past a cap.
var errExportZipTooLarge = modulario.Errorf(modulario.ETOOLARGE, "attachments over the export caps")

// exportZIP streams the attachments of the filtered inbox as a ZIP: one
// folder per request number holding its files under safe, de-duplicated
// names, plus indice.csv (number, file in the archive, original name,
// size, SHA-256).
func (s *Server) exportZIP(c echo.Context) error {
	f, ok, err := s.exportFilter(c)
	if !ok {
		return err
	}
	ctx := c.Request().Context()
	files, size, err := s.zipCount(ctx, f)
	if err != nil {
		return err
	}
	if files > exportZipMaxFiles || size > exportZipMaxBytes {
		s.exportAudit(c, "zip (refused: "+strconv.Itoa(files)+" files)", 0, false)
		return s.exportRefuse(c, http.StatusRequestEntityTooLarge, s.t(c, "export.zip_too_large",
			files, exportMB(size), exportZipMaxFiles, exportMB(exportZipMaxBytes)))
	}
	s.exportHeaders(c, "allegati", "zip", "application/zip")
	if c.Request().Method == http.MethodHead {
		return c.NoContent(http.StatusOK)
	}
	w := newExportStream(c)
	z := &zipExport{s: s, w: w, zw: zip.NewWriter(w)}
	err = s.cfg.Submissions.EachSubmission(ctx, f, func(sub *modulario.Submission) error {
		return z.add(ctx, sub)
	})
	if err == nil {
		err = z.finish()
	}
	format := "zip (" + strconv.Itoa(z.files) + " files)"
	if err != nil {
		return s.exportFailed(c, format, z.requests, err)
	}
	s.exportAudit(c, format, z.requests, false)
	return nil
}

// exportMB is a size in megabytes, rounded up, for messages.
func exportMB(n int64) int64 { return (n + 1<<20 - 1) >> 20 }

// zipCount adds up the files and bytes the matching requests declare.
func (s *Server) zipCount(ctx context.Context, f modulario.InboxFilter) (int, int64, error) {
	files, size := 0, int64(0)
	err := s.cfg.Submissions.EachSubmission(ctx, f, func(sub *modulario.Submission) error {
		for _, a := range sub.Attachments {
			files++
			size += a.Size
		}
		return nil
	})
	return files, size, err
}

// zipExport is one attachments archive being written.
type zipExport struct {
	s        *Server
	w        *exportStream
	zw       *zip.Writer
	index    [][]string // bounded by exportZipMaxFiles
	files    int
	bytes    int64
	requests int
}

// add writes the files of one request into its folder.
func (z *zipExport) add(ctx context.Context, sub *modulario.Submission) error {
	if len(sub.Attachments) == 0 {
		return nil
	}
	folder := zipSafeName(sub.Number, "richiesta-"+strconv.FormatUint(sub.ID, 10))
	used := map[string]bool{}
	for _, a := range sub.Attachments {
		meta, content, err := z.s.cfg.Attachments.FindAttachment(ctx, a.ID)
		if modulario.ErrorCode(err) == modulario.ENOTFOUND {
			z.s.cfg.Logger.WarnContext(ctx, "export: attachment missing", "submission", sub.ID, "attachment", a.ID)
			continue
		}
		if err != nil {
			return err
		}
		z.files++
		z.bytes += int64(len(content))
		if z.files > exportZipMaxFiles || z.bytes > exportZipMaxBytes {
			return errExportZipTooLarge
		}
		name := folder + "/" + zipUnique(used, zipSafeName(meta.Name, "allegato"))
		if err := z.file(name, meta, content); err != nil {
			return err
		}
		sum := sha256.Sum256(content)
		z.index = append(z.index, []string{sub.Number, name, meta.Name,
			strconv.Itoa(len(content)), hex.EncodeToString(sum[:])})
	}
	if z.requests++; z.requests%20 == 0 {
		return z.w.Flush()
	}
	return nil
}

// file writes one entry: stored as is when its type is already compressed.
func (z *zipExport) file(name string, meta *modulario.Attachment, content []byte) error {
	hdr := &zip.FileHeader{Name: name, Method: zipMethod(meta.ContentType), Modified: meta.CreatedAt.In(z.s.loc)}
	fw, err := z.zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	_, err = fw.Write(content)
	return err
}

// finish writes the index and closes the archive.
func (z *zipExport) finish() error {
	fw, err := z.zw.CreateHeader(&zip.FileHeader{Name: exportZipIndex, Method: zip.Deflate,
		Modified: z.s.cfg.Now().In(z.s.loc)})
	if err != nil {
		return err
	}
	if err := writeZipIndex(fw, z.index); err != nil {
		return err
	}
	if err := z.zw.Close(); err != nil {
		return err
	}
	return z.w.Flush()
}

// writeZipIndex writes indice.csv: UTF-8 with BOM, CRLF, formula cells
// neutralised like the CSV export.
func writeZipIndex(w io.Writer, rows [][]string) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	_ = cw.Write([]string{"Numero", "File", "Nome originale", "Dimensione (byte)", "SHA-256"})
	for _, r := range rows {
		safe := make([]string, len(r))
		for i, v := range r {
			safe[i] = csvSafe(v)
		}
		_ = cw.Write(safe)
	}
	cw.Flush()
	return cw.Error()
}

// zipMethod stores files whose format is already compressed and deflates
// the others.
func zipMethod(contentType string) uint16 {
	ct := strings.ToLower(contentType)
	switch {
	case strings.HasPrefix(ct, "image/") && ct != "image/svg+xml" && ct != "image/bmp" && ct != "image/tiff",
		strings.HasPrefix(ct, "video/"), strings.HasPrefix(ct, "audio/"),
		ct == "application/pdf", ct == "application/zip", ct == "application/gzip":
		return zip.Store
	}
	return zip.Deflate
}
