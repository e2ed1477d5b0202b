package notify

import (
	"context"
	"testing"

	"github.com/modulario/modulario"
)

// BenchmarkEvaluate measures rule evaluation for one new submission with two
// notify rules and a routing condition (compiled form cached).
func BenchmarkEvaluate(b *testing.B) {
	st := openStore(b, b.TempDir()+"/bench.db")
	defer st.db.Close()
	def := sprintf(testForm, `"rules":[{"name":"luce","on":"submission.received","when":{"properties":{"tipo":{"const":"luce"}},"required":["tipo"]},"then":[{"route":"illuminazione"}]},
	  {"name":"ricevuta","on":"submission.received","then":[{"notify":"email","to":"citizen"},{"notify":"email","to":"office","template":"nuova-richiesta"}]}]`)
	ctx := context.Background()
	if _, _, err := st.forms.SaveDraft(ctx, modulario.Form{Slug: "segnalazione", Title: "Segnalazione guasti", Office: "urp"}, []byte(def)); err != nil {
		b.Fatal(err)
	}
	if _, err := st.forms.PublishDraft(ctx, "segnalazione"); err != nil {
		b.Fatal(err)
	}
	e := NewEngine(st.forms)
	s := submission(`{"tipo":"luce","email":"anna@example.it","descrizione":"Il lampione è spento"}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Evaluate(ctx, modulario.EventReceived, s); err != nil {
			b.Fatal(err)
		}
	}
}
