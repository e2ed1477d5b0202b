package renderer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/renderer"
)

// recordingAttachments is the real attachment store, remembering the IDs
// it stored.
type recordingAttachments struct {
	modulario.AttachmentService
	mu  sync.Mutex
	ids []string
}

func (r *recordingAttachments) PutAttachment(ctx context.Context, a *modulario.Attachment, owner string, content []byte) error {
	err := r.AttachmentService.PutAttachment(ctx, a, owner, content)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil {
		r.ids = append(r.ids, a.ID)
	}
	return err
}

func (r *recordingAttachments) stored() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ids...)
}

// failingSubmissions is the real submission store whose CreateSubmission
// fails, as when the disk is full.
type failingSubmissions struct{ modulario.SubmissionService }

func (failingSubmissions) CreateSubmission(context.Context, *modulario.Submission, string, ...*modulario.OutboxMessage) error {
	return modulario.Errorf(modulario.EINTERNAL, "disk full")
}

const validAPIData = `{"tipo":"strade","descrizione":"Una buca profonda in via Roma","nome":"Anna","email":"anna@example.it"}`

func TestAPIStoresNoFileForInvalidData(t *testing.T) {
	t.Parallel()
	rec := &recordingAttachments{}
	e := newEnv(t, func(c *renderer.Config) { rec.AttachmentService = c.Attachments; c.Attachments = rec })
	ct, body := multipartBody(t, map[string]string{"data": `{"tipo":"strade"}`}, "/foto", "foto.jpg", jpeg)
	e.post(apiPath, ct, body).expect(t, http.StatusUnprocessableEntity, `"pointer":"/descrizione"`)
	if ids := rec.stored(); len(ids) != 0 {
		t.Fatalf("a refused request stored attachments %v", ids)
	}
	ct, body = multipartBody(t, map[string]string{"data": validAPIData}, "/foto", "foto.jpg", jpeg)
	e.post(apiPath, ct, body).expect(t, http.StatusCreated)
	if ids := rec.stored(); len(ids) != 1 || e.attachmentGone(ids[0]) {
		t.Fatalf("accepted request stored %v", ids)
	}
}

func TestAPIDeletesFilesWhenCreateFails(t *testing.T) {
	t.Parallel()
	rec := &recordingAttachments{}
	e := newEnv(t, func(c *renderer.Config) {
		rec.AttachmentService = c.Attachments
		c.Attachments = rec
		c.Submissions = failingSubmissions{c.Submissions}
	})
	ct, body := multipartBody(t, map[string]string{"data": validAPIData}, "/foto", "foto.jpg", jpeg)
	e.post(apiPath, ct, body).expect(t, http.StatusInternalServerError)
	ids := rec.stored()
	if len(ids) != 1 {
		t.Fatalf("stored %v, want the one file", ids)
	}
	if !e.attachmentGone(ids[0]) {
		t.Fatalf("attachment %s of a failed request is still stored", ids[0])
	}
}

func TestAPIFileFieldNeedsUpload(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	data := strings.Replace(validAPIData, "{", `{"foto":"not-a-file",`, 1)
	r := e.post(apiPath, "application/json", strings.NewReader(data))
	r.expect(t, http.StatusUnprocessableEntity, `"pointer":"/foto"`, "Carica il file come parte multipart")
	// Even with a file part, a JSON value for the field is refused.
	ct, body := multipartBody(t, map[string]string{"data": data}, "/foto", "foto.jpg", jpeg)
	e.post(apiPath, ct, body).expect(t, http.StatusUnprocessableEntity, `"pointer":"/foto"`)
}

func TestAPIValueAndErrorCaps(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var b strings.Builder
	b.WriteString(`{"tipo":"strade"`)
	for i := range 10000 {
		fmt.Fprintf(&b, `,"k%d":1`, i)
	}
	b.WriteString("}")
	e.post(apiPath, "application/json", strings.NewReader(b.String())).
		expect(t, http.StatusRequestEntityTooLarge, "10000 valori")

	b.Reset()
	b.WriteString(`{"tipo":"strade"`)
	for i := range 3000 {
		fmt.Fprintf(&b, `,"k%04d":1`, i)
	}
	b.WriteString("}")
	r := e.post(apiPath, "application/json", strings.NewReader(b.String())).expect(t, http.StatusUnprocessableEntity)
	var p struct {
		Detail      string
		Errors      []struct{ Pointer string }
		TotalErrors int `json:"total_errors"`
	}
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Errors) != 100 || p.TotalErrors < 3000 || !strings.Contains(p.Detail, "i primi 100") {
		t.Fatalf("errors %d, total %d, detail %q", len(p.Errors), p.TotalErrors, p.Detail)
	}
	// The required fields come first, the unknown keys after them.
	if p.Errors[0].Pointer != "/descrizione" || p.Errors[99].Pointer != "/k0096" {
		t.Fatalf("first %q, last %q", p.Errors[0].Pointer, p.Errors[99].Pointer)
	}
}

func TestAPIHiddenAnswerPointerIsEscaped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	data := strings.Replace(validAPIData, "{", `{"a/b~c":1,`, 1)
	e.post(apiPath, "application/json", strings.NewReader(data)).
		expect(t, http.StatusUnprocessableEntity, `"pointer":"/a~1b~0c"`)
}
