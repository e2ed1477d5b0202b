package schemas

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// TestReadmeExampleIsTheDemoForm: the README shows the demo service
// "Segnalazione di disservizio" "in full"; it must be that file, and valid.
func TestReadmeExampleIsTheDemoForm(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skip("README not found:", err)
	}
	const intro = "(`demo/segnalazione-disservizio.json`) in full:\n\n```json\n"
	i := bytes.Index(readme, []byte(intro))
	if i < 0 {
		t.Fatal("README: the example of the definition format is missing")
	}
	example := readme[i+len(intro):]
	example = example[:bytes.Index(example, []byte("```"))]
	demo, err := os.ReadFile("../demo/segnalazione-disservizio.json")
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(example, &a); err != nil {
		t.Fatalf("README example: %v", err)
	}
	if err := json.Unmarshal(demo, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("the README example differs from demo/segnalazione-disservizio.json")
	}
	mustLoad(t, example)
}
