package markdown

import (
	"reflect"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

func TestPageFileRoundTrip(t *testing.T) {
	p := &modulario.Page{Slug: "strade", Title: `Strade: "sicure"`, Description: "Guasti\ne buche",
		Category: "Territorio", MenuOrder: 3, Published: true,
		Body: "## Come fare\n\n---\n\n{{< modulo \"segnalazione\" >}}\n"}
	src := MarshalPage(p)
	if !strings.HasPrefix(string(src), "---\ntitle: \"Strade: \\\"sicure\\\"\"\n") {
		t.Fatalf("file:\n%s", src)
	}
	got, err := UnmarshalPage(src)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Fatalf("round trip:\n%+v\nwant\n%+v", got, p)
	}
	hand, err := UnmarshalPage([]byte("---\r\ntitle: Anagrafe\r\nslug: anagrafe\r\npublished: false\r\n---\r\nOrari"))
	if err != nil || hand.Title != "Anagrafe" || hand.Body != "Orari" || hand.Published {
		t.Fatalf("hand-written: %+v, %v", hand, err)
	}
}

func TestPageFileErrors(t *testing.T) {
	for _, src := range []string{"title: x", "---\ntitle: x\n", "---\ncolour: red\n---\n", "---\nmenu_order: primo\n---\n", "---\ntitle: \"x\n---\n"} {
		if _, err := UnmarshalPage([]byte(src)); modulario.ErrorCode(err) != modulario.EINVALID {
			t.Errorf("UnmarshalPage(%q) = %v, want EINVALID", src, err)
		}
	}
}
