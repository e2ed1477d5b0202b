package renderer

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// apiSubmission is the 201 answer of the headless submission endpoint.
type apiSubmission struct {
	Number      string                     `json:"number"`
	TrackingURL string                     `json:"tracking_url"`
	Status      modulario.SubmissionStatus `json:"status"`
}

// apiSubmit accepts a submission as JSON, or as multipart/form-data with a
// "data" part (JSON) and file parts named by the field pointer. The data is
// validated as sent: unknown properties are errors, nothing is pruned.
func (s *Server) apiSubmit(c echo.Context) error {
	lang := langOf(c)
	form, compiled, err := s.publishedForm(c, c.Param("slug"))
	if err != nil {
		return err
	}
	body, files, err := readAPIBody(c)
	if err != nil {
		return err
	}
	data, err := decodeJSONObject(body, lang)
	if err != nil {
		return err
	}
	sub := &modulario.Submission{
		FormSlug: form.Slug, Version: form.Published, Office: compiled.Def.Office,
		Status: modulario.StatusReceived, Channel: modulario.ChannelAPI,
	}
	uploadErrs, err := s.storeAPIFiles(c, compiled, sub, data, files)
	if err != nil {
		return err
	}
	hidden := hiddenAnswers(data, compiled.Prune(data), "", lang)
	if errs := mergeErrors(uploadErrs, compiled.Validate(data, lang), hidden); len(errs) > 0 {
		return writeProblem(c, &problem{
			Type: "about:blank", Title: statusTitle(lang, http.StatusUnprocessableEntity),
			Status: http.StatusUnprocessableEntity, Detail: msg.T(lang, "errors.count", len(errs)), Errors: errs,
		})
	}
	if sub.Data, err = jsonMarshal(data); err != nil {
		return err
	}
	if err := s.cfg.Submissions.CreateSubmission(c.Request().Context(), sub, ""); err != nil {
		return err
	}
	tracking := s.absURL(c, "/pratiche/"+sub.Token)
	c.Response().Header().Set(echo.HeaderLocation, tracking)
	return c.JSON(http.StatusCreated, &apiSubmission{Number: sub.Number, TrackingURL: tracking, Status: sub.Status})
}

// readAPIBody returns the JSON document and the file parts of a request.
func readAPIBody(c echo.Context) ([]byte, map[string][]*multipartFile, error) {
	r := c.Request()
	lang := langOf(c)
	ctype, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	var tooBig *http.MaxBytesError
	switch ctype {
	case "application/json":
		body, err := io.ReadAll(r.Body)
		if errors.As(err, &tooBig) {
			return nil, nil, modulario.Errorf(modulario.ETOOLARGE, "%s", msg.T(lang, "err.too_large"))
		} else if err != nil {
			return nil, nil, modulario.Errorf(modulario.EINVALID, "%s", msg.T(lang, "err.bad_request"))
		}
		return body, nil, nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(8 << 20); errors.As(err, &tooBig) {
			return nil, nil, modulario.Errorf(modulario.ETOOLARGE, "%s", msg.T(lang, "err.too_large"))
		} else if err != nil {
			return nil, nil, badRequest(msg.T(lang, "api.bad_multipart"))
		}
		return []byte(r.FormValue("data")), r.MultipartForm.File, nil
	}
	return nil, nil, modulario.Errorf(modulario.EUNSUPPORTED, "%s", msg.T(lang, "api.content_type"))
}

// storeAPIFiles stores the file parts of a multipart submission and sets
// their attachment IDs in data.
func (s *Server) storeAPIFiles(c echo.Context, f *schemas.Form, sub *modulario.Submission,
	data map[string]any, files map[string][]*multipartFile) ([]schemas.FieldError, error) {
	lang := langOf(c)
	var errs []schemas.FieldError
	for ptr, parts := range files {
		fl := f.FieldAt(ptr)
		if fl == nil || fl.Kind != schemas.KindFile || len(parts) == 0 {
			errs = append(errs, schemas.FieldError{Pointer: ptr, Message: msg.T(lang, "api.unknown_file")})
			continue
		}
		a, content, msgErr := readUpload(parts[0], fl, lang)
		if msgErr != "" {
			errs = append(errs, schemas.FieldError{Pointer: ptr, Message: msgErr})
			continue
		}
		a.Pointer = ptr
		if err := s.cfg.Attachments.PutAttachment(c.Request().Context(), a, "", content); err != nil {
			return nil, err
		}
		sub.Attachments = append(sub.Attachments, *a)
		schemas.SetPointer(data, ptr, a.ID)
	}
	return errs, nil
}

// hiddenAnswers lists answers that the other answers hide (Prune would drop
// them): the API refuses them rather than storing invisible values.
func hiddenAnswers(sent, pruned any, ptr, lang string) []schemas.FieldError {
	var errs []schemas.FieldError
	switch x := sent.(type) {
	case map[string]any:
		p, _ := pruned.(map[string]any)
		for _, k := range sortedKeys(x) {
			child := ptr + "/" + escapeToken(k)
			if y, ok := p[k]; ok {
				errs = append(errs, hiddenAnswers(x[k], y, child, lang)...)
			} else {
				errs = append(errs, schemas.FieldError{Pointer: child, Message: msg.T(lang, "api.hidden_answer")})
			}
		}
	case []any:
		p, _ := pruned.([]any)
		for i := range x {
			if i < len(p) {
				errs = append(errs, hiddenAnswers(x[i], p[i], ptr+"/"+strconv.Itoa(i), lang)...)
			}
		}
	}
	return errs
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func escapeToken(t string) string {
	return strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
}
