package renderer

import (
	"archive/zip"
	"bytes"
	"cmp"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// defaultMaxFileSize caps a file field without maxSize.
const defaultMaxFileSize = 10 << 20

// maxDraftAttachments caps the files a draft holds at any time.
const maxDraftAttachments = 50

// storeUploads stores the files posted for file fields of step n, sets their
// attachment IDs in the session data and returns an error per refused file.
// A field posted without a file keeps its previous attachment; a new file
// replaces (and deletes) it.
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
		if msgErr == "" && len(ss.Draft.Attachments) >= maxDraftAttachments {
			msgErr = msg.T(lang, "file.too_many", maxDraftAttachments)
		}
		if msgErr != "" {
			errs = append(errs, schemas.FieldError{Pointer: ptr, Message: msgErr})
			continue
		}
		a.Pointer = ptr
		if err := s.cfg.Attachments.PutAttachment(c.Request().Context(), a, "draft:"+ss.Draft.Token, content); err != nil {
			return nil, err
		}
		if err := s.dropDraftFile(c, ss, ptr); err != nil {
			return nil, err
		}
		ss.Draft.Attachments = append(ss.Draft.Attachments, *a)
		ss.Data = schemas.SetPointer(ss.Data, ptr, a.ID)
	}
	return errs, nil
}

// dropReplacedFile deletes the draft attachment that a "removefile"
// action on ptr is about to clear; other actions keep every file.
func (s *Server) dropReplacedFile(c echo.Context, ss *session, verb, ptr string) error {
	if verb != "removefile" {
		return nil
	}
	return s.dropDraftFile(c, ss, ptr)
}

// dropDraftFile deletes the draft attachment that the answer at ptr holds,
// if any, and forgets it in the draft. IDs the draft does not list (forged
// values) are never deleted.
func (s *Server) dropDraftFile(c echo.Context, ss *session, ptr string) error {
	v, _ := getPointer(ss.Data, ptr)
	id, _ := v.(string)
	if id == "" {
		return nil
	}
	kept := ss.Draft.Attachments[:0:0]
	found := false
	for _, a := range ss.Draft.Attachments {
		if a.ID == id {
			found = true
			continue
		}
		kept = append(kept, a)
	}
	if !found {
		return nil
	}
	err := s.cfg.Attachments.DeleteAttachment(c.Request().Context(), id)
	if err != nil && modulario.ErrorCode(err) != modulario.ENOTFOUND {
		return err
	}
	ss.Draft.Attachments = kept
	return nil
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
		return nil, nil, msg.T(lang, "file.too_large", name, fileSize(limit, lang))
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
		return nil, nil, msg.T(lang, "file.too_large", name, fileSize(limit, lang))
	}
	if len(content) == 0 {
		return nil, nil, msg.T(lang, "file.empty", name)
	}
	ctype, ok := sniffAccepted(content, f.Accept)
	if !ok {
		return nil, nil, msg.T(lang, "file.bad_type", name, acceptList(f.Accept, lang))
	}
	return &modulario.Attachment{Name: name, ContentType: ctype}, content, ""
}

// sniffAccepted detects the content type from the content and checks it
// against accept (media types or "type/*", limited by schemas to
// schemas.SniffableTypes). Without an accept list anything but HTML and
// XML is allowed, as those could run scripts.
func sniffAccepted(content []byte, accept []string) (string, bool) {
	ctype := sniff(content)
	if len(accept) == 0 {
		return ctype, ctype != "text/html" && ctype != "text/xml"
	}
	for _, a := range accept {
		a = strings.ToLower(strings.TrimSpace(a))
		switch {
		case a == ctype:
			return ctype, true
		case strings.HasSuffix(a, "/*") && strings.HasPrefix(ctype, strings.TrimSuffix(a, "*")):
			return ctype, true
		}
	}
	return ctype, false
}

// sniff returns the media type of content: net/http's sniffer, refined for
// zip containers into the Office Open XML and OpenDocument types.
func sniff(content []byte) string {
	ctype := http.DetectContentType(content[:min(len(content), 512)])
	ctype, _, _ = strings.Cut(ctype, ";")
	ctype = strings.TrimSpace(ctype)
	if ctype == "application/zip" {
		if t := zipDocumentType(content); t != "" {
			return t
		}
	}
	return ctype
}

// ooxmlParts maps the main part of an Office Open XML package to its type.
var ooxmlParts = map[string]string{
	"word/document.xml":    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"xl/workbook.xml":      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"ppt/presentation.xml": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

// zipDocumentType recognises OpenDocument files by their "mimetype" entry
// and Office Open XML files by [Content_Types].xml plus their main part.
// It returns "" for any other zip archive.
func zipDocumentType(content []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return ""
	}
	hasContentTypes, ooxml := false, ""
	for _, f := range zr.File {
		switch {
		case f.Name == "mimetype" && f.UncompressedSize64 < 100:
			if t := readSmall(f); strings.HasPrefix(t, "application/vnd.oasis.opendocument.") && schemas.Sniffable(t) {
				return t
			}
		case f.Name == "[Content_Types].xml":
			hasContentTypes = true
		case ooxmlParts[f.Name] != "":
			ooxml = ooxmlParts[f.Name]
		}
	}
	if hasContentTypes {
		return ooxml
	}
	return ""
}

// readSmall returns the content of a small zip entry as a string.
func readSmall(f *zip.File) string {
	r, err := f.Open()
	if err != nil {
		return ""
	}
	defer r.Close()
	b, _ := io.ReadAll(io.LimitReader(r, 100))
	return strings.TrimSpace(string(b))
}

// acceptNames are the names people know the accepted media types by.
var acceptNames = map[string]string{
	"application/pdf": "PDF", "application/zip": "ZIP",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   "DOCX",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         "XLSX",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
	"application/vnd.oasis.opendocument.text":                                   "ODT",
	"application/vnd.oasis.opendocument.spreadsheet":                            "ODS",
	"application/vnd.oasis.opendocument.presentation":                           "ODP",
}

// acceptList names the accepted types for people: "JPEG, PNG, PDF"
// ("immagini" for image/*), each once.
func acceptList(accept []string, lang string) string {
	var names []string
	for _, a := range accept {
		a = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(a, ".")))
		name := acceptNames[a]
		switch {
		case name != "":
		case a == "image/*":
			name = msg.T(lang, "file.images")
		default:
			_, sub, _ := strings.Cut(a, "/")
			name = strings.ToUpper(cmp.Or(sub, a))
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

// maxFileNameRunes caps the length of a stored file name.
const maxFileNameRunes = 120

// cleanFileName keeps only the base name of what the browser sent, without
// control or bidirectional formatting characters (which can disguise
// "a\u202egnp.exe" as "aexe.png"), at most maxFileNameRunes long with its
// extension kept.
func cleanFileName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, "\\", "/")))
	if name == "." || name == ".." || name == "/" || name == "" {
		return "file"
	}
	if utf8.RuneCountInString(name) <= maxFileNameRunes {
		return name
	}
	ext := filepath.Ext(name)
	if utf8.RuneCountInString(ext) > 16 {
		ext = ""
	}
	stem := []rune(strings.TrimSuffix(name, ext))
	return string(stem[:maxFileNameRunes-utf8.RuneCountInString(ext)]) + ext
}

// fileSize formats a size for people in lang: whole units when exact,
// otherwise one decimal rounded down, so that a limit is never overstated
// (2000 bytes are "1,9 KB", not "2 KB"; 1.5 MB is "1,5 MB", not "1 MB").
func fileSize(n int64, lang string) string {
	unit, size := "KB", int64(1<<10)
	if n >= 1<<20 {
		unit, size = "MB", 1<<20
	}
	tenths := max(n*10/size, 1) // at least "0,1 KB"
	s := strconv.FormatInt(tenths/10, 10)
	if tenths%10 != 0 {
		sep := ","
		if lang == "en" {
			sep = "."
		}
		s += sep + strconv.FormatInt(tenths%10, 10)
	}
	return s + " " + unit
}
