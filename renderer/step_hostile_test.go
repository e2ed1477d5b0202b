package renderer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
)

// stepHostileMaxBody is the body limit of TestStepHostileInputs: 2 MB, so
// that a one-megabyte answer fits and a bigger upload does not (the test
// form's photo takes at most 1 MiB).
const stepHostileMaxBody = 2 << 20

// stepAnswers are valid answers to step 1 of the test form.
var stepAnswers = url.Values{"/tipo": {"strade"}, "/descrizione": {"Una buca profonda in via Roma"}, "/data": {"2026-01-10"}}

// stepHostileCase is one hostile post to step 1 of a draft whose first
// step was answered (stepAnswers) and which reached step 3.
type stepHostileCase struct {
	name string
	// body returns the content type ("" for none) and the body.
	body   func() (string, io.Reader)
	status int
	want   []string
	// changes is the one answer the post may change ("descrizione"); when
	// empty the draft must be byte for byte as before. The progress and
	// the files always stay.
	changes string
}

// withAnswer returns stepAnswers with key set to value, urlencoded.
func withAnswer(key, value string) func() (string, io.Reader) {
	return func() (string, io.Reader) {
		v := url.Values{}
		for k, vs := range stepAnswers {
			v[k] = vs
		}
		v.Set(key, value)
		return "application/x-www-form-urlencoded", strings.NewReader(v.Encode())
	}
}

// rawBody returns a body with a fixed content type.
func rawBody(ctype, body string) func() (string, io.Reader) {
	return func() (string, io.Reader) { return ctype, strings.NewReader(body) }
}

// photoPost is a multipart step post with the answers and a photo of size
// bytes; chunked hides its length, so the limit cuts it while reading.
func photoPost(t *testing.T, size int, chunked bool) func() (string, io.Reader) {
	return func() (string, io.Reader) {
		fields := map[string]string{}
		for k := range stepAnswers {
			fields[k] = stepAnswers.Get(k)
		}
		ct, body := multipartBody(t, fields, "/foto", "foto.jpg", append(append([]byte{}, jpeg...), make([]byte, size)...))
		if chunked {
			return ct, io.MultiReader(body)
		}
		return ct, body
	}
}

// manyParts is a multipart body of n text parts.
func manyParts(n int) func() (string, io.Reader) {
	return func() (string, io.Reader) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for i := range n {
			_ = w.WriteField(fmt.Sprintf("/campo%d", i), "x")
		}
		_ = w.Close()
		return w.FormDataContentType(), &buf
	}
}

func stepHostileCases(t *testing.T) []stepHostileCase {
	const (
		fileTooLarge = "Il file non è stato caricato: i dati inviati superavano il limite di 2 MB per invio. Scegli un file di al massimo 1 MB"
		tooLarge     = "I dati inviati superano il limite di 2 MB per invio e non sono stati salvati"
		wrongType    = "Il modulo non è arrivato nel formato previsto e non è stato salvato"
		badText      = "Il testo contiene caratteri non validi"
		tooMany      = "La richiesta contiene troppi campi."
	)
	mega := strings.Repeat("x", 1<<20)
	manyFields := url.Values{}
	for i := range 10001 {
		manyFields.Set(fmt.Sprintf("/campo%d", i), "x")
	}
	return []stepHostileCase{
		// Too large: the same step again, with the error on the photo.
		{"upload over the limit", photoPost(t, 3<<20, false), http.StatusRequestEntityTooLarge,
			[]string{fileTooLarge, `href="#f-foto"`, "C&#39;è 1 errore", "Una buca profonda in via Roma", `method="post"`}, ""},
		{"upload cut while reading", photoPost(t, 3<<20, true), http.StatusRequestEntityTooLarge,
			[]string{fileTooLarge, `href="#f-foto"`}, ""},
		{"urlencoded over the limit", withAnswer("/descrizione", strings.Repeat("x", 3<<20)), http.StatusRequestEntityTooLarge,
			[]string{tooLarge, "Una buca profonda in via Roma"}, ""},
		// Not a form post: refused, not read as an empty form.
		{"JSON body", rawBody("application/json", `{"/tipo":"altro"}`), http.StatusUnsupportedMediaType, []string{wrongType}, ""},
		{"text/plain body", rawBody("text/plain", "/tipo=altro"), http.StatusUnsupportedMediaType, []string{wrongType}, ""},
		{"no content type", rawBody("", "/tipo=altro"), http.StatusUnsupportedMediaType, []string{wrongType}, ""},
		{"multipart without boundary", rawBody("multipart/form-data", "/tipo=altro"), http.StatusBadRequest,
			[]string{"La richiesta non è valida."}, ""},
		// Long and strange answers: over the field's maxLength, or the
		// default cap, nothing is stored.
		{"one-megabyte answer with maxLength", withAnswer("/descrizione", mega), http.StatusUnprocessableEntity,
			[]string{`href="#f-descrizione"`, "Inserisci al massimo 600 caratteri"}, ""},
		{"one-megabyte answer without maxLength", withAnswer("/data", mega), http.StatusUnprocessableEntity,
			[]string{`href="#f-data"`, "Inserisci al massimo 10000 caratteri"}, ""},
		{"invalid UTF-8", withAnswer("/descrizione", "Una buca \xff\xfe profonda"), http.StatusUnprocessableEntity,
			[]string{badText, `href="#f-descrizione"`, "Una buca  profonda"}, ""},
		{"NUL", withAnswer("/descrizione", "Una buca\x00 profonda in via Roma"), http.StatusUnprocessableEntity,
			[]string{badText, `href="#f-descrizione"`}, ""},
		// Too many fields or parts.
		{"10001 urlencoded fields", rawBody("application/x-www-form-urlencoded", manyFields.Encode()), http.StatusBadRequest,
			[]string{tooMany}, ""},
		{"1001 multipart parts", manyParts(1001), http.StatusBadRequest, []string{tooMany}, ""},
	}
}

// TestStepHostileInputs posts hostile bodies to a form step: each gets a
// clear Italian 4xx (never a 500), and the draft keeps what it held.
func TestStepHostileInputs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *renderer.Config) { c.MaxBodyBytes = stepHostileMaxBody })
	drafts := storage.NewDraftService(e.db)
	for _, tc := range stepHostileCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			step1 := e.start()
			e.postForm(step1, stepAnswers).redirectsTo(t, `/passo/3$`)
			token := strings.Split(step1, "/")[3]
			before, err := drafts.FindDraft(context.Background(), token)
			if err != nil {
				t.Fatal(err)
			}

			ct, body := tc.body()
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+step1, body)
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			r := e.do(req)
			if r.Status != tc.status {
				t.Fatalf("status = %d, want %d:\n%s", r.Status, tc.status, excerpt(r.Body))
			}
			if !strings.Contains(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(r.Body, `<html lang="it"`) {
				t.Errorf("not an Italian page: %q %.200s", r.Header.Get("Content-Type"), r.Body)
			}
			for _, s := range tc.want {
				if !strings.Contains(r.Body, s) {
					t.Errorf("body lacks %q:\n%s", s, excerpt(r.Body))
				}
			}

			after, err := drafts.FindDraft(context.Background(), token)
			if err != nil {
				t.Fatal(err)
			}
			if after.Step != before.Step || len(after.Attachments) != len(before.Attachments) {
				t.Errorf("progress or files changed: step %d → %d, files %d → %d",
					before.Step, after.Step, len(before.Attachments), len(after.Attachments))
			}
			if tc.changes == "" && !bytes.Equal(after.Data, before.Data) {
				t.Errorf("draft changed:\nbefore %s\nafter  %.300s", before.Data, after.Data)
			}
			var was, is map[string]any
			if json.Unmarshal(before.Data, &was) != nil || json.Unmarshal(after.Data, &is) != nil {
				t.Fatalf("draft data: %s / %.300s", before.Data, after.Data)
			}
			for k, v := range was {
				if k != tc.changes && !reflect.DeepEqual(is[k], v) {
					t.Errorf("the draft lost %s = %v: now %.100v", k, v, is[k])
				}
			}
			// The citizen can go on: the step and the furthest step open.
			e.get(step1).expect(t, http.StatusOK)
			e.get(base(step1)+"/passo/3").expect(t, http.StatusOK)
		})
	}
}

// TestAPITooManyParts checks the API says why a multipart body of more
// than 1000 parts is refused.
func TestAPITooManyParts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ct, body := manyParts(1001)()
	e.post(apiPath, ct, body).expect(t, http.StatusBadRequest, `"detail":"La richiesta contiene troppi campi."`)
}

// TestSaveKeepsRefusedTextVisible: a text over its length cap is not kept,
// so "Salva e continua dopo" and "Indietro" show the step with the error
// instead of saving or leaving without it.
func TestSaveKeepsRefusedTextVisible(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	step := e.start()
	for _, action := range []string{"save", "back"} {
		e.postForm(step, url.Values{"_action": {action}, "/descrizione": {strings.Repeat("x", 601)}}).
			expect(t, http.StatusUnprocessableEntity, "Inserisci al massimo 600 caratteri")
	}
	// Within the cap, CRLF counted as one character, saving goes on.
	text := strings.TrimSuffix(strings.Repeat(strings.Repeat("x", 59)+"\r\n", 10), "\r\n") // 599 characters, 608 bytes
	if r := e.postForm(step, url.Values{"_action": {"save"}, "/descrizione": {text}}); r.Status == http.StatusUnprocessableEntity {
		t.Fatalf("a text of 599 characters with CRLF line breaks was refused: %.300s", r.Body)
	}
}
