package schemas

import (
	"fmt"
	"strings"
)

// buildSteps builds the field model, places top-level fields into steps and
// cross-checks ui against the schema, adding pointer errors to problems
// and the findings of the authoring checks to lint.
func (c *compiled) buildSteps(def *Definition, problems, lint map[string]string) []*Step {
	b := &fieldBuilder{doc: c.doc, ui: def.UI.Fields, problems: problems, lint: lint}
	props := c.doc.collectProps(c.doc.resolve(c.doc.root, ""), "", lint)
	var top []*Field
	for _, p := range props {
		f := b.field(p, "", "")
		top = append(top, f)
		c.top[f.Name] = f
	}
	var steps []*Step
	if len(def.UI.Steps) == 0 {
		steps = []*Step{{Number: 1, Title: def.Title, Fields: top}}
	} else {
		steps = c.placeFields(def, problems)
		for _, p := range props {
			if c.top[p.name].Step == 0 {
				problems["/schema"+p.schemaPtr] = "is not listed in any step of ui.steps"
			}
		}
	}
	for _, st := range steps {
		for _, f := range st.Fields {
			setStep(f, st.Number)
			c.fields = appendDepthFirst(c.fields, f)
		}
	}
	checkUIKeys(def, c.fields, c.top, problems)
	checkAppointmentSteps(def, steps, problems)
	checkPrefillMarkdown(def, problems)
	checkMarkdownEntries(def, c.top, lint)
	return steps
}

// placeFields builds the steps listed in ui.steps.
func (c *compiled) placeFields(def *Definition, problems map[string]string) []*Step {
	var steps []*Step
	for i, su := range def.UI.Steps {
		st := &Step{Number: i + 1, Title: su.Title, Intro: su.Intro}
		for j, name := range su.Fields {
			ptr := fmt.Sprintf("/ui/steps/%d/fields/%d", i, j)
			f := c.top[name]
			u, isUI := def.UI.Fields[name]
			switch {
			case f != nil && f.Step != 0:
				problems[ptr] = fmt.Sprintf("%q is already in step %d", name, f.Step)
			case f != nil:
				f.Step = st.Number
				st.Fields = append(st.Fields, f)
			case isUI && u.Widget == "markdown":
				st.Fields = append(st.Fields, &Field{Name: name, Path: name, Kind: KindMarkdown,
					Label: name, Text: u.Text, Help: u.Help})
			default:
				problems[ptr] = fmt.Sprintf("%q is neither a property of the schema nor a markdown entry of ui.fields", name)
			}
		}
		steps = append(steps, st)
	}
	return steps
}

// setStep sets the step of f and of its children.
func setStep(f *Field, n int) {
	f.Step = n
	for _, c := range f.Children {
		setStep(c, n)
	}
}

// appendDepthFirst appends f and its descendants.
func appendDepthFirst(list []*Field, f *Field) []*Field {
	list = append(list, f)
	for _, c := range f.Children {
		list = appendDepthFirst(list, c)
	}
	return list
}

// checkUIKeys reports ui.fields keys that match no field placed in a step
// (top holds every top-level property, placed or not).
func checkUIKeys(def *Definition, fields []*Field, top map[string]*Field, problems map[string]string) {
	paths := map[string]bool{}
	for _, f := range fields {
		paths[f.Path] = true
	}
	for _, key := range sortedKeys(def.UI.Fields) {
		if paths[key] || def.UI.Fields[key].Widget == "markdown" {
			continue
		}
		name, _, _ := strings.Cut(key, "/")
		if f := top[name]; f != nil && f.Step == 0 {
			problems[joinPointer("/ui/fields", key)] = fmt.Sprintf("is for the property %q, which is not in any step of ui.steps", name)
		} else {
			problems[joinPointer("/ui/fields", key)] = "does not match any field of the schema"
		}
	}
}
