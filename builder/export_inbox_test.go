package builder_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// exportFormDef is a published form with nested, choice, boolean, file
// and repeatable fields.
const exportFormDef = `{"slug":"segnalazione","title":"Segnalazione di disservizio","office":"ufficio-tecnico",
 "privacy":"Informativa.","schema":{"type":"object","properties":{
  "tipo":{"title":"Tipo","type":"string","oneOf":[{"const":"buca","title":"Buca in strada"},{"const":"luce","title":"Lampione spento"}]},
  "descrizione":{"title":"Descrizione","type":"string"},
  "indirizzo":{"title":"Indirizzo","type":"object","properties":{
     "via":{"title":"Via","type":"string"},"cap":{"title":"CAP","type":"string"}}},
  "urgente":{"title":"Urgente","type":"boolean"},
  "foto":{"title":"Foto","type":"string","contentMediaType":"image/jpeg"},
  "testimoni":{"title":"Testimoni","type":"array","items":{"type":"object","properties":{"nome":{"title":"Nome","type":"string"}}}}}},
 "ui":{"steps":[{"title":"La segnalazione","fields":["tipo","descrizione","indirizzo","urgente","foto","testimoni"]}]}}`

// exportFixedHeader is the fixed part of every export's header.
var exportFixedHeader = []string{"Numero", "Data ricezione", "Modulo", "Versione", "Ufficio", "Stato",
	"Assegnatario", "Canale", "Etichette", "Presa in carico", "Scadenza", "Chiusa"}

// exportReceived is when the seeded requests arrived: 14:30 in Rome.
var exportReceived = time.Date(2026, 3, 1, 13, 30, 0, 0, time.UTC)

// exportEnv is an env with two offices, the form published, an admin and
// one operator per office.
func exportEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	for slug, name := range map[string]string{"ufficio-tecnico": "Ufficio tecnico", "anagrafe": "Anagrafe"} {
		if err := e.Offices.SaveOffice(ctx, &modulario.Office{Slug: slug, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	meta := modulario.Form{Slug: "segnalazione", Title: "Segnalazione di disservizio", Office: "ufficio-tecnico"}
	if _, _, err := e.Forms.SaveDraft(ctx, meta, json.RawMessage(exportFormDef)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Forms.PublishDraft(ctx, "segnalazione"); err != nil {
		t.Fatal(err)
	}
	e.addUser(modulario.RoleAdmin, "admin@comune.example")
	e.addUser(modulario.RoleOperator, "tecnico@comune.example", "ufficio-tecnico")
	e.addUser(modulario.RoleOperator, "anagrafe@comune.example", "anagrafe")
	return e
}

// addRequest stores a request of office with data (JSON) and files
// (name → content, stored as attachments first).
func (e *env) addRequest(office, data string, files ...[2]string) *modulario.Submission {
	e.t.Helper()
	ctx := context.Background()
	sub := &modulario.Submission{FormSlug: "segnalazione", Version: 1, Office: office,
		Channel: modulario.ChannelWeb, Data: json.RawMessage(data), CreatedAt: exportReceived}
	for _, f := range files {
		a := &modulario.Attachment{Name: f[0], ContentType: "image/jpeg", Pointer: "/foto"}
		if err := e.Attachments.PutAttachment(ctx, a, "", []byte(f[1])); err != nil {
			e.t.Fatal(err)
		}
		sub.Attachments = append(sub.Attachments, *a)
	}
	if err := e.Submissions.CreateSubmission(ctx, sub, ""); err != nil {
		e.t.Fatal(err)
	}
	return sub
}

// readCSV checks the BOM and CRLF line ends of an export and parses it.
func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	rest, ok := strings.CutPrefix(body, "\uFEFF")
	if !ok {
		t.Fatalf("no UTF-8 BOM at the start: %q", body[:min(len(body), 20)])
	}
	if strings.Count(rest, "\n") != strings.Count(rest, "\r\n") || !strings.HasSuffix(rest, "\r\n") {
		t.Errorf("line ends are not all CRLF")
	}
	records, err := csv.NewReader(strings.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	return records
}

// column returns the values of the column named name, by request number.
func column(t *testing.T, records [][]string, name string) map[string]string {
	t.Helper()
	i := -1
	for j, h := range records[0] {
		if h == name {
			i = j
		}
	}
	if i < 0 {
		t.Fatalf("no column %q in %q", name, records[0])
	}
	out := map[string]string{}
	for _, r := range records[1:] {
		out[r[0]] = r[i]
	}
	return out
}

func TestExportCSVColumnsAndEscaping(t *testing.T) {
	e := exportEnv(t)
	full := e.addRequest("ufficio-tecnico", `{"tipo":"luce","descrizione":"Lampione spento da giorni",
	  "indirizzo":{"via":"Via Roma 1","cap":"00100"},"urgente":true,"testimoni":[{"nome":"Anna"},{"nome":"Bruno"}]}`)
	cases := map[string]string{"=SUM(1)": "'=SUM(1)", "+1": "'+1", "-1": "'-1", "@x": "'@x", "-": "-",
		"\tcmd": "'\tcmd", `dice "ciao", poi` + "\nva via": `dice "ciao", poi` + "\nva via"}
	numbers := map[string]string{}
	for in := range cases {
		d, _ := json.Marshal(map[string]any{"descrizione": in})
		numbers[e.addRequest("ufficio-tecnico", string(d)).Number] = in
	}
	c := e.login("admin@comune.example")
	res, body := c.get("/admin/richieste/esporta.csv?modulo=segnalazione")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	for h, want := range map[string]string{"Content-Type": "text/csv; charset=utf-8",
		"Content-Disposition": `attachment; filename="richieste-2026-03-02.csv"`, "Cache-Control": "no-store"} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	records := readCSV(t, body)
	wantHeader := append(append([]string{}, exportFixedHeader...), "Tipo", "Descrizione",
		"Indirizzo › Via", "Indirizzo › CAP", "Urgente", "Foto", "Testimoni › Nome")
	if !reflect.DeepEqual(records[0], wantHeader) {
		t.Fatalf("header\n got %q\nwant %q", records[0], wantHeader)
	}
	if len(records) != 1+1+len(cases) {
		t.Fatalf("%d records, want %d", len(records), 2+len(cases))
	}
	for name, want := range map[string]string{"Tipo": "Lampione spento", "Indirizzo › CAP": "00100",
		"Urgente": "Sì", "Testimoni › Nome": "1: Anna; 2: Bruno", "Stato": "Ricevuta",
		"Ufficio": "Ufficio tecnico", "Modulo": "Segnalazione di disservizio", "Canale": "Online",
		"Data ricezione": "01/03/2026 14:30", "Versione": "1"} {
		if got := column(t, records, name)[full.Number]; got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	descr := column(t, records, "Descrizione")
	for number, in := range numbers {
		if got := descr[number]; got != cases[in] {
			t.Errorf("cell %q exported as %q, want %q", in, got, cases[in])
		}
	}
	if !strings.Contains(body, `"dice ""ciao"", poi`+"\r\nva via\"") {
		t.Errorf("quotes, comma and newline not escaped as CSV")
	}
	list, err := e.Audit.ListAudit(context.Background(), modulario.AuditFilter{Target: "submissions"})
	if err != nil || len(list) == 0 || list[0].Action != "submission.export" ||
		!strings.Contains(list[0].Detail, "csv export of 8 requests") || !strings.Contains(list[0].Detail, "modulo=segnalazione") {
		t.Errorf("audit: %+v %v", list, err)
	}
}

func TestExportCSVSeveralForms(t *testing.T) {
	e := exportEnv(t)
	sub := e.addRequest("ufficio-tecnico", `{"tipo":"buca","indirizzo":{"cap":"00100"}}`)
	c := e.login("tecnico@comune.example")
	res, body := c.get("/admin/richieste/esporta.csv")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	records := readCSV(t, body)
	if !reflect.DeepEqual(records[0], append(append([]string{}, exportFixedHeader...), "Risposte")) {
		t.Fatalf("header %q", records[0])
	}
	got := column(t, records, "Risposte")[sub.Number]
	if !strings.Contains(got, "Tipo: Buca in strada") || !strings.Contains(got, "Indirizzo › CAP: 00100") {
		t.Errorf("Risposte: %q", got)
	}
}

func TestExportOtherOfficeSeesNothing(t *testing.T) {
	e := exportEnv(t)
	theirs := e.addRequest("ufficio-tecnico", `{"descrizione":"del tecnico"}`, [2]string{"foto.jpg", "jpeg-del-tecnico"})
	mine := e.addRequest("anagrafe", `{"descrizione":"dell'anagrafe"}`, [2]string{"doc.jpg", "jpeg-anagrafe"})
	c := e.login("anagrafe@comune.example")
	for _, q := range []string{"", "?ufficio=ufficio-tecnico", "?modulo=segnalazione&q=" + theirs.Number} {
		res, body := c.get("/admin/richieste/esporta.csv" + q)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", q, res.StatusCode)
		}
		if strings.Contains(body, theirs.Number) || strings.Contains(body, "del tecnico") {
			t.Errorf("csv%s: another office's request exported", q)
		}
		res, body = c.get("/admin/richieste/allegati.zip" + q)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("zip%s: status %d", q, res.StatusCode)
		}
		for name, content := range readZIP(t, body) {
			if strings.HasPrefix(name, theirs.Number) || strings.Contains(content, theirs.Number) ||
				content == "jpeg-del-tecnico" {
				t.Errorf("zip%s: another office's file %s", q, name)
			}
		}
		res, body = c.get("/admin/richieste/esporta.xlsx" + q)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("xlsx%s: status %d", q, res.StatusCode)
		}
		_, rows := readXLSX(t, body)
		for _, r := range rows[1:] {
			if r[0] != mine.Number {
				t.Errorf("xlsx%s: row of request %s", q, r[0])
			}
		}
	}
	_, body := c.get("/admin/richieste/esporta.csv")
	records := readCSV(t, body)
	if len(records) != 2 || records[1][0] != mine.Number {
		t.Errorf("own export: %q, want only %s", records, mine.Number)
	}
	e.addUser(modulario.RoleEditor, "ed@comune.example")
	res, _ := e.login("ed@comune.example").get("/admin/richieste/esporta.csv")
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("editor: status %d, want 403", res.StatusCode)
	}
}

func TestExportBadFilter(t *testing.T) {
	e := exportEnv(t)
	c := e.login("admin@comune.example")
	for _, path := range []string{"/admin/richieste/esporta.csv?stato=inventato",
		"/admin/richieste/esporta.xlsx?dal=ieri", "/admin/richieste/allegati.zip?canale=piccione"} {
		res, body := c.get(path)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", path, res.StatusCode)
		}
		if !strings.Contains(body, "Impossibile esportare") || res.Header.Get("Content-Disposition") != "" {
			t.Errorf("%s: no Italian message or still a download", path)
		}
	}
}

func TestExportCSVEmptyInbox(t *testing.T) {
	e := exportEnv(t)
	_, body := e.login("admin@comune.example").get("/admin/richieste/esporta.csv?modulo=segnalazione")
	records := readCSV(t, body)
	if len(records) != 1 || len(records[0]) != len(exportFixedHeader)+7 {
		t.Errorf("empty export: %q", records)
	}
	if !bytes.HasPrefix([]byte(body), []byte{0xEF, 0xBB, 0xBF}) {
		t.Errorf("no BOM bytes")
	}
}
