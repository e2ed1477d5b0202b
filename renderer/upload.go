package renderer

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// defaultMaxFileSize caps a file field without maxSize.
const defaultMaxFileSize = 10 << 20

// storeUploads stores the files posted for file fields of step n, sets their
// attachment IDs in the session data and returns an error per refused file.
// A field posted without a file keeps its previous attachment.
func (s *Server) storeUploads(c echo.Context, ss *session, n int, files map[string][]*multipartFile) ([]schemas.FieldError, error) {
	lang := langOf(c)
	var errs []schemas.FieldError
	for ptr, parts := range files {
		f := ss.Form.FieldAt(ptr)
		if f == nil || f.Kind != schemas.KindFile || ss.Form.StepOf(ptr) != n || len(parts) == 0 {
			continue
		}
		part := parts[0]
		if part.Filename == "" && part.Size == 0 {
			continue // no file chosen
		}
		a, content, msgErr := readUpload(part, f, lang)
		if msgErr != "" {
			errs = append(errs, schemas.FieldError{Pointer: ptr, Message: msgErr})
			continue
		}
		a.Pointer = ptr
		if err := s.cfg.Attachments.PutAttachment(c.Request().Context(), a, "draft:"+ss.Draft.Token, content); err != nil {
			return nil, err
		}
		ss.Draft.Attachments = append(ss.Draft.Attachments, *a)
		ss.Data = schemas.SetPointer(ss.Data, ptr, a.ID)
	}
	return errs, nil
}

// readUpload reads one uploaded file and checks its size and its real
// content type (sniffed, never trusted from the name or the browser).
// It returns a message for the citizen when the file is refused.
func readUpload(part *multipartFile, f *schemas.Field, lang string) (*modulario.Attachment, []byte, string) {
	limit := f.MaxSize
	if limit <= 0 {
		limit = defaultMaxFileSize
	}
	name := cleanFileName(part.Filename)
	if part.Size > limit {
		return nil, nil, msg.T(lang, "file.too_large", name, humanSize(limit))
	}
	r, err := part.Open()
	if err != nil {
		return nil, nil, msg.T(lang, "file.unreadable", name)
	}
	defer r.Close()
	content, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, nil, msg.T(lang, "file.unreadable", name)
	}
	if int64(len(content)) > limit {
		return nil, nil, msg.T(lang, "file.too_large", name, humanSize(limit))
	}
	if len(content) == 0 {
		return nil, nil, msg.T(lang, "file.empty", name)
	}
	ctype, ok := sniffAccepted(content, f.Accept)
	if !ok {
		return nil, nil, msg.T(lang, "file.bad_type", name, acceptList(f.Accept))
	}
	return &modulario.Attachment{Name: name, ContentType: ctype}, content, ""
}

// sniffAccepted detects the content type from the first 512 bytes and
// checks it against accept (media types, "type/*" or ".ext"). Without an
// accept list anything but HTML is allowed, as HTML could run scripts.
func sniffAccepted(content []byte, accept []string) (string, bool) {
	ctype := http.DetectContentType(content[:min(len(content), 512)])
	ctype, _, _ = strings.Cut(ctype, ";")
	ctype = strings.TrimSpace(ctype)
	if len(accept) == 0 {
		return ctype, ctype != "text/html" && ctype != "text/xml"
	}
	for _, a := range accept {
		a = strings.ToLower(strings.TrimSpace(a))
		if strings.HasPrefix(a, ".") {
			a, _, _ = strings.Cut(mime.TypeByExtension(a), ";")
		}
		switch {
		case a == ctype:
			return ctype, true
		case strings.HasSuffix(a, "/*") && strings.HasPrefix(ctype, strings.TrimSuffix(a, "*")):
			return ctype, true
		case zipBased(a) && ctype == "application/zip":
			// Office documents are zip containers; the sniffer stops there.
			return a, true
		}
	}
	return ctype, false
}

func zipBased(mediaType string) bool {
	return strings.HasPrefix(mediaType, "application/vnd.openxmlformats-officedocument.") ||
		strings.HasPrefix(mediaType, "application/vnd.oasis.opendocument.")
}

// acceptList names the accepted types for people: "JPEG, PNG, PDF".
func acceptList(accept []string) string {
	names := make([]string, len(accept))
	for i, a := range accept {
		a = strings.TrimPrefix(a, ".")
		if _, sub, ok := strings.Cut(a, "/"); ok {
			a = sub
		}
		names[i] = strings.ToUpper(a)
	}
	return strings.Join(names, ", ")
}

// cleanFileName keeps only the base name of what the browser sent.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "." || name == "/" || name == "" {
		return "file"
	}
	return name
}

func humanSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", max(1, n>>10))
}
