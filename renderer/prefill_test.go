package renderer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
)

// prefillEnv is the citizen side with testdata/prefill.json published:
// fornitura (radio), servizi (checkbox group) and lettura (integer) accept
// prefill; codice_utente (hidden) and nome do not. Debug logs go to logs.
type prefillEnv struct {
	*env
	logs *bytes.Buffer
}

func newPrefillEnv(t *testing.T) *prefillEnv {
	t.Helper()
	logs := &bytes.Buffer{}
	e := newEnvDB(t, func(db *storage.DB, cfg *renderer.Config) {
		publish(t, storage.NewFormService(db), "testdata/prefill.json")
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	return &prefillEnv{env: e, logs: logs}
}

// draftData returns the stored answers of the draft of a step path.
func (e *prefillEnv) draftData(stepPath string) map[string]any {
	e.t.Helper()
	token := regexp.MustCompile(`^/servizi/[^/]+/([^/]+)/passo/`).FindStringSubmatch(stepPath)[1]
	d, err := storage.NewDraftService(e.db).FindDraft(context.Background(), token)
	if err != nil {
		e.t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(d.Data, &data); err != nil {
		e.t.Fatal(err)
	}
	return data
}

// consent posts the consent form with the given extra inputs and returns
// the path of step 1.
func (e *prefillEnv) consent(query string, inputs url.Values) string {
	e.t.Helper()
	inputs.Set("consenso", "1")
	return e.postForm("/servizi/autolettura/privacy"+query, inputs).
		redirectsTo(e.t, `^/servizi/autolettura/[^/]+/passo/1`+regexp.QuoteMeta(query)+`$`)
}

func TestPrefillServicePageLink(t *testing.T) {
	e := newPrefillEnv(t)
	r := e.get("/servizi/autolettura?utm_source=sito&fornitura=domestica&nome=Mario&codice_utente=X1&lettura=abc")
	r.expect(t, http.StatusOK, `href="/servizi/autolettura/privacy?fornitura=domestica"`)
	for _, leak := range []string{"Mario", "X1", "utm_source", "abc"} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("service page carries %q", leak)
		}
	}
	// Without parameters the link is unchanged.
	e.get("/servizi/autolettura").expect(t, http.StatusOK, `href="/servizi/autolettura/privacy"`)
}

func TestPrefillReachesDraftAndStep(t *testing.T) {
	e := newPrefillEnv(t)
	q := "?fornitura=non-domestica&servizi=acqua&servizi=depurazione&lettura=42&codice_utente=X1&nome=Mario&embed=1"
	r := e.get("/servizi/autolettura/privacy"+q).expect(t, http.StatusOK,
		`<input type="hidden" name="prefill.fornitura" value="non-domestica">`,
		`<input type="hidden" name="prefill.lettura" value="42">`,
		`<input type="hidden" name="prefill.servizi" value="acqua">`,
		`<input type="hidden" name="prefill.servizi" value="depurazione">`)
	for _, leak := range []string{"prefill.codice_utente", "prefill.nome", "prefill.embed", "Mario"} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("privacy page carries %q", leak)
		}
	}
	// The hidden inputs as posted, plus forged ones the server must drop.
	step := e.consent("", url.Values{
		"prefill.fornitura": {"non-domestica"}, "prefill.lettura": {"42"},
		"prefill.servizi": {"acqua", "depurazione"}, "prefill.codice_utente": {"X1"},
		"prefill.nome": {"Mario"}, "fornitura": {"antincendio"},
	})
	want := map[string]any{"fornitura": "non-domestica", "lettura": 42.0, "servizi": []any{"acqua", "depurazione"}}
	if got := e.draftData(step); !reflect.DeepEqual(got, want) {
		t.Fatalf("draft data = %v, want %v", got, want)
	}
	page := e.get(step).expect(t, http.StatusOK, `name="/lettura" value="42"`)
	for _, v := range []string{"non-domestica", "acqua", "depurazione"} {
		if !regexp.MustCompile(`value="` + v + `" checked`).MatchString(page.Body) {
			t.Errorf("option %q is not preselected", v)
		}
	}
	if regexp.MustCompile(`value="(domestica|fognatura)" checked`).MatchString(page.Body) {
		t.Error("an option that was not prefilled is checked")
	}
	if strings.Contains(page.Body, "X1") {
		t.Error("the hidden field was prefilled")
	}
	// The citizen can change the preset answer, and the step validates as usual.
	e.postForm(step, url.Values{"/fornitura": {"antincendio"}, "/lettura": {"-3"}}).
		expect(t, http.StatusUnprocessableEntity, "Inserisci un numero non inferiore a 0")
	e.postForm(step, url.Values{"/fornitura": {"antincendio"}, "/lettura": {"43"}}).
		redirectsTo(t, `/passo/2$`)
	if got := e.draftData(step); got["fornitura"] != "antincendio" || got["lettura"] != 43.0 {
		t.Errorf("after the step post, data = %v", got)
	}
}

func TestPrefillInvalidDropped(t *testing.T) {
	e := newPrefillEnv(t)
	q := "?fornitura=industriale&lettura=4%2C5&servizi=acqua&servizi=gas"
	r := e.get("/servizi/autolettura/privacy"+q).expect(t, http.StatusOK, `name="consenso"`)
	if strings.Contains(r.Body, "prefill.") {
		t.Errorf("invalid values reached the consent form:\n%s", excerpt(r.Body))
	}
	step := e.consent("", url.Values{"prefill.fornitura": {"industriale"}, "prefill.lettura": {"-1"},
		"prefill.servizi": {"gas"}})
	if got := e.draftData(step); len(got) != 0 {
		t.Fatalf("draft data = %v, want none", got)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "prefill value dropped") || !strings.Contains(logs, "field=lettura") {
		t.Errorf("drops not logged:\n%s", logs)
	}
	for _, value := range []string{"industriale", "gas", "4,5"} {
		if strings.Contains(logs, value) {
			t.Errorf("the log carries the value %q", value)
		}
	}
}

func TestPrefillCaps(t *testing.T) {
	e := newPrefillEnv(t)
	q := url.Values{"fornitura": {"domestica"}, "lettura": {"0000" + strings.Repeat("0", 500) + "7"}}
	for i := 0; i < 25; i++ {
		q.Add("servizi", "acqua")
	}
	r := e.get("/servizi/autolettura/privacy?"+q.Encode()).
		expect(t, http.StatusOK, `name="prefill.fornitura" value="domestica"`)
	if strings.Contains(r.Body, "prefill.lettura") || strings.Contains(r.Body, "prefill.servizi") {
		t.Error("an oversized value or too many values were kept")
	}
}

func TestPrefillConsentMissingKeepsValues(t *testing.T) {
	e := newPrefillEnv(t)
	e.postForm("/servizi/autolettura/privacy", url.Values{"prefill.lettura": {"42"}, "prefill.nome": {"Mario"}}).
		expect(t, http.StatusUnprocessableEntity, `id="consenso-error"`,
			`<input type="hidden" name="prefill.lettura" value="42">`)
}

func TestPrefillEnglish(t *testing.T) {
	e := newPrefillEnv(t)
	e.get("/servizi/autolettura?fornitura=domestica&lang=en").
		expect(t, http.StatusOK, `href="/servizi/autolettura/privacy?fornitura=domestica&amp;lang=en"`)
	e.get("/servizi/autolettura/privacy?fornitura=domestica&lang=en").
		expect(t, http.StatusOK, `action="/servizi/autolettura/privacy?lang=en"`,
			`name="prefill.fornitura" value="domestica"`)
	step := e.consent("?lang=en", url.Values{"prefill.fornitura": {"domestica"}})
	e.get(step).expect(t, http.StatusOK, `lang="en"`, `value="domestica" checked`)
}

func TestPrefillEmbedded(t *testing.T) {
	e := newPrefillEnv(t)
	e.get("/embed/autolettura?fornitura=antincendio&lettura=7&codice_utente=X1").
		expect(t, http.StatusOK, `action="/servizi/autolettura/privacy?embed=1"`,
			`<input type="hidden" name="prefill.fornitura" value="antincendio">`,
			`<input type="hidden" name="prefill.lettura" value="7">`)
	step := e.consent("?embed=1", url.Values{"prefill.fornitura": {"antincendio"}, "prefill.lettura": {"7"},
		"prefill.codice_utente": {"X1"}})
	if got := e.draftData(step); !reflect.DeepEqual(got, map[string]any{"fornitura": "antincendio", "lettura": 7.0}) {
		t.Fatalf("draft data = %v", got)
	}
	e.get(step).expect(t, http.StatusOK, `value="antincendio" checked`, `name="/lettura" value="7"`)
}
