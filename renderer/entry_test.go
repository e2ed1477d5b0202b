package renderer_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

func TestEntryLinks(t *testing.T) {
	t.Parallel()
	e := newLifecycleEnv(t)
	now := time.Now()
	valid := modulario.SignEntry(entryKey, "pratica", modulario.ChannelPhone, "operatore-7", now.Add(time.Hour))
	step1 := e.get("/servizi/pratica/sportello/"+valid).redirectsTo(t, `^/servizi/pratica/[^/]+/passo/1$`)
	e.get(step1).expect(t, http.StatusOK,
		"Richiesta inserita dall&#39;operatore per conto del cittadino (telefono)", `name="/nome"`)
	// Step 1 without a name: the same checks as for citizens.
	e.postForm(step1, url.Values{"/nome": {""}, "_action": {"next"}}).expect(t, http.StatusUnprocessableEntity)
	sub := e.submitPratica(step1, url.Values{"/nome": {"Giulia"}, "/email": {"giulia@example.it"}})
	if sub.Channel != modulario.ChannelPhone || sub.EnteredBy != "operatore-7" || sub.DueAt == nil {
		t.Fatalf("channel %q, entered by %q, due %v", sub.Channel, sub.EnteredBy, sub.DueAt)
	}

	counter := modulario.SignEntry(entryKey, "pratica", modulario.ChannelCounter, "operatore-7", now.Add(time.Hour))
	step1 = e.get("/servizi/pratica/sportello/"+counter).redirectsTo(t, `/passo/1$`)
	e.get(step1).expect(t, http.StatusOK, "per conto del cittadino (sportello)")

	e.get("/servizi/pratica/sportello/"+valid+"x").expect(t, http.StatusForbidden, "non è valido")
	other := modulario.SignEntry([]byte("un'altra chiave"), "pratica", modulario.ChannelPhone, "operatore-7", now.Add(time.Hour))
	e.get("/servizi/pratica/sportello/"+other).expect(t, http.StatusForbidden)
	expired := modulario.SignEntry(entryKey, "pratica", modulario.ChannelPhone, "operatore-7", now.Add(-time.Minute))
	e.get("/servizi/pratica/sportello/"+expired).expect(t, http.StatusGone, "è scaduto")
	wrongSlug := modulario.SignEntry(entryKey, "segnalazione", modulario.ChannelPhone, "operatore-7", now.Add(time.Hour))
	e.get("/servizi/pratica/sportello/"+wrongSlug).expect(t, http.StatusForbidden)
	unknown := modulario.SignEntry(entryKey, "inesistente", modulario.ChannelPhone, "operatore-7", now.Add(time.Hour))
	e.get("/servizi/inesistente/sportello/"+unknown).expect(t, http.StatusNotFound)

	// A citizen's own flow carries no note.
	r := e.get(e.startPratica()).expect(t, http.StatusOK)
	if strings.Contains(r.Body, "per conto del cittadino") {
		t.Fatal("the staff note is shown to citizens")
	}
}

func TestEntryLinksDisabledWithoutKey(t *testing.T) {
	t.Parallel()
	e := newLifecycleEnv(t)
	e.env = newEnv(t)
	valid := modulario.SignEntry(entryKey, "segnalazione", modulario.ChannelPhone, "operatore-7", time.Now().Add(time.Hour))
	e.get("/servizi/segnalazione/sportello/"+valid).expect(t, http.StatusForbidden)
}
