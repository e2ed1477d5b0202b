package formedit

import (
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/demo"
)

func TestRules(t *testing.T) {
	d := base(t)
	r := RuleView{Name: "Importi alti all'ufficio ragioneria", On: EventReceived,
		When:  []Condition{{"importo", OpGt, []string{"1000"}}, {"tipo", OpEq, []string{"opzione_1"}}},
		Route: "ragioneria", EmailTo: []string{"office", "citizen", "capo@comune.esempio.it"},
		Webhook: "protocollo", Tag: "importo alto", Priority: "alta", Stop: true}
	i, err := d.AddRule(r)
	if err != nil {
		t.Fatal(err)
	}
	form := mustCheck(t, d)
	rule := form.Rules()[i]
	if rule.When == nil || !rule.When.Match(map[string]any{"importo": 2000.0, "tipo": "opzione_1"}) ||
		rule.When.Match(map[string]any{"importo": 10.0, "tipo": "opzione_1"}) || !rule.Stop || len(rule.Then) != 7 {
		t.Fatalf("compiled rule = %+v", rule)
	}
	got := d.View().Rules[i]
	r.Index = i
	if got.Advanced || describeRule(got) != describeRule(r) || len(got.When) != 2 {
		t.Fatalf("view = %+v", got)
	}
	if _, err := d.AddRule(RuleView{Name: "Avviso", On: EventStatusChanged, EmailTo: []string{"citizen"}}); err != nil {
		t.Fatal(err)
	}
	if err := d.MoveRule(1, -1); err != nil || d.View().Rules[0].Name != "Avviso" {
		t.Fatalf("move: %v", err)
	}
	if !strings.Contains(string(d.JSON()), `"template": "aggiornamento-stato"`) {
		t.Fatal("status change email has the wrong template")
	}
	wantCode(t, d.DeleteField("importo"), modulario.ECONFLICT)
	r.Route = ""
	if err := d.UpdateRule(1, r); err != nil || d.View().Rules[1].Route != "" {
		t.Fatalf("update: %v", err)
	}
	mustCheck(t, d)
	for _, bad := range []RuleView{
		{Name: "", On: EventReceived, Route: "urp"},
		{Name: "x", On: "submission.deleted", Route: "urp"},
		{Name: "x", On: EventReceived},
		{Name: "x", On: EventReceived, EmailTo: []string{"non-un-indirizzo"}},
		{Name: "x", On: EventReceived, Route: "Ufficio Tecnico"},
		{Name: "x", On: EventReceived, Priority: "altissima"},
	} {
		_, err := d.AddRule(bad)
		wantCode(t, err, modulario.EINVALID)
	}
	if err := d.DeleteRule(0); err != nil || len(d.View().Rules) != 1 {
		t.Fatalf("delete: %v", err)
	}
	wantCode(t, d.DeleteRule(7), modulario.ENOTFOUND)
	mustCheck(t, d)
}

func TestAdvancedRuleKept(t *testing.T) {
	raw := demo.Forms()
	for _, r := range raw {
		d, _ := Parse(r)
		rules := d.root.arr("rules")
		if len(rules) == 0 {
			continue
		}
		first := rules[0].(*object)
		first.set("then", append(first.arr("then"), objectOf("assign", "mario.rossi")))
		before := string(encodeOrdered(first))
		if !d.View().Rules[0].Advanced {
			t.Fatal("rule with assign not advanced")
		}
		wantCode(t, d.UpdateRule(0, RuleView{Name: "x", On: EventReceived, Route: "urp"}), modulario.ECONFLICT)
		if _, err := d.AddRule(RuleView{Name: "Nuova", On: EventReceived, Tag: "web"}); err != nil {
			t.Fatal(err)
		}
		_ = d.MoveRule(len(d.root.arr("rules"))-1, -100)
		if got := string(encodeOrdered(d.root.arr("rules")[1])); got != before {
			t.Fatalf("advanced rule changed:\n%s", got)
		}
		mustCheck(t, d)
		return
	}
}

func TestDiff(t *testing.T) {
	d := base(t)
	old := d.JSON()
	_ = d.UpdateField("email", FieldView{Label: "Indirizzo email", Required: true})
	_ = d.UpdateField("tipo", FieldView{Label: "Tipo", Options: []Option{{"opzione_1", "Opzione 1"}, {"altro", "Altro"}}})
	_ = d.SetCondition("descrizione", &Condition{"tipo", OpEq, []string{"altro"}})
	_ = d.DeleteField("importo")
	_, _ = d.AddField(1, TypeFiscalCode, "Codice fiscale")
	_ = d.UpdateStep(1, "Chi sei", "")
	_, _ = d.AddRule(RuleView{Name: "All'URP", On: EventReceived, Route: "urp"})
	s, _ := d.locate("descrizione")
	s.prop.set("pattern", "^.+$")
	d.root.set("templates", objectOf("nuova-richiesta", objectOf("subject", "Nuova {{numero}}", "body", "Vedi {{link}}")))
	mustCheck(t, d)
	var lines []string
	for _, c := range Diff(old, d.JSON()) {
		lines = append(lines, c.Kind+" "+c.What+" ["+c.From+" → "+c.To+"]")
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		"changed Campo «Indirizzo email» (passo 2): etichetta [Email → Indirizzo email]",
		"changed Campo «Indirizzo email» (passo 2): obbligatorio [no → sì]",
		"changed Campo «Tipo» (passo 1): opzioni [Opzione 1, Opzione 2 → Opzione 1, Altro]",
		"added Campo «Descrizione» (passo 1): condizione [ → se tipo è uguale a altro]",
		"removed Campo «Importo» (passo 1) [Numero → ]",
		"added Campo «Codice fiscale» (passo 2) [ → Codice fiscale]",
		"changed Passo 2: titolo [Contatti → Chi sei]",
		"added regola «All'URP» [ → Quando arriva una richiesta: assegna all'ufficio urp]",
		"added /templates [",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diff lacks %q:\n%s", want, got)
		}
	}
	if Diff(old, old) != nil {
		t.Error("diff of identical versions")
	}
	if c := Diff([]byte("{"), old); len(c) != 1 {
		t.Errorf("diff of broken JSON = %+v", c)
	}
}
