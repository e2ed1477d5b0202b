package renderer

import (
	"context"
	"errors"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strconv"

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

// maxAPIErrors caps the errors listed in a 422 answer; the total is given.
const maxAPIErrors = 100

// apiProblem is a 422 problem whose error list may be truncated.
type apiProblem struct {
	*problem
	// TotalErrors is the number of errors found when Errors is truncated.
	TotalErrors int `json:"total_errors,omitempty"`
}

// apiUpload is a checked file part waiting for the data to be valid.
type apiUpload struct {
	attachment *modulario.Attachment
	content    []byte
}

// apiSubmit accepts a submission as JSON, or as multipart/form-data with a
// "data" part (JSON) and file parts named by the field pointer. The data is
// validated as sent: unknown properties are errors, nothing is pruned. Files
// are checked first and stored only once everything is valid.
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
	// Unanswered fields shown by the answers get their defaults, and
	// read-only fields their fixed values, as on the steps.
	data = compiled.FillDefaults(data)
	jsonFileErrs := fileValuesInJSON(compiled, data, "", lang)
	uploads, uploadErrs := checkAPIFiles(compiled, data, files, lang)
	hidden := hiddenAnswers(data, compiled.Prune(data), "", lang)
	if errs := mergeErrors(jsonFileErrs, uploadErrs, compiled.ValidateDocument(data, lang), hidden); len(errs) > 0 {
		return writeAPIErrors(c, lang, errs)
	}
	appointments, apptErrs := apiAppointments(compiled, data, lang)
	if len(apptErrs) > 0 {
		return writeAPIErrors(c, lang, apptErrs)
	}
	sub := &modulario.Submission{
		FormSlug: form.Slug, Version: form.Published, Office: compiled.Def.Office,
		Status: modulario.StatusReceived, Channel: modulario.ChannelAPI,
		DueAt: s.dueAt(compiled.Def.DeadlineDays),
		// Storage takes a free place of each slot in the same transaction.
		Appointments: appointments,
	}
	if err := s.createAPISubmission(c, sub, data, uploads); err != nil {
		if fl, outcome, ok := refusedAppointment(compiled, err); ok {
			return s.apiRefusedSlot(c, fl, outcome, data)
		}
		return err
	}
	tracking := s.absURL(c, "/pratiche/"+sub.Token)
	c.Response().Header().Set(echo.HeaderLocation, tracking)
	return c.JSON(http.StatusCreated, &apiSubmission{Number: sub.Number, TrackingURL: tracking, Status: sub.Status})
}

// createAPISubmission stores the uploads, sets their IDs in data and creates
// the submission. If anything fails, the stored files are deleted again.
func (s *Server) createAPISubmission(c echo.Context, sub *modulario.Submission, data map[string]any, uploads map[string]apiUpload) error {
	ctx := c.Request().Context()
	for _, ptr := range slices.Sorted(maps.Keys(uploads)) {
		a := uploads[ptr].attachment
		if err := s.cfg.Attachments.PutAttachment(ctx, a, "", uploads[ptr].content); err != nil {
			s.deleteAttachments(ctx, sub.Attachments)
			return err
		}
		sub.Attachments = append(sub.Attachments, *a)
		schemas.SetPointer(data, ptr, a.ID)
	}
	var err error
	if sub.Data, err = jsonMarshal(data); err == nil {
		err = s.cfg.Submissions.CreateSubmission(ctx, sub, "", s.applyRules(ctx, sub)...)
	}
	if err != nil {
		s.deleteAttachments(ctx, sub.Attachments)
	}
	return err
}

// deleteAttachments removes files stored for a request that failed. It runs
// even when the client went away, and only logs what it cannot delete.
func (s *Server) deleteAttachments(ctx context.Context, list []modulario.Attachment) {
	ctx = context.WithoutCancel(ctx)
	for _, a := range list {
		if err := s.cfg.Attachments.DeleteAttachment(ctx, a.ID); err != nil {
			s.cfg.Logger.ErrorContext(ctx, "delete attachment of a failed request", "id", a.ID, "err", err)
		}
	}
}

// writeAPIErrors answers 422 with at most maxAPIErrors errors.
func writeAPIErrors(c echo.Context, lang string, errs []schemas.FieldError) error {
	p := &apiProblem{problem: &problem{
		Type: "about:blank", Title: statusTitle(lang, http.StatusUnprocessableEntity),
		Status: http.StatusUnprocessableEntity, Detail: plural(lang, "errors.count", len(errs)), Errors: errs,
	}}
	if len(errs) > maxAPIErrors {
		p.Errors, p.TotalErrors = errs[:maxAPIErrors], len(errs)
		p.Detail = msg.T(lang, "api.truncated", len(errs), maxAPIErrors)
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	return jsonEncode(c.Response(), p)
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
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return nil, nil, formBodyError(lang, err, badRequest(msg.T(lang, "api.bad_multipart")))
		}
		return []byte(r.FormValue("data")), r.MultipartForm.File, nil
	}
	return nil, nil, modulario.Errorf(modulario.EUNSUPPORTED, "%s", msg.T(lang, "api.content_type"))
}

// pendingUpload stands in data for a checked file until it is stored, so
// that validation sees the file field answered.
const pendingUpload = "upload-pending"

// checkAPIFiles checks the file parts of a multipart submission (field,
// size, sniffed type) without storing them, and marks their fields as
// answered in data.
func checkAPIFiles(f *schemas.Form, data map[string]any, files map[string][]*multipartFile,
	lang string) (map[string]apiUpload, []schemas.FieldError) {
	uploads := map[string]apiUpload{}
	var errs []schemas.FieldError
	for _, ptr := range slices.Sorted(maps.Keys(files)) {
		parts := files[ptr]
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
		uploads[ptr] = apiUpload{attachment: a, content: content}
		schemas.SetPointer(data, ptr, pendingUpload)
	}
	return uploads, errs
}

// fileValuesInJSON refuses JSON values for file fields: a file field's
// answer can only be a file uploaded in the same request.
func fileValuesInJSON(f *schemas.Form, v any, ptr, lang string) []schemas.FieldError {
	if fl := f.FieldAt(ptr); fl != nil && fl.Kind == schemas.KindFile {
		return []schemas.FieldError{{Pointer: ptr, Message: msg.T(lang, "api.file_in_json", ptr)}}
	}
	var errs []schemas.FieldError
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			errs = append(errs, fileValuesInJSON(f, x[k], ptr+"/"+schemas.EscapeToken(k), lang)...)
		}
	case []any:
		for i := range x {
			errs = append(errs, fileValuesInJSON(f, x[i], ptr+"/"+strconv.Itoa(i), lang)...)
		}
	}
	return errs
}

// hiddenAnswers lists answers that the other answers hide (Prune would drop
// them): the API refuses them rather than storing invisible values.
func hiddenAnswers(sent, pruned any, ptr, lang string) []schemas.FieldError {
	var errs []schemas.FieldError
	switch x := sent.(type) {
	case map[string]any:
		p, _ := pruned.(map[string]any)
		for _, k := range sortedKeys(x) {
			child := ptr + "/" + schemas.EscapeToken(k)
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
