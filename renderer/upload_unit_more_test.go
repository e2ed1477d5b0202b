package renderer

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanFileName(t *testing.T) {
	long := strings.Repeat("à", 200) + ".pdf"
	tests := map[string]string{
		"a\u202egnp.exe":                       "agnp.exe",
		"C:\\Users\\anna\\foto.jpg":            "foto.jpg",
		"../../etc/passwd":                     "passwd",
		"ri\u2066ce\u2069vu\u200eta\u200f.pdf": "ricevuta.pdf",
		"a\x00b\x1bc\r\n.png":                  "abc.png",
		"\u202e":                               "file",
		"..":                                   "file",
	}
	for in, want := range tests {
		if got := cleanFileName(in); got != want {
			t.Errorf("cleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
	got := cleanFileName(long)
	if utf8.RuneCountInString(got) != maxFileNameRunes || !strings.HasSuffix(got, "à.pdf") {
		t.Errorf("long name = %q (%d runes)", got, utf8.RuneCountInString(got))
	}
}

func zipOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		f, err := w.CreateHeader(&zip.FileHeader{Name: files[i], Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = f.Write([]byte(files[i+1]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSniffZipDocuments(t *testing.T) {
	const docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	const odt = "application/vnd.oasis.opendocument.text"
	tests := []struct {
		name    string
		content []byte
		accept  []string
		want    string
		ok      bool
	}{
		{"docx", zipOf(t, "[Content_Types].xml", "<Types/>", "word/document.xml", "<w/>"), []string{docx}, docx, true},
		{"odt", zipOf(t, "mimetype", odt, "content.xml", "<x/>"), []string{odt}, odt, true},
		{"plain zip is not a docx", zipOf(t, "a.txt", "ciao"), []string{docx}, "application/zip", false},
		{"plain zip is not an odt", zipOf(t, "mimetype", "text/plain"), []string{odt}, "application/zip", false},
		{"docx is not an odt", zipOf(t, "[Content_Types].xml", "<Types/>", "word/document.xml", "<w/>"), []string{odt}, docx, false},
		{"pdf", []byte("%PDF-1.7\n..."), []string{"application/pdf"}, "application/pdf", true},
		{"png by wildcard", []byte("\x89PNG\r\n\x1a\n0000"), []string{"image/*"}, "image/png", true},
		{"html without accept", []byte("<html><body>x</body></html>"), nil, "text/html", false},
	}
	for _, tt := range tests {
		got, ok := sniffAccepted(tt.content, tt.accept)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: sniffAccepted = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}
