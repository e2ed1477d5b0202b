package schemas

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// bookingDoc is a booking form: the appointment alone on its step (with
// an informative paragraph), then the details.
const bookingDoc = `{"slug":"prenota","title":"Prenota","privacy":"Informativa.",
  "schema":{"type":"object","properties":{
    "appuntamento":{"type":"string","format":"appuntamento","title":"Data e orario"},
    "motivo":{"type":"string","title":"Motivo","maxLength":200},
    "nome":{"type":"string","title":"Nome"}},
    "required":["appuntamento","nome"]},
  "ui":{"steps":[
    {"title":"Luogo, data e orario","fields":["nota","appuntamento"]},
    {"title":"Dettagli","fields":["motivo","nome"]}],
   "fields":{"nota":{"widget":"markdown","text":"Scegli lo sportello."},
     "appuntamento":{"widget":"appointment","calendars":["sede-centrale","delegazione-nord"]}}}}`

func TestAppointmentFieldModel(t *testing.T) {
	f := mustLoad(t, []byte(bookingDoc))
	fl := f.FieldAt("/appuntamento")
	if fl == nil || fl.Kind != KindAppointment || fl.Step != 1 || !fl.Required {
		t.Fatalf("field = %+v", fl)
	}
	if !reflect.DeepEqual(fl.Calendars, []string{"sede-centrale", "delegazione-nord"}) {
		t.Errorf("calendars = %q", fl.Calendars)
	}
	if fl.Format != modulario.FormatAppointment || fl.Label != "Data e orario" {
		t.Errorf("format %q label %q", fl.Format, fl.Label)
	}
}

func TestValidAppointment(t *testing.T) {
	for v, want := range map[string]bool{
		"sede-centrale@2026-12-03T09:30:00+01:00": true,
		"sede-centrale@2026-12-03T08:30:00Z":      true,
		"a@2026-07-01T10:00:00+02:00":             true,
		"":                                        false,
		"sede-centrale":                           false,
		"sede-centrale@":                          false,
		"@2026-12-03T09:30:00+01:00":              false,
		"Sede@2026-12-03T09:30:00+01:00":          false,
		"sede centrale@2026-12-03T09:30:00+01:00": false,
		"sede-centrale@2026-12-03 09:30":          false,
		"sede-centrale@2026-13-03T09:30:00+01:00": false,
	} {
		if got := ValidAppointment(v); got != want {
			t.Errorf("ValidAppointment(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestValidateAppointmentMessages(t *testing.T) {
	f := mustLoad(t, []byte(bookingDoc))
	tests := []struct {
		name string
		data map[string]any
		lang string
		want string // "" = valid
	}{
		{"valid", map[string]any{"appuntamento": "sede-centrale@2026-12-03T09:30:00+01:00"}, "it", ""},
		{"missing", map[string]any{}, "it", "Scegli un giorno e un orario per l'appuntamento."},
		{"missing en", map[string]any{}, "en", "Choose a day and a time for the appointment."},
		{"malformed", map[string]any{"appuntamento": "giovedì mattina"}, "it", "Scegli un giorno e un orario per l'appuntamento."},
		{"not a string", map[string]any{"appuntamento": 3.0}, "it", "Scegli un giorno e un orario per l'appuntamento."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := map[string]any{"nome": "Maria"}
			for k, v := range tc.data {
				data[k] = v
			}
			var got string
			for _, e := range f.Validate(data, tc.lang) {
				if e.Pointer == "/appuntamento" {
					got = e.Message
				} else {
					t.Errorf("unexpected error %v", e)
				}
			}
			if got != tc.want {
				t.Errorf("message = %q, want %q", got, tc.want)
			}
		})
	}
	// Other required fields keep the generic message.
	if errs := f.Validate(map[string]any{"appuntamento": "sede-centrale@2026-12-03T09:30:00+01:00"}, "it"); len(errs) != 1 ||
		errs[0].Pointer != "/nome" || errs[0].Message != "Questo campo è obbligatorio" {
		t.Errorf("errors = %v", errs)
	}
}

func TestAppointmentDefinitionChecks(t *testing.T) {
	doc := func(props, steps, fields string) []byte {
		return []byte(`{"slug":"p","title":"P","privacy":"x","schema":{"type":"object","properties":{` + props +
			`}},"ui":{` + steps + `"fields":{` + fields + `}}}`)
	}
	const appt = `"appuntamento":{"type":"string","format":"appuntamento"}`
	const widget = `"appuntamento":{"widget":"appointment","calendars":["sede"]}`
	tests := []struct {
		name string
		doc  []byte
		ptr  string
		want string // substring of the message
	}{
		{"widget on a number", doc(`"appuntamento":{"type":"integer"}`, "", widget),
			"/schema/properties/appuntamento", `must be {"type": "string", "format": "appuntamento"}`},
		{"widget without format", doc(`"appuntamento":{"type":"string"}`, "", widget),
			"/schema/properties/appuntamento", `"format": "appuntamento"`},
		{"widget on choices", doc(`"appuntamento":{"type":"string","format":"appuntamento","enum":["a@2026-01-01T10:00:00Z"]}`, "", widget),
			"/schema/properties/appuntamento", "without choices"},
		{"format without widget", doc(appt, "", ``),
			"/schema/properties/appuntamento", `give it "widget": "appointment"`},
		{"format with another widget", doc(appt, "", `"appuntamento":{"widget":"text"}`),
			"/schema/properties/appuntamento", `give it "widget": "appointment"`},
		{"no calendars", doc(appt, "", `"appuntamento":{"widget":"appointment"}`),
			"/ui/fields/appuntamento", `list the calendars it books in "calendars"`},
		{"calendars on a text field", doc(`"nome":{"type":"string"}`, "", `"nome":{"calendars":["sede"]}`),
			"/ui/fields/nome/calendars", `only for fields with "widget": "appointment"`},
		{"nested", doc(`"gruppo":{"type":"object","properties":{`+appt+`}}`, "",
			`"gruppo/appuntamento":{"widget":"appointment","calendars":["sede"]}`),
			"/schema/properties/gruppo/properties/appuntamento", "must be a top-level property"},
		{"in a repeat", doc(`"lista":{"type":"array","items":{"type":"object","properties":{`+appt+`}}}`, "",
			`"lista/appuntamento":{"widget":"appointment","calendars":["sede"]}`),
			"/schema/properties/lista/items/properties/appuntamento", "must be a top-level property"},
		{"shares its step", doc(appt+`,"nome":{"type":"string"}`,
			`"steps":[{"title":"Uno","fields":["appuntamento","nome"]}],`, widget),
			"/ui/steps/0/fields", "must be the only input of its step"},
		{"two appointments on a step", doc(appt+`,"altro":{"type":"string","format":"appuntamento"}`,
			`"steps":[{"title":"Uno","fields":["appuntamento","altro"]}],`,
			widget+`,"altro":{"widget":"appointment","calendars":["sede"]}`),
			"/ui/steps/0/fields", "must be the only input of its step"},
		{"no steps with other fields", doc(appt+`,"nome":{"type":"string"}`, "", widget),
			"/ui", "must be the only input of its step"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.doc)
			if modulario.ErrorCode(err) != modulario.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			got := modulario.ErrorFields(err)
			if !strings.Contains(got[tc.ptr], tc.want) {
				t.Errorf("%s: got %q, want it to contain %q (all: %q)", tc.ptr, got[tc.ptr], tc.want, got)
			}
		})
	}
	// Alone on its step, with a paragraph, or as the only field of a
	// form without steps: fine.
	mustLoad(t, []byte(bookingDoc))
	mustLoad(t, doc(appt, "", widget))
}

func TestAppointmentMetaSchema(t *testing.T) {
	doc := func(calendars string) []byte {
		return []byte(`{"slug":"p","title":"P","privacy":"x","schema":{"type":"object","properties":{
			"appuntamento":{"type":"string","format":"appuntamento"}}},
			"ui":{"fields":{"appuntamento":{"widget":"appointment","calendars":` + calendars + `}}}}`)
	}
	many := `["c0"`
	for i := 1; i <= 20; i++ {
		many += `,"c` + itoa(i) + `"`
	}
	many += "]"
	tests := []struct {
		calendars, ptr, want string
	}{
		{`[]`, "/ui/fields/appuntamento/calendars", "is not valid"},
		{many, "/ui/fields/appuntamento/calendars", "is not valid"},
		{`["sede","sede"]`, "/ui/fields/appuntamento/calendars", "is not valid"},
		{`["Sede Centrale"]`, "/ui/fields/appuntamento/calendars/0", "must be a calendar slug"},
		{`"sede"`, "/ui/fields/appuntamento/calendars", "must be an array"},
	}
	for _, tc := range tests {
		_, err := Parse(doc(tc.calendars))
		got := modulario.ErrorFields(err)
		if !strings.HasPrefix(got[tc.ptr], tc.want) {
			t.Errorf("calendars %s: %s = %q, want prefix %q (all: %q)", tc.calendars, tc.ptr, got[tc.ptr], tc.want, got)
		}
	}
	if _, err := Parse(doc(`["sede-centrale","delegazione-nord"]`)); err != nil {
		t.Errorf("valid calendars refused: %v %v", err, modulario.ErrorFields(err))
	}
}

func TestDecodeAppointmentStep(t *testing.T) {
	f := mustLoad(t, []byte(bookingDoc))
	const v = "delegazione-nord@2026-12-03T09:30:00+01:00"
	got, errs := f.DecodeStep(1, map[string]any{"nome": "Maria"}, url.Values{"/appuntamento": {" " + v + " "}}, "it")
	if len(errs) != 0 || got["appuntamento"] != v || got["nome"] != "Maria" {
		t.Errorf("decoded %v, errors %v", got, errs)
	}
	got, _ = f.DecodeStep(1, got, url.Values{"/appuntamento": {""}}, "it")
	if _, ok := got["appuntamento"]; ok {
		t.Errorf("empty post kept the answer: %v", got)
	}
}

func TestAppointmentSummaryAndColumns(t *testing.T) {
	f := mustLoad(t, []byte(bookingDoc))
	const v = "sede-centrale@2026-12-03T09:30:00+01:00"
	data := map[string]any{"appuntamento": v, "nome": "Maria"}
	tests := []struct {
		lang  string
		files map[string]string
		want  string
	}{
		{"it", nil, "giovedì 3 dicembre 2026, ore 09:30"},
		{"en", nil, "Thursday 3 December 2026, 09:30"},
		{"it", map[string]string{v: "Sede centrale — giovedì 3 dicembre 2026, ore 09:30"},
			"Sede centrale — giovedì 3 dicembre 2026, ore 09:30"},
	}
	for _, tc := range tests {
		steps := f.Summary(data, tc.lang, tc.files)
		if len(steps) != 2 || steps[0].Title != "Luogo, data e orario" || len(steps[0].Items) != 1 {
			t.Fatalf("summary = %+v", steps)
		}
		if it := steps[0].Items[0]; it.Value != tc.want || it.FileID != "" || it.Pointer != "/appuntamento" {
			t.Errorf("%s: item = %+v, want %q", tc.lang, it, tc.want)
		}
	}
	cols := f.Columns()
	if len(cols) != 3 || cols[0].Header != "Data e orario" {
		t.Fatalf("columns = %+v", cols)
	}
	if got := ColumnValue(cols[0], data, "it", nil); got != "03/12/2026 09:30, sede-centrale" {
		t.Errorf("cell = %q", got)
	}
	if got := ColumnValue(cols[0], data, "it", map[string]string{v: "Sede centrale"}); got != "Sede centrale" {
		t.Errorf("cell with text = %q", got)
	}
}

func TestAppointmentText(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Skip("no tzdata")
	}
	for _, tc := range []struct{ v, lang, want string }{
		{modulario.AppointmentValue("sede", time.Date(2026, 7, 6, 14, 40, 0, 0, rome)), "it", "lunedì 6 luglio 2026, ore 14:40"},
		{modulario.AppointmentValue("sede", time.Date(2026, 3, 1, 8, 5, 0, 0, rome)), "it", "domenica 1 marzo 2026, ore 08:05"},
		{modulario.AppointmentValue("sede", time.Date(2026, 3, 1, 8, 5, 0, 0, rome)), "en", "Sunday 1 March 2026, 08:05"},
		{"non valido", "it", "non valido"},
	} {
		if got := AppointmentText(tc.v, tc.lang); got != tc.want {
			t.Errorf("AppointmentText(%q, %s) = %q, want %q", tc.v, tc.lang, got, tc.want)
		}
	}
}

func TestAppointmentTemplatesAndPlaceholders(t *testing.T) {
	doc := strings.Replace(bookingDoc, `"schema":`, `"templates":{"promemoria-appuntamento":{"subject":"Promemoria {{numero}}",
	  "body":"Ti aspettiamo {{appuntamento}} ({{luogo}}, {{data_appuntamento}} {{ora_appuntamento}}). Porta: {{cosa_portare}}"}},
	  "rules":[{"name":"Annullamento","on":"submission.status_changed","then":[{"notify":"email","to":"citizen","template":"appuntamento-annullato"}]}],
	  "schema":`, 1)
	mustLoad(t, []byte(doc))
	bad := strings.Replace(doc, "{{luogo}}", "{{sportello}}", 1)
	_, err := Load([]byte(bad))
	if got := modulario.ErrorFields(err)["/templates/promemoria-appuntamento/body"]; !strings.Contains(got, "{{sportello}}") {
		t.Errorf("unknown placeholder not reported: %v", modulario.ErrorFields(err))
	}
}
