package renderer_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
)

// fuzzServer is the citizen side over a real store, driven in-process.
func fuzzServer(tb testing.TB) http.Handler {
	tb.Helper()
	db, err := storage.Open(filepath.Join(tb.TempDir(), "fuzz.db"), storage.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	forms := storage.NewFormService(db)
	publish(tb, forms, "testdata/form.json")
	s, err := renderer.New(renderer.Config{
		Forms: forms, Drafts: storage.NewDraftService(db), Submissions: storage.NewSubmissionService(db),
		Attachments: storage.NewAttachmentService(db), BaseURL: "https://moduli.comune.example",
		SiteName: "Comune di Esempio", DraftTTL: time.Hour, MaxBodyBytes: 1 << 20,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// serve runs one request through h and returns the recorded answer.
func serve(h http.Handler, method, path, ctype string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// fuzzContentTypes are the content types a fuzz input picks from by its
// first byte; the multipart ones use the boundary of the seeds.
var fuzzContentTypes = []string{
	"application/json", "multipart/form-data; boundary=B", "application/x-www-form-urlencoded",
	"multipart/form-data", "application/json; charset=latin1", "text/plain",
}

// fuzzMultipart is a multipart body with boundary B: a data part and a
// file part named by a pointer.
func fuzzMultipart(data string, file string, name string, content []byte) []byte {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.SetBoundary("B")
	_ = w.WriteField("data", data)
	_ = w.WriteField("/descrizione", "Una descrizione abbastanza lunga")
	if file != "" {
		fw, _ := w.CreateFormFile(file, name)
		_, _ = fw.Write(content)
	}
	_ = w.Close()
	return buf.Bytes()
}

// FuzzDecodeMultipart posts arbitrary bodies, as JSON, multipart and
// urlencoded, to the JSON API and to a form step: the server never answers
// 500, and a 201 always carries a request number.
func FuzzDecodeMultipart(f *testing.F) {
	valid := `{"tipo":"strade","descrizione":"Buca profonda in via Roma","nome":"Anna","email":"anna@example.it"}`
	jpegHead := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0, 0}
	f.Add(byte(0), []byte(valid))
	f.Add(byte(0), []byte(`{"tipo":"strade","tipo":"altro"}`))
	f.Add(byte(0), []byte(`{"testimoni":[{"nome":{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}]}`))
	f.Add(byte(0), []byte("{\"nome\":\"\xff\xfe\x00\",\"foto\":\"x\"}"))
	f.Add(byte(1), fuzzMultipart(valid, "/foto", "foto.jpg", jpegHead))
	f.Add(byte(1), fuzzMultipart(valid, "/foto", "../../etc/passwd.jpg", []byte("<?php system($_GET['c']); ?>")))
	f.Add(byte(1), fuzzMultipart(valid, "/testimoni/0/nome", "x.jpg", jpegHead))
	f.Add(byte(1), fuzzMultipart("not json", "/foto", "\r\nx.jpg", nil))
	f.Add(byte(2), []byte("/tipo=strade&/descrizione=Una+descrizione+lunga&/testimoni/0/nome=%ff&action=add:/testimoni"))
	f.Add(byte(2), []byte("%zz&&==/data=2026-02-30&/tipo=altro&/specifica="+strings.Repeat("x", 300)))
	f.Add(byte(3), []byte("--B\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n{}\r\n"))
	h := fuzzServer(f)
	rec := serve(h, http.MethodPost, "/servizi/segnalazione/privacy", "application/x-www-form-urlencoded",
		[]byte(url.Values{"consenso": {"1"}}.Encode()))
	step1 := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasSuffix(step1, "/passo/1") {
		f.Fatalf("no draft: %d %q", rec.Code, step1)
	}
	f.Fuzz(func(t *testing.T, kind byte, body []byte) {
		ctype := fuzzContentTypes[int(kind)%len(fuzzContentTypes)]
		rec := serve(h, http.MethodPost, "/api/v1/forms/segnalazione/submissions", ctype, body)
		if rec.Code >= 500 {
			t.Fatalf("API answered %d to %q %q:\n%s", rec.Code, ctype, body, rec.Body)
		}
		if rec.Code == http.StatusCreated {
			var out struct{ Number string }
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Number == "" {
				t.Fatalf("201 without a request number: %s", rec.Body)
			}
		}
		rec = serve(h, http.MethodPost, step1, ctype, body)
		if rec.Code >= 500 {
			t.Fatalf("step answered %d to %q %q:\n%s", rec.Code, ctype, body, rec.Body)
		}
	})
}
