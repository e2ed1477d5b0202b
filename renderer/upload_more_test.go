package renderer_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage"
)

// draftToken returns the token of a step path /servizi/{slug}/{token}/passo/n.
func draftToken(stepPath string) string {
	return strings.Split(stepPath, "/")[3]
}

func (e *env) draft(token string) *modulario.Draft {
	e.t.Helper()
	d, err := storage.NewDraftService(e.db).FindDraft(context.Background(), token)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func (e *env) attachmentGone(id string) bool {
	_, _, err := storage.NewAttachmentService(e.db).FindAttachment(context.Background(), id)
	return modulario.ErrorCode(err) == modulario.ENOTFOUND
}

func TestReuploadAndRemoveDeleteDraftFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	step1 := e.start()
	token := draftToken(step1)
	// Leave a required field empty: the step is refused but the file kept.
	fields := map[string]string{"/tipo": "strade"}
	ct, body := multipartBody(t, fields, "/foto", "prima.jpg", jpeg)
	e.post(step1, ct, body).expect(t, http.StatusUnprocessableEntity)
	first := e.draft(token).Attachments
	if len(first) != 1 {
		t.Fatalf("attachments after first upload = %+v", first)
	}
	ct, body = multipartBody(t, fields, "/foto", "seconda.jpg", jpeg)
	e.post(step1, ct, body).expect(t, http.StatusUnprocessableEntity, "seconda.jpg")
	second := e.draft(token).Attachments
	if len(second) != 1 || second[0].Name != "seconda.jpg" {
		t.Fatalf("attachments after re-upload = %+v", second)
	}
	if !e.attachmentGone(first[0].ID) {
		t.Fatalf("replaced attachment %s still stored", first[0].ID)
	}
	e.postForm(step1, url.Values{"_action": {"removefile:/foto"}}).redirectsTo(t, `/passo/1#f-foto$`)
	if left := e.draft(token).Attachments; len(left) != 0 {
		t.Fatalf("attachments after removefile = %+v", left)
	}
	if !e.attachmentGone(second[0].ID) {
		t.Fatalf("removed attachment %s still stored", second[0].ID)
	}
}

func TestDraftAttachmentCap(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	step1 := e.start()
	token := draftToken(step1)
	ctx := context.Background()
	files := storage.NewAttachmentService(e.db)
	d := e.draft(token)
	for range 50 {
		a := &modulario.Attachment{Pointer: "/altro", Name: "x.jpg", ContentType: "image/jpeg"}
		if err := files.PutAttachment(ctx, a, "draft:"+token, jpeg); err != nil {
			t.Fatal(err)
		}
		d.Attachments = append(d.Attachments, *a)
	}
	if err := storage.NewDraftService(e.db).UpdateDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	ct, body := multipartBody(t, map[string]string{"/tipo": "strade"}, "/foto", "foto.jpg", jpeg)
	e.post(step1, ct, body).expect(t, http.StatusUnprocessableEntity, "Hai già caricato 50 file per questa richiesta")
	if n := len(e.draft(token).Attachments); n != 50 {
		t.Fatalf("draft holds %d attachments, want 50", n)
	}
}

var allegatoLink = regexp.MustCompile(`<a href="(/allegati/[^/"]+/[^/"]+)" download>foto\.jpg</a>`)

func TestSummariesLinkAttachment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	step1 := e.start()
	b := base(step1)
	fields := map[string]string{"/tipo": "strade", "/descrizione": "Una descrizione abbastanza lunga"}
	ct, body := multipartBody(t, fields, "/foto", "foto.jpg", jpeg)
	e.post(step1, ct, body).redirectsTo(t, `/passo/3$`)
	e.postForm(b+"/passo/3", url.Values{"/nome": {"Anna"}, "/email": {"anna@example.it"}}).redirectsTo(t, `/riepilogo$`)

	review := e.get(b+"/riepilogo").expect(t, http.StatusOK)
	m := allegatoLink.FindStringSubmatch(review.Body)
	if m == nil || !strings.Contains(m[1], draftToken(step1)) {
		t.Fatalf("review does not link the file with the draft token:\n%s", excerpt(review.Body))
	}
	got := e.get(m[1]).expect(t, http.StatusOK)
	if got.Body != string(jpeg) || !strings.HasPrefix(got.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %q %q", got.Header.Get("Content-Disposition"), got.Body)
	}

	receipt := e.postForm(b+"/invia", nil).redirectsTo(t, `^/pratiche/[^/]+/ricevuta$`)
	tracking := strings.TrimSuffix(receipt, "/ricevuta")
	page := e.get(tracking).expect(t, http.StatusOK)
	m = allegatoLink.FindStringSubmatch(page.Body)
	if m == nil || !strings.HasPrefix(m[1], "/allegati"+strings.TrimPrefix(tracking, "/pratiche")+"/") {
		t.Fatalf("tracking page does not link the file with the tracking token:\n%s", excerpt(page.Body))
	}
	if got := e.get(m[1]).expect(t, http.StatusOK); got.Body != string(jpeg) {
		t.Fatalf("download from tracking page = %q", got.Body)
	}
}
