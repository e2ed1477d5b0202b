package markdown

import (
	"html/template"
	"strings"
	"testing"
)

func TestToHTMLWithShortcodes(t *testing.T) {
	expand := func(slug string) (template.HTML, bool) {
		if slug == "missing" {
			return "", false
		}
		return template.HTML(`<div class="card">` + template.HTMLEscapeString(slug) + `</div>`), true
	}
	src := "# Anagrafe\n\nTesto *prima*.\n{{< modulo \"carta-identita\" >}}\nDopo <script>alert(1)</script>\n\n{{<modulo missing>}}\n"
	got := string(ToHTMLWithShortcodes(src, expand))
	for _, want := range []string{"<h1>Anagrafe</h1>", "<em>prima</em>", `<div class="card">carta-identita</div>`} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<script>") || strings.Contains(got, "mdsc") || strings.Contains(got, "modulo") {
		t.Errorf("unsafe or leftover text:\n%s", got)
	}
	if strings.Contains(got, `<p><div`) {
		t.Errorf("card wrapped in a paragraph:\n%s", got)
	}
	if plain := ToHTMLWithShortcodes("solo *testo*", expand); plain != ToHTML("solo *testo*") {
		t.Errorf("without short codes = %q", plain)
	}
}

func TestShortcodeSlugs(t *testing.T) {
	got := ShortcodeSlugs(`a {{< modulo "x-1" >}} b {{<modulo y>}} {{< altro "z" >}}`)
	if strings.Join(got, ",") != "x-1,y" {
		t.Fatalf("slugs = %v", got)
	}
	if Shortcode("abc") != `{{< modulo "abc" >}}` || len(ShortcodeSlugs(Shortcode("abc"))) != 1 {
		t.Fatal("Shortcode does not round-trip")
	}
}

func TestFormCardExpander(t *testing.T) {
	find := func(slug string) (FormCard, bool) {
		if slug == "tari" {
			return FormCard{Slug: "tari", Title: "TARI <b>", Summary: "Tassa rifiuti"}, true
		}
		return FormCard{}, false
	}
	got := string(ToHTMLWithShortcodes("{{< modulo \"tari\" >}}\n\n{{< modulo \"boh\" >}}", FormCardExpander("it", "", find)))
	for _, want := range []string{`href="/servizi/tari"`, "Compila il modulo", "TARI &lt;b&gt;", "Tassa rifiuti",
		"Servizio non disponibile", "«boh»"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	en := string(ToHTMLWithShortcodes(`{{< modulo "tari" >}}`, FormCardExpander("en", "?lang=en", find)))
	if !strings.Contains(en, "Fill in the form") || !strings.Contains(en, `href="/servizi/tari?lang=en"`) {
		t.Errorf("english card:\n%s", en)
	}
}
