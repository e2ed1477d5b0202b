package builder_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/modulario/modulario/builder/formedit"
)

var baseRe = regexp.MustCompile(`name="base" value="([0-9a-f]{64})"`)

// pageBase returns the version hash a page of the editor carries.
func pageBase(t *testing.T, c *client, path string) string {
	t.Helper()
	res, body := c.get(path)
	wantStatus(t, path, res, body, http.StatusOK)
	m := baseRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s: no base hash in the page", path)
	}
	return html.UnescapeString(m[1])
}

// TestStalePageIsRefused: a page drawn before someone else's save cannot
// overwrite that save; a page drawn after it can.
func TestStalePageIsRefused(t *testing.T) {
	e, c := editorEnv(t)
	slug := createForm(t, c, "Modulo conteso")
	jsonPath := "/admin/moduli/" + slug + "/json"
	stale := pageBase(t, c, jsonPath)
	oldText := string(draftDoc(t, e, slug).JSON())
	settingsBase := pageBase(t, c, "/admin/moduli/"+slug+"/impostazioni")
	if settingsBase != stale {
		t.Fatalf("settings page base %s, JSON page base %s", settingsBase, stale)
	}

	other := e.login("redattore@comune.example")
	path := addField(t, other, slug, 0, formedit.TypeShortText, "Aggiunto da un collega")

	res, body := c.post(jsonPath, url.Values{"definition": {oldText}, "base": {stale}})
	wantStatus(t, "stale JSON save", res, body, http.StatusConflict)
	wantContains(t, "stale JSON save", body, "modificato da un&#39;altra persona: ricarica la pagina")
	res, body = c.post("/admin/moduli/"+slug+"/impostazioni", url.Values{"title": {"Nuovo titolo"}, "base": {stale}})
	wantStatus(t, "stale settings save", res, body, http.StatusConflict)
	if _, _, ok := fieldByPath(draftDoc(t, e, slug), path); !ok {
		t.Fatal("the colleague's field was lost")
	}

	fresh := pageBase(t, c, jsonPath)
	if fresh == stale {
		t.Fatal("the base hash did not change with the draft")
	}
	res, body = c.post(jsonPath, url.Values{"definition": {oldText}, "base": {fresh}})
	wantStatus(t, "fresh JSON save", res, body, http.StatusSeeOther)
	if _, _, ok := fieldByPath(draftDoc(t, e, slug), path); ok {
		t.Fatal("a save from a fresh page was refused")
	}
}

// TestParallelAddsLoseNothing: small changes racing each other are each
// either saved or refused with 409, never silently overwritten.
func TestParallelAddsLoseNothing(t *testing.T) {
	e, c := editorEnv(t)
	slug := createForm(t, c, "Modulo affollato")
	const n = 8
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, _ := c.post("/admin/moduli/"+slug+"/campi", url.Values{"step": {"0"},
				"type": {string(formedit.TypeShortText)}, "label": {"Campo " + strconv.Itoa(i)}})
			statuses[i] = res.StatusCode
		}()
	}
	wg.Wait()
	saved := 0
	for i, st := range statuses {
		switch st {
		case http.StatusSeeOther:
			saved++
		case http.StatusConflict:
		default:
			t.Errorf("add %d: status %d", i, st)
		}
	}
	got := len(draftDoc(t, e, slug).View().Steps[0].Fields)
	if got != saved || saved == 0 {
		t.Fatalf("%d adds answered 303 but the draft has %d fields", saved, got)
	}
}
