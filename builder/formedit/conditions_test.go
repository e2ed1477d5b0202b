package formedit

import (
	"strings"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

func TestConditions(t *testing.T) {
	tests := []struct {
		name    string
		c       Condition
		trigger string // expected ShowWhen values, "" for nil ShowWhen
		show    map[string]any
		hide    map[string]any
	}{
		{"eq", Condition{"tipo", OpEq, []string{"opzione_2"}}, "opzione_2",
			map[string]any{"tipo": "opzione_2"}, map[string]any{"tipo": "opzione_1"}},
		{"in", Condition{"tipo", OpIn, []string{"opzione_1", "opzione_2"}}, "opzione_1,opzione_2",
			map[string]any{"tipo": "opzione_1"}, map[string]any{}},
		{"true", Condition{"residente", OpTrue, nil}, "true",
			map[string]any{"residente": true}, map[string]any{"residente": false}},
		{"gt", Condition{"importo", OpGt, []string{"100"}}, "",
			map[string]any{"importo": 150.0}, map[string]any{"importo": 50.0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := base(t)
			if _, err := d.AddField(0, TypeYesNo, "Residente"); err != nil {
				t.Fatal(err)
			}
			_ = d.UpdateField("email", FieldView{Label: "Email", Required: true})
			c := tt.c
			if err := d.SetCondition("email", &c); err != nil {
				t.Fatal(err)
			}
			form := mustCheck(t, d)
			f := form.FieldAt("/email")
			if !f.Conditional {
				t.Fatal("not conditional")
			}
			var vals []string
			for _, tr := range f.ShowWhen {
				vals = append(vals, tr.Values...)
			}
			if got := strings.Join(vals, ","); got != tt.trigger || tt.trigger != "" && f.ShowWhen[0].Pointer != "/"+tt.c.Field {
				t.Fatalf("ShowWhen = %+v, want values %q", f.ShowWhen, tt.trigger)
			}
			fv, _ := d.Field("email")
			if fv.Condition == nil || !sameCondition(fv.Condition, &tt.c) || !fv.Required || fv.Advanced {
				t.Fatalf("view = %+v", fv)
			}
			// Shown: the email is required; hidden: it is not.
			if errs := form.Validate(tt.show, "it"); !hasError(errs, "/email") {
				t.Fatalf("shown: want an error on /email, got %+v", errs)
			}
			if errs := form.Validate(tt.hide, "it"); hasError(errs, "/email") {
				t.Fatalf("hidden: want no error on /email, got %+v", errs)
			}
			if err := d.SetCondition("email", nil); err != nil {
				t.Fatal(err)
			}
			form = mustCheck(t, d)
			if form.FieldAt("/email").Conditional || d.schema().has("allOf") || !form.FieldAt("/email").Required {
				t.Fatalf("condition not cleared:\n%s", d.JSON())
			}
		})
	}
}

// hasError reports whether errs has one at ptr.
func hasError(errs []schemas.FieldError, ptr string) bool {
	for _, e := range errs {
		if e.Pointer == ptr {
			return true
		}
	}
	return false
}

func TestConditionErrors(t *testing.T) {
	d := base(t)
	for _, c := range []Condition{
		{"tipo", OpGt, []string{"3"}},        // gt on a choice
		{"importo", OpGt, []string{"tanti"}}, // not a number
		{"tipo", OpEq, nil},                  // no value
		{"nessuno", OpEq, []string{"x"}},     // missing field
		{"email", OpEq, []string{"a@b.it"}},  // itself
		{"figli", OpEq, []string{"x"}},       // a group
		{"figli/nome", OpEq, []string{"x"}},  // nested
		{"tipo", "contiene", []string{"x"}},  // unknown op
	} {
		c := c
		err := d.SetCondition("email", &c)
		if modulario.ErrorCode(err) != modulario.EINVALID {
			t.Errorf("%+v: err = %v", c, err)
		}
	}
	mustCheck(t, d)
	wantCode(t, d.SetCondition("manca", nil), modulario.ENOTFOUND)
}

func TestSharedConditionAndStepCondition(t *testing.T) {
	d := base(t)
	_, _ = d.AddField(1, TypePhone, "Telefono")
	c := &Condition{"tipo", OpEq, []string{"opzione_1"}}
	if err := d.SetStepCondition(1, c); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, d)
	if n := len(d.schema().arr("allOf")); n != 1 {
		t.Fatalf("allOf has %d entries, want 1 shared", n)
	}
	v := d.View()
	if v.Steps[1].Condition == nil || v.Steps[0].Condition != nil {
		t.Fatalf("step conditions = %+v / %+v", v.Steps[1].Condition, v.Steps[0].Condition)
	}
	wantCode(t, d.DeleteField("tipo"), modulario.ECONFLICT)
	wantCode(t, d.SetStepCondition(0, c), modulario.EINVALID)
	if err := d.SetStepCondition(1, nil); err != nil {
		t.Fatal(err)
	}
	if d.schema().has("allOf") {
		t.Fatal("allOf kept")
	}
	if err := d.DeleteField("tipo"); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, d)
}
