package schemas

import (
	"sort"
	"unicode/utf8"
)

// topFields returns the answerable top-level fields in step order.
func (f *Form) topFields() []*Field {
	var out []*Field
	for _, st := range f.Steps {
		for _, fl := range st.Fields {
			if fl.Kind != KindMarkdown {
				out = append(out, fl)
			}
		}
	}
	return out
}

// unknownFields reports keys of obj that no field declares, recursing into
// groups and the items of repeatable groups. It also holds the texts of
// fields without a maxLength to the default cap (Field.LengthCap), which
// is not part of the schema.
func (f *Form) unknownFields(v any, fields []*Field, dp, lang string, set errorSet) {
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	for k, x := range obj {
		p := joinPointer(dp, k)
		fl := childNamed(fields, k)
		switch {
		case fl == nil || fl.Kind == KindMarkdown:
			set.add(p, rankUnknown, Messages.T(lang, "unknown"))
		case tooLong(fl, x):
			set.add(p, rankTooLong, countMessage("maxLength", fl.LengthCap(), lang))
		case fl.Kind == KindGroup:
			f.unknownFields(x, fl.Children, p, lang, set)
		case fl.Kind == KindRepeat:
			items, _ := x.([]any)
			for i, it := range items {
				f.unknownFields(it, fl.Children, p+"/"+itoa(i), lang, set)
			}
		}
	}
}

// position returns the sort key of a pointer: per token, the field's place
// among its siblings or the item index. Unknown names sort last. top is
// f.topFields(), passed in so a sort computes it once.
func position(top []*Field, pointer string) []int {
	const unknown = 1 << 30
	var pos []int
	siblings := top
	var cur *Field
	for _, tok := range splitPointer(pointer) {
		if cur != nil && cur.Kind == KindRepeat {
			if i, ok := arrayIndex(tok); ok {
				pos = append(pos, i)
				siblings, cur = cur.Children, nil
				continue
			}
		}
		idx := unknown
		for i, s := range siblings {
			if s.Name == tok {
				idx, cur = i, s
				break
			}
		}
		if idx == unknown {
			cur = nil
		}
		pos = append(pos, idx)
		if cur != nil && cur.Kind == KindGroup {
			siblings = cur.Children
		} else if cur == nil || cur.Kind != KindRepeat {
			siblings = nil
		}
	}
	return pos
}

// sortErrors orders errors by field order, then alphabetically. The sort
// keys are computed once per error, not once per comparison.
func (f *Form) sortErrors(errs []FieldError) {
	top := f.topFields()
	keys := make(map[string][]int, len(errs))
	for _, e := range errs {
		keys[e.Pointer] = position(top, e.Pointer)
	}
	sort.Slice(errs, func(i, j int) bool {
		return before(keys[errs[i].Pointer], keys[errs[j].Pointer], errs[i].Pointer, errs[j].Pointer)
	})
}

// before orders two pointers by their sort keys, then alphabetically.
func before(pa, pb []int, a, b string) bool {
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	if len(pa) != len(pb) {
		return len(pa) < len(pb)
	}
	return a < b
}

// tooLong reports whether v is a text longer than the cap of fl. A field
// with its own maxLength is left to the schema, and files to their checks.
func tooLong(fl *Field, v any) bool {
	s, ok := v.(string)
	return ok && fl.MaxLength == nil && fl.Kind != KindFile && len(s) > fl.LengthCap() &&
		utf8.RuneCountInString(s) > fl.LengthCap()
}
