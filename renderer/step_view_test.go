package renderer

import (
	"reflect"
	"testing"
)

// inPageOrder sorts the error summary as the controls appear on the page:
// a group's error goes to its first control, an item's error to the list
// holding it, errors of no field first, the picker (not a control) last.
func TestInPageOrder(t *testing.T) {
	fields := []*fieldView{
		{Name: "/nome"},
		{Name: "/indirizzo", Children: []*fieldView{{Name: "/indirizzo/via"}, {Name: "/indirizzo/cap"}}},
		{Name: "/giorni"},
		{Name: "/figli", Items: []*itemView{{Children: []*fieldView{{Name: "/figli/0/nome"}}}}},
		{Name: "/email"},
	}
	errs := []errorLink{
		{pointer: "/appuntamento"}, {pointer: "/email"}, {pointer: "/figli/0/nome"}, {pointer: "/giorni/1"},
		{pointer: "/indirizzo/cap"}, {pointer: ""}, {pointer: "/indirizzo/via"}, {pointer: "/nome"},
	}
	inPageOrder(errs, fields)
	var got []string
	for _, e := range errs {
		got = append(got, e.pointer)
	}
	want := []string{"", "/nome", "/indirizzo/via", "/indirizzo/cap", "/giorni/1", "/figli/0/nome", "/email", "/appuntamento"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("order = %q\nwant    %q", got, want)
	}
}
