package formedit

import (
	"strings"

	"github.com/modulario/modulario"
)

// SetMeta sets the descriptive part of the form. Empty optional values
// remove their key; slug, title and privacy are required.
func (d *Doc) SetMeta(m Meta) error {
	fields := map[string]string{}
	m.Slug, m.Title = strings.TrimSpace(m.Slug), strings.TrimSpace(m.Title)
	if !modulario.ValidSlug(m.Slug) || len(m.Slug) > 80 {
		fields["slug"] = msg.T("it", "meta.bad_slug")
	}
	if m.Title == "" {
		fields["title"] = msg.T("it", "meta.need_title")
	}
	if strings.TrimSpace(m.Privacy) == "" {
		fields["privacy"] = msg.T("it", "meta.need_privacy")
	}
	if m.Office != "" && !modulario.ValidSlug(m.Office) {
		fields["office"] = msg.T("it", "meta.bad_office")
	}
	if len(fields) > 0 {
		return invalidf(fields, "meta.invalid")
	}
	r := d.root
	r.set("slug", m.Slug)
	r.set("title", m.Title)
	for _, kv := range []struct{ k, v string }{{"summary", m.Summary}, {"description", m.Description},
		{"requirements", m.Requirements}, {"category", m.Category}, {"office", m.Office}} {
		r.setOrDel(kv.k, kv.v, kv.v == "")
	}
	r.set("privacy", m.Privacy)
	r.setOrDel("confirmation", m.Confirmation, m.Confirmation == "")
	r.setOrDel("deadline_days", num(m.DeadlineDays), m.DeadlineDays == 0)
	none := m.RetentionAction == "" && m.RetentionMonths == 0
	r.setOrDel("retention", objectOf("months", num(m.RetentionMonths), "action", m.RetentionAction), none)
	return nil
}

// meta reads the descriptive part.
func (d *Doc) meta() Meta {
	r := d.root
	return Meta{Slug: r.str("slug"), Title: r.str("title"), Summary: r.str("summary"),
		Description: r.str("description"), Requirements: r.str("requirements"), Category: r.str("category"),
		Office: r.str("office"), Privacy: r.str("privacy"), Confirmation: r.str("confirmation"),
		DeadlineDays:    deref(intKw(r, "deadline_days")),
		RetentionMonths: deref(intKw(r.obj("retention"), "months")), RetentionAction: r.obj("retention").str("action")}
}

// deref is *p, or 0 for nil.
func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// ensureSteps returns the steps, first writing the implicit single step
// (every property, titled after the form) when ui.steps is missing.
func (d *Doc) ensureSteps() []*object {
	if steps := d.steps(); len(steps) > 0 {
		return steps
	}
	title := d.root.str("title")
	if title == "" {
		title = msg.T("it", "step.default")
	}
	d.setSteps([]*object{objectOf("title", title, "fields", strs(d.topNames()))})
	return d.steps()
}

// answerable returns the names of a step that are schema properties.
func (d *Doc) answerable(step *object) []string {
	var out []string
	for _, n := range step.strings("fields") {
		if len(d.topSlots(n)) > 0 {
			out = append(out, n)
		}
	}
	return out
}

// AddStep appends a step and returns its index.
func (d *Doc) AddStep(title string) (int, error) {
	title = strings.TrimSpace(title)
	if title == "" {
		return 0, invalidf(map[string]string{"title": msg.T("it", "step.need_title")}, "step.need_title")
	}
	steps := append(d.ensureSteps(), objectOf("title", title, "fields", []any{}))
	d.setSteps(steps)
	return len(steps) - 1, nil
}

// UpdateStep renames step i and sets its intro (Markdown, "" removes it).
func (d *Doc) UpdateStep(i int, title, intro string) error {
	steps := d.ensureSteps()
	if i < 0 || i >= len(steps) {
		return notFoundf("step.not_found")
	}
	title = strings.TrimSpace(title)
	if title == "" {
		return invalidf(map[string]string{"title": msg.T("it", "step.need_title")}, "step.need_title")
	}
	steps[i].set("title", title)
	if steps[i].has("intro") || intro != "" {
		steps[i].setOrDel("intro", intro, intro == "")
		if intro != "" {
			reorderKeys(steps[i], "title", "intro", "fields")
		}
	}
	return nil
}

// reorderKeys puts the named keys first, in this order.
func reorderKeys(o *object, first ...string) {
	var keys []string
	for _, k := range first {
		if o.has(k) {
			keys = append(keys, k)
		}
	}
	for _, k := range o.ks() {
		if !contains(first, k) {
			keys = append(keys, k)
		}
	}
	o.keys = keys
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MoveStep moves step i by delta places (clamped to the ends).
func (d *Doc) MoveStep(i, delta int) error {
	steps := d.ensureSteps()
	if i < 0 || i >= len(steps) {
		return notFoundf("step.not_found")
	}
	j := min(max(i+delta, 0), len(steps)-1)
	st := steps[i]
	steps = append(steps[:i:i], steps[i+1:]...)
	steps = append(steps[:j:j], append([]*object{st}, steps[j:]...)...)
	d.setSteps(steps)
	return nil
}

// DeleteStep deletes step i; its fields move to the end of the previous
// step (the next one for the first step). The last step cannot be deleted.
func (d *Doc) DeleteStep(i int) error {
	steps := d.ensureSteps()
	if i < 0 || i >= len(steps) {
		return notFoundf("step.not_found")
	}
	if len(steps) == 1 {
		return invalidf(nil, "step.last")
	}
	moved := steps[i].arr("fields")
	if i > 0 {
		steps[i-1].set("fields", append(steps[i-1].arr("fields"), moved...))
	} else {
		steps[1].set("fields", append(append([]any{}, moved...), steps[1].arr("fields")...))
	}
	d.setSteps(append(steps[:i:i], steps[i+1:]...))
	return nil
}

// stepOf returns the step index and position of a top-level name, or -1.
func (d *Doc) stepOf(name string) (int, int) {
	for i, st := range d.steps() {
		for j, n := range st.strings("fields") {
			if n == name {
				return i, j
			}
		}
	}
	return -1, -1
}
