package formedit

import "testing"

// TestUpdateFieldPrefill checks that the editor writes "prefill" only where
// the definition check accepts it, so a save never fails on it.
func TestUpdateFieldPrefill(t *testing.T) {
	d := New("acqua", "Acqua")
	add := func(typ FieldType, label string) string {
		t.Helper()
		path, err := d.AddField(0, typ, label)
		if err != nil {
			t.Fatal(err)
		}
		return path
	}
	yesNo, consent, addr := add(TypeYesNo, "Privato"), add(TypeConsent, "Accetto"), add(TypeAddress, "Indirizzo")
	tests := []struct {
		path string
		typ  FieldType
		want bool
	}{
		{yesNo, TypeYesNo, true},
		{consent, TypeConsent, false},
		{addr, TypeAddress, false},
		{addr + "/via", TypeShortText, false},
	}
	for _, tc := range tests {
		fv, err := d.Field(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if fv.CanPrefill != tc.want {
			t.Errorf("%s: CanPrefill = %v, want %v", tc.path, fv.CanPrefill, tc.want)
		}
		fv.Prefill = true
		if err := d.UpdateField(tc.path, fv); err != nil {
			t.Fatal(err)
		}
		if got, _ := d.Field(tc.path); got.Prefill != tc.want {
			t.Errorf("%s: Prefill after update = %v, want %v", tc.path, got.Prefill, tc.want)
		}
	}
	f := mustCheck(t, d)
	if list := f.PrefillFields(); len(list) != 1 || list[0].Name != yesNo {
		t.Errorf("PrefillFields = %v", list)
	}
	// Turning the yes/no into a consent drops the option with the type.
	fv, _ := d.Field(yesNo)
	fv.Type = TypeConsent
	if err := d.UpdateField(yesNo, fv); err != nil {
		t.Fatal(err)
	}
	if got, _ := d.Field(yesNo); got.Prefill {
		t.Error("a consent kept prefill")
	}
	mustCheck(t, d)
}
