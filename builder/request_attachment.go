package builder

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// safeTypes are the content types an attachment is served with as stored;
// any other is served as application/octet-stream.
var safeTypes = map[string]bool{
	"application/pdf": true, "image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
	"text/plain": true, "text/csv": true, "application/zip": true,
	"application/vnd.oasis.opendocument.text":                                 true,
	"application/vnd.oasis.opendocument.spreadsheet":                          true,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": true,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       true,
	"application/msword": true, "application/vnd.ms-excel": true,
	"application/pkcs7-mime": true,
}

// requestAttachment downloads one file of a request with safe headers:
// always as an attachment under its original name, never sniffed, never
// cached. The download is audited.
func (s *Server) requestAttachment(c echo.Context) error {
	sub, err := s.findRequest(c)
	if err != nil {
		return err
	}
	attID := c.Param("att")
	meta := attachmentOf(sub, attID)
	notFound := modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "request.attachment_not_found"))
	if meta == nil || s.cfg.Attachments == nil {
		return notFound
	}
	_, content, err := s.cfg.Attachments.FindAttachment(c.Request().Context(), attID)
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return notFound
	}
	if err != nil {
		return err
	}
	s.audit(c, "submission.attachment", "submission:"+strconv.FormatUint(sub.ID, 10),
		"downloaded attachment "+attID+" of request "+sub.Number)
	return sendAttachment(c, meta, content)
}

// attachmentOf returns the attachment id of sub, nil if it has none such.
func attachmentOf(sub *modulario.Submission, id string) *modulario.Attachment {
	for i := range sub.Attachments {
		if sub.Attachments[i].ID == id {
			return &sub.Attachments[i]
		}
	}
	return nil
}

// sendAttachment answers with a file as a download under its original
// name: never rendered inline, never sniffed, never cached, and served as
// its stored type only when that type is safe.
func sendAttachment(c echo.Context, meta *modulario.Attachment, content []byte) error {
	h := c.Response().Header()
	h.Set("Content-Disposition", contentDisposition(meta.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Blob(http.StatusOK, servedType(meta.ContentType), content)
}

// servedType is the stored content type if it is safe, else
// application/octet-stream.
func servedType(stored string) string {
	mt, _, err := mime.ParseMediaType(stored)
	if err != nil || !safeTypes[mt] {
		return "application/octet-stream"
	}
	if strings.HasPrefix(mt, "text/") {
		return mt + "; charset=utf-8"
	}
	return mt
}

// contentDisposition is an RFC 6266 attachment header: an ASCII fallback
// filename and the UTF-8 original as filename* (RFC 8187).
func contentDisposition(name string) string {
	if name == "" {
		name = "allegato"
	}
	var ascii, enc strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f || r == '"' || r == '\\' || r == '/' || r > 0x7e:
			ascii.WriteByte('_')
		default:
			ascii.WriteRune(r)
		}
	}
	for _, b := range []byte(name) {
		if isAttrChar(b) {
			enc.WriteByte(b)
		} else {
			enc.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(b)|0x100, 16)[1:]))
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + enc.String()
}

// isAttrChar reports whether b may appear unencoded in an RFC 8187 value.
func isAttrChar(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", b) >= 0
}
