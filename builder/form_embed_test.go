package builder_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder"
)

func TestFormEmbedPanel(t *testing.T) {
	_, c := editorEnv(t)
	slug := createForm(t, c, `Acqua & "gas" <b>subito</b>`)
	res, body := c.get("/admin/moduli/" + slug)
	wantStatus(t, "editor", res, body, http.StatusOK)
	// The snippet is HTML escaped once (it is pasted as HTML) and shown
	// escaped again inside the textarea.
	snippet := `<a href="http://example.test/servizi/` + slug + `" data-modulario-fallback="` + slug + `">` +
		`Compila il modulo «Acqua &amp; &#34;gas&#34; &lt;b&gt;subito&lt;/b&gt;»</a>` + "\n" +
		`<script src="http://example.test/embed.js" data-modulo="` + slug + `" async></script>`
	wantContains(t, "panel", body, "Incorpora nel sito del Comune", `readonly`,
		">"+html.EscapeString(snippet)+"</textarea>",
		`href="http://example.test/servizi/`+slug+`"`,
		"l&#39;amministratore deve indicare i siti del Comune in MODULARIO_EMBED_ORIGINS",
		"non è ancora pubblicato",
		`aria-describedby="incorpora-parametri">`, `id="incorpora-parametri"`,
		"per esempio data-parametri=&#34;campo=valore&#34;.")
	if strings.Contains(body, "<b>subito</b>") || strings.Contains(body, `"gas"`) {
		t.Error("the title reaches the page unescaped")
	}

	// With origins configured the note about the administrator goes.
	e2 := newEnv(t, func(c *builder.Config) { c.EmbedOrigins = []string{"https://www.comune.example"} })
	e2.addUser(modulario.RoleEditor, "redattore@comune.example")
	c2 := e2.login("redattore@comune.example")
	slug = createForm(t, c2, "Segnalazione")
	_, body = c2.get("/admin/moduli/" + slug)
	wantContains(t, "panel with origins", body, "Siti abilitati", "https://www.comune.example", "data-modulo=&#34;segnalazione&#34;")
	if strings.Contains(body, "MODULARIO_EMBED_ORIGINS") {
		t.Error("note about missing origins shown although origins are configured")
	}

	// The example uses this form's first prefill field and, for a choice,
	// its first option's value.
	tipo, dettagli := choiceForm(t, c2, slug)
	res, body = c2.post("/admin/moduli/"+slug+"/campi/"+dettagli, url.Values{"label": {"Dettagli"}, "prefill": {"1"}})
	wantStatus(t, "prefill text", res, body, http.StatusSeeOther)
	_, body = c2.get("/admin/moduli/" + slug)
	wantContains(t, "text prefill", body, "data-parametri=&#34;"+dettagli+"=valore&#34;.")
	res, body = c2.post("/admin/moduli/"+slug+"/campi/"+tipo, url.Values{"label": {"Tipo"}, "prefill": {"1"},
		"opt_rows": {"2"}, "opt_label_0": {"Perdita"}, "opt_label_1": {"Altro"}})
	wantStatus(t, "prefill choice", res, body, http.StatusSeeOther)
	_, body = c2.get("/admin/moduli/" + slug)
	wantContains(t, "choice prefill", body, "data-parametri=&#34;"+tipo+"=perdita&#34;.")
}
