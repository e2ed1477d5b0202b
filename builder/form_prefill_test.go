package builder_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/modulario/modulario/builder/formedit"
)

func TestFormFieldPrefillOption(t *testing.T) {
	e, c := editorEnv(t)
	slug := createForm(t, c, "Segnalazione perdite")
	tipo, _ := choiceForm(t, c, slug)
	page := "/admin/moduli/" + slug + "/campi/" + tipo
	res, body := c.get(page)
	wantStatus(t, "choice page", res, body, http.StatusOK)
	wantContains(t, "choice page", body, `id="prefill" name="prefill" value="1" aria-describedby="prefill-help"`,
		"Precompilabile da link", "per esempio …?"+tipo+"=valore.",
		"Per i campi a scelta il link porta il valore dell&#39;opzione, non il suo testo.", "Non usarlo per dati personali: i link finiscono nella cronologia del browser.")

	choice := url.Values{"label": {"Tipo"}, "opt_rows": {"2"}, "opt_label_0": {"Perdita"}, "opt_label_1": {"Altro"}}
	on := url.Values{"prefill": {"1"}}
	for k, v := range choice {
		on[k] = v
	}
	res, body = c.post(page, on)
	wantStatus(t, "prefill on", res, body, http.StatusSeeOther)
	doc := draftDoc(t, e, slug)
	if f, _, _ := fieldByPath(doc, tipo); !f.Prefill || !f.CanPrefill {
		t.Fatalf("after checking the box: %+v", f)
	}
	if !strings.Contains(string(doc.JSON()), `"prefill": true`) {
		t.Errorf("definition lacks the option:\n%s", doc.JSON())
	}
	_, body = c.get(page)
	wantContains(t, "choice page again", body, `id="prefill" name="prefill" value="1" checked`)

	res, body = c.post(page, choice)
	wantStatus(t, "prefill off", res, body, http.StatusSeeOther)
	if f, _, _ := fieldByPath(draftDoc(t, e, slug), tipo); f.Prefill {
		t.Errorf("the box was unchecked but the option stayed: %+v", f)
	}

	// A photo cannot be prefilled: no box, and a forged post changes nothing.
	foto := addField(t, c, slug, 0, formedit.TypePhoto, "Foto")
	res, body = c.get("/admin/moduli/" + slug + "/campi/" + foto)
	wantStatus(t, "photo page", res, body, http.StatusOK)
	if strings.Contains(body, `id="prefill"`) {
		t.Error("the photo page offers prefill")
	}
	res, body = c.post("/admin/moduli/"+slug+"/campi/"+foto, url.Values{"label": {"Foto"}, "prefill": {"1"}})
	wantStatus(t, "photo post", res, body, http.StatusSeeOther)
	if strings.Contains(string(draftDoc(t, e, slug).JSON()), `"prefill"`) {
		t.Error("a forged post set prefill on a photo")
	}
}
