package schemas

// Defaults: a property's "default" is the answer a citizen finds already
// given (and may change); a readOnly property always holds its fixed value,
// its "const" or else its "default", whatever was posted or sent.

// fixedValue returns the value of a read-only field: its const, else its
// default.
func (f *Field) fixedValue() (any, bool) {
	if f.hasConst {
		return f.constValue, true
	}
	if f.Default != nil {
		return f.Default, true
	}
	return nil, false
}

// seeder fills defaults into data.
type seeder struct {
	data map[string]any
	// create lets the seeder create groups that are absent (a new draft);
	// otherwise only groups already answered are filled (a whole API
	// document, where an optional group left out stays out).
	create bool
	// added lists the pointers that had no answer before.
	added []string
}

// SeedDefaults returns a copy of data in which every unanswered field with
// a default holds it and every read-only field holds its fixed value,
// including the fields of existing repeat items. Conditions are not
// evaluated: a new draft starts with every default, so a field the citizen
// reveals later shows its own, and Prune drops those the answers hide. A
// group is created only when one of its fields has a default (which then
// answers the group, as typing in it would). File and appointment fields
// never get one.
func (f *Form) SeedDefaults(data map[string]any) map[string]any {
	s := &seeder{data: copyData(data), create: true}
	s.fields(f.topFields(), "")
	return s.data
}

// FillDefaults is SeedDefaults for a document sent whole (the JSON API): a
// default is added only where the answers show the field and inside groups
// that were sent, so nothing the document hides or leaves out is added.
// Read-only fields get their fixed value wherever they were sent.
func (f *Form) FillDefaults(data map[string]any) map[string]any {
	s := &seeder{data: copyData(data)}
	s.fields(f.topFields(), "")
	if len(s.added) == 0 {
		return s.data
	}
	pruned := f.Prune(s.data)
	for i := len(s.added) - 1; i >= 0; i-- { // children before their groups
		if _, shown := GetPointer(pruned, s.added[i]); !shown {
			DeletePointer(s.data, s.added[i])
		}
	}
	return s.data
}

// fields seeds fields whose pointers are relative to prefix (the item of
// a repeat, "" outside repeats).
func (s *seeder) fields(fields []*Field, prefix string) {
	for _, fl := range fields {
		s.field(fl, prefix+fl.Pointer, prefix)
	}
}

func (s *seeder) field(fl *Field, ptr, prefix string) {
	switch fl.Kind {
	case KindMarkdown, KindFile, KindAppointment:
		return
	}
	cur, answered := GetPointer(s.data, ptr)
	if v, ok := fl.fixedValue(); ok && (!answered || fl.ReadOnly) {
		if !answered {
			s.added = append(s.added, ptr)
		}
		SetPointer(s.data, ptr, deepCopy(v))
		cur, answered = GetPointer(s.data, ptr)
	}
	switch fl.Kind {
	case KindGroup:
		if _, isObj := cur.(map[string]any); isObj {
			s.fields(fl.Children, prefix)
		} else if !answered && s.create {
			// Only a group that gets some default is created: an empty
			// object would make an optional group's fields required.
			before := len(s.added)
			SetPointer(s.data, ptr, map[string]any{})
			s.fields(fl.Children, prefix)
			if len(s.added) == before {
				DeletePointer(s.data, ptr)
			} else {
				s.added = append(s.added[:before], append([]string{ptr}, s.added[before:]...)...)
			}
		}
	case KindRepeat:
		items, _ := cur.([]any)
		for i := range items {
			s.item(fl, ptr+"/"+itoa(i))
		}
	}
}

// item seeds the fields of the repeat item at ptr, if it is an object.
func (s *seeder) item(fl *Field, ptr string) {
	if v, _ := GetPointer(s.data, ptr); v != nil {
		if _, ok := v.(map[string]any); ok {
			s.fields(fl.Children, ptr)
		}
	}
}

// newItemDefaults fills the defaults of the item at ptr, just added to the
// repeat field fl.
func newItemDefaults(data map[string]any, fl *Field, ptr string) map[string]any {
	s := &seeder{data: data, create: true}
	s.item(fl, ptr)
	return s.data
}
