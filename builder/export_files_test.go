package builder_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/modulario/modulario/builder"
)

// readXLSX opens an exported workbook and returns it with its rows.
func readXLSX(t *testing.T, body string) (*excelize.File, [][]string) {
	t.Helper()
	book, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	t.Cleanup(func() { book.Close() })
	if got := book.GetSheetList(); len(got) != 1 || got[0] != "Richieste" {
		t.Fatalf("sheets %q, want [Richieste]", got)
	}
	rows, err := book.GetRows("Richieste")
	if err != nil {
		t.Fatal(err)
	}
	return book, rows
}

// readZIP opens an exported archive and returns its files by name.
func readZIP(t *testing.T, body string) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

func TestExportXLSX(t *testing.T) {
	e := exportEnv(t)
	sub := e.addRequest("ufficio-tecnico", `{"tipo":"buca","descrizione":"=SUM(1)","indirizzo":{"via":"Via Po 2","cap":"10121"}}`)
	res, body := e.login("admin@comune.example").get("/admin/richieste/esporta.xlsx?modulo=segnalazione")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "richieste-2026-03-02.xlsx") {
		t.Fatalf("status %d, disposition %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	book, rows := readXLSX(t, body)
	if len(rows) != 2 || rows[0][0] != "Numero" || rows[0][15] != "Indirizzo › CAP" || rows[1][0] != sub.Number {
		t.Fatalf("rows %q", rows)
	}
	if rows[1][15] != "10121" || rows[1][13] != "=SUM(1)" {
		t.Errorf("nested value %q, description %q", rows[1][15], rows[1][13])
	}
	if f, _ := book.GetCellFormula("Richieste", "N2"); f != "" {
		t.Errorf("a cell became a formula: %q", f)
	}
	raw, _ := book.GetCellValue("Richieste", "B2", excelize.Options{RawCellValue: true})
	if serial, err := strconv.ParseFloat(raw, 64); err != nil || serial < 46000 || serial > 47000 {
		t.Errorf("received date is not a date serial: %q", raw)
	}
	if shown, _ := book.GetCellValue("Richieste", "B2"); shown != "01/03/2026 14:30" {
		t.Errorf("received date shown as %q", shown)
	}
	id, _ := book.GetCellStyle("Richieste", "A1")
	if st, err := book.GetStyle(id); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header not bold: %+v %v", st, err)
	}
}

func TestExportXLSXTooManyRows(t *testing.T) {
	e := exportEnv(t)
	e.addRequest("ufficio-tecnico", `{}`)
	e.addRequest("ufficio-tecnico", `{}`)
	defer builder.SetExportMaxXLSXRows(1)()
	res, body := e.login("admin@comune.example").get("/admin/richieste/esporta.xlsx")
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "troppe per un foglio Excel") {
		t.Errorf("status %d", res.StatusCode)
	}
}

func TestExportZIP(t *testing.T) {
	e := exportEnv(t)
	a := e.addRequest("ufficio-tecnico", `{}`, [2]string{"foto.jpg", "uno"}, [2]string{"FOTO.jpg", "due"},
		[2]string{`..\..\windows\win.ini`, "tre"}, [2]string{"=cmd|calc.jpg", "quattro"})
	b := e.addRequest("ufficio-tecnico", `{}`, [2]string{"foto.jpg", "cinque"})
	e.addRequest("ufficio-tecnico", `{}`)
	res, body := e.login("admin@comune.example").get("/admin/richieste/allegati.zip")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "allegati-2026-03-02.zip") {
		t.Fatalf("status %d, headers %v", res.StatusCode, res.Header)
	}
	files := readZIP(t, body)
	want := map[string]string{a.Number + "/foto.jpg": "uno", a.Number + "/FOTO (2).jpg": "due",
		a.Number + "/win.ini": "tre", a.Number + "/=cmd_calc.jpg": "quattro", b.Number + "/foto.jpg": "cinque"}
	for name, content := range want {
		if files[name] != content {
			t.Errorf("%s: %q, want %q", name, files[name], content)
		}
	}
	if len(files) != len(want)+1 {
		t.Errorf("entries %d, want %d", len(files), len(want)+1)
	}
	index := readCSV(t, files["indice.csv"])
	if len(index) != 6 || index[0][0] != "Numero" || index[0][4] != "SHA-256" {
		t.Fatalf("index %q", index)
	}
	sum := sha256.Sum256([]byte("cinque"))
	var last []string
	for _, r := range index[1:] {
		if r[0] == b.Number {
			last = r
		}
	}
	if last == nil || last[0] != b.Number || last[1] != b.Number+"/foto.jpg" || last[2] != "foto.jpg" || last[3] != "6" ||
		last[4] != hex.EncodeToString(sum[:]) {
		t.Errorf("index row %q", last)
	}
	for _, r := range index[1:] {
		if r[1] == a.Number+"/=cmd_calc.jpg" && r[2] != "'=cmd|calc.jpg" {
			t.Errorf("index original name not neutralised: %q", r[2])
		}
	}
}

func TestExportZIPCaps(t *testing.T) {
	e := exportEnv(t)
	e.addRequest("ufficio-tecnico", `{}`, [2]string{"a.jpg", "1"}, [2]string{"b.jpg", "2"})
	c := e.login("admin@comune.example")
	restore := builder.SetExportZipLimits(1, 1<<30)
	res, body := c.get("/admin/richieste/allegati.zip")
	restore()
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "L&#39;archivio conterrebbe 2 file") {
		t.Errorf("files cap: status %d", res.StatusCode)
	}
	restore = builder.SetExportZipLimits(100, 1)
	res, _ = c.get("/admin/richieste/allegati.zip")
	restore()
	if res.StatusCode != http.StatusRequestEntityTooLarge || res.Header.Get("Content-Disposition") != "" {
		t.Errorf("bytes cap: status %d", res.StatusCode)
	}
	res, body = c.get("/admin/richieste/allegati.zip")
	if res.StatusCode != http.StatusOK || len(readZIP(t, body)) != 3 {
		t.Errorf("under the caps: status %d", res.StatusCode)
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{"": "", "ciao": "ciao", "=1+2": "'=1+2", "+39 06 123": "'+39 06 123",
		"-2": "'-2", "-": "-", "@SUM(A1)": "'@SUM(A1)", "\r=1": "'\r=1", "a=b": "a=b", "–1": "–1"} {
		if got := builder.CSVSafe(in); got != want {
			t.Errorf("CSVSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestZipSafeName(t *testing.T) {
	long := strings.Repeat("à", 200) + ".pdf"
	for in, want := range map[string]string{"foto.jpg": "foto.jpg", "../../etc/passwd": "passwd",
		`C:\Users\x\doc.pdf`: "doc.pdf", "..": "allegato", ".": "allegato", "": "allegato",
		"a\x00b.txt": "a_b.txt", "evil\u202Egpj.exe": "evil_gpj.exe", "con.txt": "_con.txt",
		"a<b>:c?.txt": "a_b__c_.txt", " .nascosto ": "nascosto"} {
		if got := builder.ZipSafeName(in, "allegato"); got != want {
			t.Errorf("ZipSafeName(%q) = %q, want %q", in, got, want)
		}
	}
	got := builder.ZipSafeName(long, "x")
	if len(got) > 150 || !strings.HasSuffix(got, ".pdf") || !bytes.HasPrefix([]byte(got), []byte("àà")) ||
		strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("long name: %q (%d bytes)", got, len(got))
	}
}
