package renderer

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestWidgetGolden renders every widget in its normal and error state and
// compares with testdata/golden/<kind>-<state>.html (-update rewrites them).
// Besides the kinds, it covers a whole number (step 1, exclusive bounds as
// min and max), a date-time, a yes/no radio, a default value, a read-only
// fixed value, a file field with nothing uploaded (limits in the help), a
// text with minLength and both description and help of two paragraphs,
// and fields shown by a choice, by not choosing it and by a ticked box,
// with their notes on when to fill them in ("dettaglio" is required then).
func TestWidgetGolden(t *testing.T) {
	doc, err := os.ReadFile("testdata/widgets.json")
	if err != nil {
		t.Fatal(err)
	}
	form, err := schemas.Load(doc)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cfg: Config{SiteName: "Comune di Esempio"}}
	pages, err := s.parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{
		"text": "Mario", "email": "mario@example.it", "tel": "+39 06 1234567", "number": 12.5,
		"textarea": "Riga uno\nriga <due>", "select": "nord", "radio": "b", "checkbox": true,
		"checkboxes": []any{"lun", "mer"}, "date": "2026-03-01", "time": "09:30", "file": "att1",
		"hidden": "web", "group": map[string]any{"via": "Via Roma 1", "cap": "00184"},
		"repeat": []any{map[string]any{"nome": "Anna"}}, "integer": 3.0, "datetime": "2026-01-02T10:00",
		"yesno": true,
	}
	// A new draft: "default" and the read-only "readonly" get their values.
	data = form.SeedDefaults(data)
	attachments := map[string]modulario.Attachment{"att1": {ID: "att1", Name: "documento.pdf"}}
	for _, state := range []string{"normal", "error"} {
		errs := map[string]string{}
		if state == "error" {
			for _, f := range form.Fields() {
				errs[f.Pointer] = "Messaggio di errore per " + f.Label
			}
			errs["/repeat/0/nome"] = "Inserisci il nome"
		}
		in := &viewInput{lang: "it", form: form, state: form.Evaluate(data), step: 1, data: data,
			errs: errs, attachments: attachments}
		for _, f := range form.Steps[0].Fields {
			var buf bytes.Buffer
			if err := pages["_base"].ExecuteTemplate(&buf, "field", in.field(f, f.Pointer, "")); err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			compareGolden(t, filepath.Join("testdata", "golden", f.Name+"-"+state+".html"), buf.Bytes())
		}
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./renderer -run Golden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
