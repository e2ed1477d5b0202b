package formedit

import (
	"strconv"
	"strings"

	"github.com/modulario/modulario/schemas"
)

// Change kinds.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// Diff lists the differences between two versions of a form in words
// staff understand: meta, steps, fields (label, type, required, options,
// limits, conditions), rules; anything else by JSON pointer.
func Diff(old, new []byte) []Change {
	a, errA := Parse(old)
	b, errB := Parse(new)
	if errA != nil || errB != nil {
		if string(old) == string(new) {
			return nil
		}
		return []Change{{Kind: Changed, What: msg.T("it", "diff.document"), From: clip(string(old)), To: clip(string(new))}}
	}
	var out []Change
	va, vb := a.View(), b.View()
	out = diffMeta(out, va.Meta, vb.Meta)
	out = diffSteps(out, va.Steps, vb.Steps)
	out = diffFields(out, a, b, va, vb)
	out = diffRules(out, va.Rules, vb.Rules, a, b)
	for _, k := range unionKeys(a.root, b.root) {
		switch k {
		case "slug", "title", "summary", "description", "requirements", "category", "office", "privacy",
			"confirmation", "schema", "ui", "rules":
			continue
		}
		out = diffValues(out, "", "/"+schemas.EscapeToken(k), a.root.get(k), b.root.get(k))
	}
	return out
}

// clip shortens long values for display.
func clip(s string) string {
	const max = 300
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// change appends one change unless from equals to.
func change(out []Change, what, from, to string) []Change {
	switch {
	case from == to:
		return out
	case from == "":
		return append(out, Change{Kind: Added, What: what, To: clip(to)})
	case to == "":
		return append(out, Change{Kind: Removed, What: what, From: clip(from)})
	}
	return append(out, Change{Kind: Changed, What: what, From: clip(from), To: clip(to)})
}

// diffMeta compares the descriptive part.
func diffMeta(out []Change, a, b Meta) []Change {
	pairs := []struct{ key, from, to string }{
		{"slug", a.Slug, b.Slug}, {"title", a.Title, b.Title}, {"summary", a.Summary, b.Summary},
		{"description", a.Description, b.Description}, {"requirements", a.Requirements, b.Requirements},
		{"category", a.Category, b.Category}, {"office", a.Office, b.Office},
		{"privacy", a.Privacy, b.Privacy}, {"confirmation", a.Confirmation, b.Confirmation},
	}
	for _, p := range pairs {
		out = change(out, msg.T("it", "diff.meta."+p.key), p.from, p.to)
	}
	return out
}

// diffSteps compares steps by position.
func diffSteps(out []Change, a, b []StepView) []Change {
	for i := 0; i < max(len(a), len(b)); i++ {
		what := msg.T("it", "diff.step", i+1)
		switch {
		case i >= len(a):
			out = append(out, Change{Kind: Added, What: what, To: b[i].Title})
		case i >= len(b):
			out = append(out, Change{Kind: Removed, What: what, From: a[i].Title})
		default:
			out = change(out, what+": "+msg.T("it", "diff.title"), a[i].Title, b[i].Title)
			out = change(out, what+": "+msg.T("it", "diff.intro"), a[i].Intro, b[i].Intro)
		}
	}
	return out
}

// placed is a field with its 1-based step.
type placed struct {
	f    FieldView
	step int
}

// flatten lists every field of a view, children included, by path.
func flatten(v *View) (map[string]placed, []string) {
	m := map[string]placed{}
	var order []string
	var walk func(fs []FieldView, step int)
	walk = func(fs []FieldView, step int) {
		for _, f := range fs {
			m[f.Path] = placed{f, step}
			order = append(order, f.Path)
			walk(f.Children, step)
		}
	}
	for _, s := range v.Steps {
		walk(s.Fields, s.Index+1)
	}
	return m, order
}

// diffFields compares fields by path.
func diffFields(out []Change, a, b *Doc, va, vb *View) []Change {
	fa, orderA := flatten(va)
	fb, orderB := flatten(vb)
	for _, p := range orderA {
		if _, ok := fb[p]; !ok {
			x := fa[p]
			out = append(out, Change{Kind: Removed, What: fieldWhat(x), From: paletteLabel(x.f.Type)})
		}
	}
	for _, p := range orderB {
		y := fb[p]
		x, ok := fa[p]
		if !ok {
			out = append(out, Change{Kind: Added, What: fieldWhat(y), To: paletteLabel(y.f.Type)})
			continue
		}
		n := len(out)
		out = fieldChanges(out, x, y)
		if len(out) == n {
			sa, errA := a.locate(p)
			sb, errB := b.locate(p)
			if errA == nil && errB == nil {
				out = diffValues(out, fieldWhat(y)+": ", "", sa.prop, sb.prop)
			}
		}
	}
	return out
}

// fieldWhat names a field for staff: Campo «Email» (passo 2).
func fieldWhat(p placed) string {
	return msg.T("it", "diff.field", p.f.Label, p.step)
}

// fieldChanges compares the attributes the editor shows.
func fieldChanges(out []Change, x, y placed) []Change {
	what := fieldWhat(y) + ": "
	a, b := x.f, y.f
	out = change(out, what+msg.T("it", "diff.label"), a.Label, b.Label)
	out = change(out, what+msg.T("it", "diff.type"), paletteLabel(a.Type), paletteLabel(b.Type))
	out = change(out, what+msg.T("it", "diff.step_of"), strconv.Itoa(x.step), strconv.Itoa(y.step))
	out = change(out, what+msg.T("it", "diff.required"), yesNo(a.Required), yesNo(b.Required))
	out = change(out, what+msg.T("it", "diff.help"), a.Help, b.Help)
	out = change(out, what+msg.T("it", "diff.placeholder"), a.Placeholder, b.Placeholder)
	out = change(out, what+msg.T("it", "diff.prefill"), yesNo(a.Prefill), yesNo(b.Prefill))
	out = change(out, what+msg.T("it", "diff.text"), a.Text, b.Text)
	out = change(out, what+msg.T("it", "diff.options"), optionList(a.Options), optionList(b.Options))
	out = change(out, what+msg.T("it", "diff.limits"), limits(a), limits(b))
	out = change(out, what+msg.T("it", "diff.files"), files(a), files(b))
	return change(out, what+msg.T("it", "diff.condition"), describeCondition(a.Condition), describeCondition(b.Condition))
}

// yesNo writes a boolean in Italian.
func yesNo(b bool) string {
	if b {
		return "sì"
	}
	return "no"
}

// optionList writes options as "Label, Label".
func optionList(opts []Option) string {
	var parts []string
	for _, o := range opts {
		parts = append(parts, o.Label)
	}
	return strings.Join(parts, ", ")
}

// limits writes the limits of a field.
func limits(f FieldView) string {
	var parts []string
	add := func(key string, v any) {
		switch t := v.(type) {
		case *int:
			if t != nil {
				parts = append(parts, msg.T("it", key, strconv.Itoa(*t)))
			}
		case *float64:
			if t != nil {
				parts = append(parts, msg.T("it", key, strconv.FormatFloat(*t, 'f', -1, 64)))
			}
		}
	}
	add("diff.min_length", f.MinLength)
	add("diff.max_length", f.MaxLength)
	add("diff.minimum", f.Minimum)
	add("diff.maximum", f.Maximum)
	add("diff.min_items", f.MinItems)
	add("diff.max_items", f.MaxItems)
	return strings.Join(parts, ", ")
}

// files writes the accepted types and size of a file field.
func files(f FieldView) string {
	if len(f.Accept) == 0 && f.MaxSizeMB == 0 {
		return ""
	}
	return msg.T("it", "diff.files_value", strings.Join(f.Accept, ", "), f.MaxSizeMB)
}

// describeCondition writes a condition in Italian.
func describeCondition(c *Condition) string {
	if c == nil {
		return ""
	}
	return msg.T("it", "cond.describe."+c.Op, c.Field, strings.Join(c.Values, ", "))
}

// diffRules compares rules by name (then position).
func diffRules(out []Change, ra, rb []RuleView, a, b *Doc) []Change {
	byName := func(rs []RuleView) map[string]int {
		m := map[string]int{}
		for _, r := range rs {
			m[r.Name] = r.Index
		}
		return m
	}
	na, nb := byName(ra), byName(rb)
	for _, r := range ra {
		if _, ok := nb[r.Name]; !ok {
			out = append(out, Change{Kind: Removed, What: msg.T("it", "rule.named", r.Name), From: describeRule(r)})
		}
	}
	for _, r := range rb {
		what := msg.T("it", "rule.named", r.Name)
		i, ok := na[r.Name]
		if !ok {
			out = append(out, Change{Kind: Added, What: what, To: describeRule(r)})
			continue
		}
		x, _ := a.ruleAt(i)
		y, _ := b.ruleAt(r.Index)
		if equalValues(x, y) {
			continue
		}
		if from, to := describeRule(ra[i]), describeRule(r); from != to {
			out = append(out, Change{Kind: Changed, What: what, From: from, To: to})
		} else {
			out = diffValues(out, what+": ", "", x, y)
		}
	}
	return out
}

// describeRule writes a rule in one Italian sentence.
func describeRule(r RuleView) string {
	parts := []string{msg.T("it", "rule.on."+r.On)}
	for _, c := range r.When {
		parts = append(parts, msg.T("it", "rule.and_if", describeCondition(&c)))
	}
	var acts []string
	if r.Route != "" {
		acts = append(acts, msg.T("it", "rule.act.route", r.Route))
	}
	if len(r.EmailTo) > 0 {
		acts = append(acts, msg.T("it", "rule.act.email", strings.Join(r.EmailTo, ", ")))
	}
	if r.Webhook != "" {
		acts = append(acts, msg.T("it", "rule.act.webhook", r.Webhook))
	}
	if r.Tag != "" {
		acts = append(acts, msg.T("it", "rule.act.tag", r.Tag))
	}
	if r.Priority != "" {
		acts = append(acts, msg.T("it", "rule.act.priority", r.Priority))
	}
	if r.Advanced {
		acts = append(acts, msg.T("it", "rule.act.advanced"))
	}
	return strings.Join(parts, " ") + ": " + strings.Join(acts, "; ")
}

// unionKeys lists the keys of a then the new keys of b.
func unionKeys(a, b *object) []string {
	out := append([]string(nil), a.ks()...)
	for _, k := range b.ks() {
		if !a.has(k) {
			out = append(out, k)
		}
	}
	return out
}

// diffValues compares two JSON values, reporting changes by pointer.
func diffValues(out []Change, prefix, ptr string, a, b any) []Change {
	oa, okA := a.(*object)
	ob, okB := b.(*object)
	if okA && okB {
		for _, k := range unionKeys(oa, ob) {
			out = diffValues(out, prefix, ptr+"/"+schemas.EscapeToken(k), oa.get(k), ob.get(k))
		}
		return out
	}
	if equalValues(a, b) {
		return out
	}
	show := func(v any, present bool) string {
		if !present {
			return ""
		}
		return strings.TrimSpace(string(encodeOrdered(v)))
	}
	what := prefix + ptr
	if ptr == "" {
		what = strings.TrimSuffix(prefix, ": ")
	}
	return change(out, what, show(a, a != nil), show(b, b != nil))
}
