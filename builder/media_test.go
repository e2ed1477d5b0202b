package builder_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// jpegWithEXIF encodes a w×h JPEG and inserts an APP1 EXIF segment (with a
// fake GPS marker) right after the SOI marker, as cameras do.
func jpegWithEXIF(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, h/2, color.RGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), []byte("GPS-45.4642N-9.1900E-SEGRETO")...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	raw := buf.Bytes()
	out := append([]byte{}, raw[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	out = append(out, raw[2:]...)
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("test JPEG with EXIF is invalid: %v", err)
	}
	return out
}

// upload posts a multipart form with one file.
func (c *client) upload(path string, fields url.Values, field, name string, content []byte) (*http.Response, string) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if fields.Get("_csrf") == "" {
		fields.Set("_csrf", c.CSRF)
	}
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if content != nil {
		fw, _ := mw.CreateFormFile(field, name)
		_, _ = fw.Write(content)
	}
	_ = mw.Close()
	return c.do(http.MethodPost, path, &body, mw.FormDataContentType())
}

func TestMediaUploadStripsEXIFAndResizes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser(modulario.RoleEditor, "editor@comune.example")
	e.addUser(modulario.RoleOperator, "operatore@comune.example")
	c := e.login("editor@comune.example")
	photo := jpegWithEXIF(t, 2000, 1000)
	if !bytes.Contains(photo, []byte("SEGRETO")) {
		t.Fatal("fixture lacks its EXIF")
	}
	res, body := c.upload("/admin/media", url.Values{"alt": {"Piazza del Municipio"}}, "immagine", "piazza.jpg", photo)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload = %d\n%s", res.StatusCode, body)
	}
	list, err := e.Media.ListMedia(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("media = %v, %v", list, err)
	}
	m, err := e.Media.FindMedia(context.Background(), list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.ContentType != "image/jpeg" || m.Width != 1600 || m.Height != 800 || m.Alt != "Piazza del Municipio" {
		t.Fatalf("stored %s %dx%d alt %q", m.ContentType, m.Width, m.Height, m.Alt)
	}
	if bytes.Contains(m.Data, []byte("Exif")) || bytes.Contains(m.Data, []byte("SEGRETO")) {
		t.Fatal("EXIF survived the upload")
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(m.Data)); err != nil || cfg.Width != 1600 {
		t.Fatalf("stored image: %+v, %v", cfg, err)
	}
	e.audited("media.upload", "media:"+m.ID)
	_, page := c.get("/admin/media")
	if !strings.Contains(page, "![Piazza del Municipio](/media/"+m.ID+")") {
		t.Fatal("library lacks the Markdown snippet")
	}

	// Bad uploads are explained on the form, never a 500.
	res, body = c.upload("/admin/media", url.Values{"alt": {""}}, "immagine", "x.jpg", photo)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#media-alt"`) {
		t.Fatalf("missing alt = %d", res.StatusCode)
	}
	res, body = c.upload("/admin/media", url.Values{"alt": {"Testo"}}, "immagine", "finta.png", []byte("<svg onload=alert(1)>"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "non è un&#39;immagine") {
		t.Fatalf("not an image = %d\n%s", res.StatusCode, body)
	}
	res, _ = c.upload("/admin/media", url.Values{"alt": {"Testo"}}, "immagine", "big.jpg", bytes.Repeat([]byte{0xFF}, 5<<20+10))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("too big = %d", res.StatusCode)
	}
	op := e.login("operatore@comune.example")
	if res, _ := op.upload("/admin/media", url.Values{"alt": {"x"}}, "immagine", "p.jpg", photo); res.StatusCode != http.StatusForbidden {
		t.Fatalf("operator upload = %d", res.StatusCode)
	}
	if res, _ := c.upload("/admin/media", url.Values{"alt": {"x"}, "_csrf": {"no"}}, "immagine", "p.jpg", photo); res.StatusCode != http.StatusForbidden {
		t.Fatalf("bad CSRF upload = %d", res.StatusCode)
	}
	if list, _ := e.Media.ListMedia(context.Background()); len(list) != 1 {
		t.Fatalf("refused uploads stored something: %d images", len(list))
	}
}

func TestLogoChoice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser(modulario.RoleAdmin, "admin@comune.example")
	c := e.login("admin@comune.example")
	if res, _ := c.upload("/admin/media", url.Values{"alt": {"Stemma"}}, "immagine", "s.jpg", jpegWithEXIF(t, 40, 40)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload = %d", res.StatusCode)
	}
	list, _ := e.Media.ListMedia(context.Background())
	if len(list) != 1 {
		t.Fatal("no image")
	}
	id := list[0].ID
	if _, body := c.get("/admin/impostazioni/logo"); !strings.Contains(body, `value="`+id+`"`) {
		t.Fatal("logo page lacks the image")
	}
	if res, _ := c.post("/admin/impostazioni/logo", url.Values{"logo": {"sconosciuto"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown logo = %d", res.StatusCode)
	}
	if res, _ := c.post("/admin/impostazioni/logo", url.Values{"logo": {id}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save logo = %d", res.StatusCode)
	}
	st, _ := e.Settings.Settings(context.Background())
	if st.LogoMedia != id {
		t.Fatalf("logo = %q, want %q", st.LogoMedia, id)
	}
	e.audited("settings.logo", "settings")
}
