package schemas

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// hostileSchemaTimeout bounds one hostile definition: loading must fail or
// succeed quickly, never hang.
const hostileSchemaTimeout = 10 * time.Second

// TestHostileDefinitions loads hostile form documents: each is refused
// with EINVALID (or, where marked, may load), within a time bound and
// without a panic.
func TestHostileDefinitions(t *testing.T) {
	props := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"f%d":{"type":"string","title":"Campo %d"}`, i, i)
		}
		return `{"type":"object","properties":{` + b.String() + `}}`
	}
	nested := strings.Repeat(`{"type":"object","properties":{"a":`, 80) + `{"type":"string"}` + strings.Repeat(`}}`, 80)
	bigEnum := `{"type":"object","properties":{"x":{"type":"string","enum":["` + strings.Repeat(`v","`, 100000) + `v"]}}}`
	tests := []struct {
		name, schema string
		mayLoad      bool
	}{
		{"self $ref loop", `{"type":"object","$defs":{"a":{"$ref":"#/$defs/a"}},"properties":{"x":{"$ref":"#/$defs/a"}}}`, true},
		{"mutual $ref loop", `{"type":"object","$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"properties":{"x":{"$ref":"#/$defs/a"}}}`, true},
		{"recursive root $ref", `{"type":"object","properties":{"figlio":{"$ref":"#"}}}`, true},
		{"recursive $defs tree", `{"type":"object","$defs":{"n":{"type":"object","properties":{"n":{"$ref":"#/$defs/n"}}}},"properties":{"x":{"$ref":"#/$defs/n"}}}`, true},
		{"$anchor loop", `{"type":"object","$defs":{"a":{"$anchor":"giro","$ref":"#giro"}},"properties":{"x":{"$ref":"#giro"}}}`, true},
		{"external http $ref", `{"type":"object","properties":{"x":{"$ref":"https://evil.example/schema.json"}}}`, false},
		{"file $ref", `{"type":"object","properties":{"x":{"$ref":"file:///etc/passwd"}}}`, false},
		{"unknown format", `{"type":"object","properties":{"x":{"type":"string","format":"../../etc"}}}`, true},
		{"80 levels of nesting", nested, false},
		{"3000 properties", props(3000), true},
		{"enum of 100000 values", bigEnum, true},
		{"catastrophic-looking pattern", `{"type":"object","properties":{"x":{"type":"string","pattern":"^(a+)+$"}}}`, true},
		{"invalid pattern", `{"type":"object","properties":{"x":{"type":"string","pattern":"(?<=a)b"}}}`, false},
		{"schema not an object", `"ciao"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A $ref loop may load: validation then reports the answer
			// invalid (never a panic), which loopValidates checks.
			code := loadBounded(t, minimalDoc(tt.schema))
			if code == "" {
				loopValidates(t, minimalDoc(tt.schema))
			}
			if code != modulario.EINVALID && !(tt.mayLoad && code == "") {
				t.Errorf("error code %q, want %s", code, modulario.EINVALID)
			}
		})
	}
	t.Run("document over MaxDocumentSize", func(t *testing.T) {
		doc := minimalDoc(`{"type":"object","description":"` + strings.Repeat("a", MaxDocumentSize) + `"}`)
		if code := loadBounded(t, doc); code != modulario.EINVALID {
			t.Errorf("error code %q, want %s", code, modulario.EINVALID)
		}
	})
	t.Run("invalid UTF-8 document", func(t *testing.T) {
		if code := loadBounded(t, minimalDoc("{\"type\":\"object\",\"title\":\"\xff\xfe\"}")); code != modulario.EINVALID {
			t.Errorf("error code %q, want %s", code, modulario.EINVALID)
		}
	})
}

// loadBounded loads doc in a goroutine and returns the error code ("" when
// it loads), failing on a panic or when it takes longer than the bound.
func loadBounded(t *testing.T, doc []byte) string {
	t.Helper()
	done := make(chan string, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Sprintf("panic: %v", r)
			}
		}()
		_, err := Load(doc)
		done <- modulario.ErrorCode(err)
	}()
	select {
	case code := <-done:
		if strings.HasPrefix(code, "panic") {
			t.Fatal(code)
		}
		return code
	case <-time.After(hostileSchemaTimeout):
		t.Fatalf("loading did not finish within %s", hostileSchemaTimeout)
		return ""
	}
}

// loopValidates validates an answer against a loaded form within the time
// bound and without a panic.
func loopValidates(t *testing.T, doc []byte) {
	t.Helper()
	f, err := Load(doc)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Validate(map[string]any{"x": "a", "figlio": map[string]any{"figlio": map[string]any{}}}, "it")
	}()
	select {
	case <-done:
	case <-time.After(hostileSchemaTimeout):
		t.Fatalf("validation did not finish within %s", hostileSchemaTimeout)
	}
}
