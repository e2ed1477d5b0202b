package schemas

import (
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

func TestAcceptMustBeSniffable(t *testing.T) {
	doc := []byte(`{"slug":"prova","title":"Prova","privacy":"Informativa.",
		"schema":{"type":"object","properties":{
			"doc":{"type":"string"},
			"firma":{"type":"string","contentMediaType":"application/pkcs7-mime"},
			"foto":{"type":"string"}}},
		"ui":{"fields":{"doc":{"widget":"file","accept":["application/pdf","text/csv"]},
			"foto":{"widget":"file","accept":["image/*","image/webp"]}}}}`)
	_, err := Load(doc)
	if modulario.ErrorCode(err) != modulario.EINVALID {
		t.Fatalf("Load = %v, want EINVALID", err)
	}
	fields := modulario.ErrorFields(err)
	if m := fields["/ui/fields/doc/accept/1"]; !strings.Contains(m, "text/csv") || !strings.Contains(m, "application/pdf") {
		t.Errorf("csv error = %q, want the refused type and the supported list", m)
	}
	if m := fields["/schema/properties/firma/contentMediaType"]; !strings.Contains(m, "pkcs7") {
		t.Errorf("contentMediaType error = %q (all: %v)", m, fields)
	}
	if len(fields) != 2 {
		t.Errorf("errors = %v, want exactly the csv and p7m ones", fields)
	}
}

func TestSniffable(t *testing.T) {
	for typ, want := range map[string]bool{
		"image/jpeg": true, "IMAGE/PNG": true, "image/*": true, "application/pdf": true,
		"application/vnd.oasis.opendocument.text": true,
		"application/msword":                      false, "text/csv": false, "image/heic": false, "application/*": false,
	} {
		if got := Sniffable(typ); got != want {
			t.Errorf("Sniffable(%q) = %v, want %v", typ, got, want)
		}
	}
}

func TestSortErrorsFieldOrder(t *testing.T) {
	f := mustLoad(t, minimalDoc(`{"type":"object","properties":{
		"b":{"type":"string"},"a":{"type":"object","properties":{"y":{"type":"string"},"x":{"type":"string"}}}}}`))
	errs := []FieldError{{Pointer: "/zz"}, {Pointer: "/a/x"}, {Pointer: "/zy"}, {Pointer: "/a/y"}, {Pointer: "/b"}, {Pointer: ""}}
	f.sortErrors(errs)
	var got []string
	for _, e := range errs {
		got = append(got, e.Pointer)
	}
	if want := ",/b,/a/y,/a/x,/zy,/zz"; strings.Join(got, ",") != want {
		t.Errorf("order = %q, want %q", strings.Join(got, ","), want)
	}
}

func TestExportedPointerHelpers(t *testing.T) {
	if got := EscapeToken("a/b~c"); got != "a~1b~0c" {
		t.Errorf("EscapeToken = %q", got)
	}
	data := map[string]any{"figli": []any{"a", "b", "c"}, "foto": "id"}
	if !DeletePointer(data, "/figli/1") || !DeletePointer(data, "/foto") || DeletePointer(data, "/nessuno") {
		t.Fatal("DeletePointer reported the wrong result")
	}
	if figli := data["figli"].([]any); len(figli) != 2 || figli[1] != "c" {
		t.Errorf("array element not shifted out: %v", figli)
	}
	if _, ok := data["foto"]; ok {
		t.Error("member not deleted")
	}
}
