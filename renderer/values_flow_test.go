package renderer_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/modulario/modulario/storage"
)

// storedAnswers returns the answers of the request whose receipt is at
// receipt ("/pratiche/TOKEN/ricevuta").
func (e *env) storedAnswers(receipt string) map[string]any {
	e.t.Helper()
	token := strings.TrimSuffix(strings.TrimPrefix(receipt, "/pratiche/"), "/ricevuta")
	sub, err := storage.NewSubmissionService(e.db).FindSubmissionByToken(context.Background(), token)
	if err != nil {
		e.t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(sub.Data, &data); err != nil {
		e.t.Fatal(err)
	}
	return data
}

// TestDefaultsTimesAndTicks goes through testdata/valori.json without
// JavaScript: defaults are shown and stored, a read-only field keeps its
// fixed value whatever is posted, the values time and datetime-local
// inputs post are accepted (and a date typed as 31/12/2025), a whole
// number gets its own message, and an unticked checkbox does not set off
// its dependentRequired.
func TestDefaultsTimesAndTicks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	step1 := e.startForm("valori")
	b := base(step1)
	e.get(step1).expect(t, http.StatusOK, `name="/comune" value="Roma"`,
		`name="/versione" value="v1" maxlength="1000" readonly`, `<input type="hidden" id="f-canale" name="/canale" value="web">`,
		`name="/persone" value="" inputmode="numeric" min="1" step="1"`)
	e.postForm(step1, url.Values{"/comune": {"Milano"}, "/versione": {"v2"}, "/canale": {"web"}, "/persone": {"due"}}).
		expect(t, http.StatusUnprocessableEntity, "Inserisci un numero intero, ad esempio 12", `name="/versione" value="v1"`)
	e.postForm(step1, url.Values{"/comune": {"Milano"}, "/versione": {"v2"}, "/canale": {"web"}, "/persone": {"2"}}).
		redirectsTo(t, `/passo/2$`)
	e.postForm(b+"/passo/2", url.Values{"/ora": {"14:30"}, "/quando": {"2026-01-02T10:00"}, "/giorno": {"31/12/2025"}}).
		redirectsTo(t, `/passo/3$`)
	// The first item of a group with minItems starts with its defaults,
	// and with the fields its conditions show for an empty item.
	e.get(b+"/passo/3").expect(t, http.StatusOK, `name="/figli/0/nazione" value="Italia"`, `name="/figli/0/lavoro"`)
	// Ticked, the box requires the company name; unticked it does not.
	e.postForm(b+"/passo/3", url.Values{"/azienda": {"true"}, "/figli/0/nome": {"Anna"}, "/figli/0/nazione": {"Italia"}}).
		expect(t, http.StatusUnprocessableEntity, `href="#f-ragione"`)
	e.postForm(b+"/passo/3", url.Values{"/figli/0/nome": {"Anna"}, "/figli/0/nazione": {"Italia"}}).
		redirectsTo(t, `/riepilogo$`)
	receipt := e.postForm(b+"/invia", nil).redirectsTo(t, `^/pratiche/[^/]+/ricevuta$`)
	want := map[string]any{
		"comune": "Milano", "versione": "v1", "canale": "web", "persone": 2.0,
		"ora": "14:30", "quando": "2026-01-02T10:00", "giorno": "2025-12-31", "azienda": false,
		"figli": []any{map[string]any{"nome": "Anna", "nazione": "Italia"}},
	}
	if got := e.storedAnswers(receipt); !reflect.DeepEqual(got, want) {
		t.Errorf("stored answers:\n got %v\nwant %v", got, want)
	}
}

// TestAPIDefaultsAndTimes sends whole documents: defaults and fixed values
// are added before validation, browser-style times are accepted, and a
// date error shows an example the API accepts.
func TestAPIDefaultsAndTimes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	publish(t, storage.NewFormService(e.db), "testdata/valori.json")
	const path = "/api/v1/forms/valori/submissions"
	r := e.post(path, "application/json", strings.NewReader(`{"persone":2,"ora":"14:30","quando":"2026-01-02T10:00",
		"versione":"v2","azienda":false,"figli":[{"nome":"Anna"}]}`)).expect(t, http.StatusCreated)
	var created struct {
		TrackingURL string `json:"tracking_url"`
	}
	if err := json.Unmarshal([]byte(r.Body), &created); err != nil {
		t.Fatal(err)
	}
	token := created.TrackingURL[strings.LastIndex(created.TrackingURL, "/")+1:]
	want := map[string]any{
		"comune": "Roma", "versione": "v1", "canale": "web", "persone": 2.0, "ora": "14:30",
		"quando": "2026-01-02T10:00", "azienda": false,
		"figli": []any{map[string]any{"nome": "Anna", "nazione": "Italia"}},
	}
	if got := e.storedAnswers("/pratiche/" + token + "/ricevuta"); !reflect.DeepEqual(got, want) {
		t.Errorf("stored answers:\n got %v\nwant %v", got, want)
	}
	e.post(path, "application/json", strings.NewReader(`{"persone":2,"ora":"14:30","giorno":"31/12/2025","figli":[{"nome":"A"}]}`)).
		expect(t, http.StatusUnprocessableEntity, `"pointer":"/giorno"`, "ad esempio 2025-12-31")
}
