package renderer

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// fieldView is what the "field" template draws for one field.
type fieldView struct {
	tr
	F *schemas.Field
	// Kind is F.Kind as a plain string for template comparisons.
	Kind string
	// ID is the HTML id of the control; Name is the absolute JSON pointer
	// posted as the control's name.
	ID, Name  string
	InputType string
	Value     string
	Min, Max  string
	StepAttr  string
	MaxLength string
	MinLength string
	Required  bool
	Error     string
	HelpID    string
	ErrorID   string
	ShowWhen  string
	// WhenNote says in words when a field with ShowWhen is to be filled in
	// ("Da compilare solo se hai scelto «Altro» in «Tipo»"): without
	// JavaScript such a field is always drawn. modulario.js hides it.
	WhenNote   string
	Options    []optionView
	Children   []*fieldView
	Items      []*itemView
	CanAdd     bool
	File       *modulario.Attachment
	Accept     string
	HelpMarkup string
}

// DescribedBy is the aria-describedby value: the note on when to fill the
// field in, help text, then error message.
func (v *fieldView) DescribedBy() string {
	var ids []string
	if v.WhenNote != "" {
		ids = append(ids, v.ID+"-when")
	}
	if v.HelpMarkup != "" {
		ids = append(ids, v.HelpID)
	}
	if v.Error != "" {
		ids = append(ids, v.ErrorID)
	}
	return strings.Join(ids, " ")
}

// optionView is one choice of a select, radio or checkbox group.
type optionView struct {
	ID, Value, Label string
	Selected         bool
}

// itemView is one item of a repeatable group.
type itemView struct {
	ID, Pointer, Label string
	Children           []*fieldView
	CanRemove          bool
}

// viewInput carries everything needed to build the views of a step.
type viewInput struct {
	lang  string
	form  *schemas.Form
	state *schemas.State
	step  int
	data  map[string]any
	// raw holds the values just posted, preferred for free-text controls so
	// that what the citizen typed stays even when it could not be converted.
	raw         url.Values
	errs        map[string]string
	attachments map[string]modulario.Attachment
}

// fields builds the views of fields; prefix is the pointer of the enclosing
// repeat item ("" outside repeats), as item children have relative pointers.
func (in *viewInput) fields(fields []*schemas.Field, prefix string) []*fieldView {
	var out []*fieldView
	for _, f := range fields {
		ptr := prefix + f.Pointer
		if f.Kind != schemas.KindMarkdown && !in.shown(f, ptr, prefix) {
			continue
		}
		out = append(out, in.field(f, ptr, prefix))
	}
	return out
}

// shown reports whether a field is drawn: visible for the current answers,
// or depending only on answers of this same step, which the browser script
// evaluates live (without JavaScript such fields stay visible and the
// server prunes their answers).
func (in *viewInput) shown(f *schemas.Field, ptr, prefix string) bool {
	if in.state == nil || !f.Conditional || in.state.Visible(ptr) {
		return true
	}
	return in.liveCondition(f, prefix)
}

func (in *viewInput) liveCondition(f *schemas.Field, prefix string) bool {
	if len(f.ShowWhen) == 0 || in.form == nil {
		return false
	}
	for _, t := range f.ShowWhen {
		if in.form.StepOf(prefix+t.Pointer) != in.step {
			return false
		}
	}
	return true
}

func (in *viewInput) field(f *schemas.Field, ptr, prefix string) *fieldView {
	id := htmlID(ptr)
	if f.Kind == schemas.KindMarkdown && ptr == "" {
		id = "f-" + htmlID(f.Path)
	}
	v := &fieldView{
		tr: tr{Lang: in.lang}, F: f, Kind: string(f.Kind), ID: id, Name: ptr,
		InputType: f.InputType, HelpID: id + "-help", ErrorID: id + "-error",
		Error: in.errs[ptr], Required: f.Required,
	}
	if in.state != nil && !f.Required && f.Conditional {
		v.Required = in.state.Required(ptr)
	}
	if v.InputType == "" {
		v.InputType = "text"
	}
	v.HelpMarkup = strings.TrimSpace(strings.Join(nonEmpty(f.Description, f.Help, fileLimits(f, in.lang)), "\n\n"))
	if len(f.ShowWhen) > 0 && in.liveCondition(f, prefix) {
		v.ShowWhen = showWhenJSON(f.ShowWhen, prefix)
		v.WhenNote = in.whenNote(f.ShowWhen, prefix)
		// Drawn before its condition is known: mark what the condition
		// would require (the server checks it only once shown).
		v.Required = v.Required || f.RequiredWhenShown
	}
	setLimits(v, f)
	value, _ := getPointer(in.data, ptr)
	v.Value = schemas.ValueString(value)
	if posted, ok := in.raw[ptr]; ok && len(posted) > 0 && isFreeText(f.Kind) && !f.ReadOnly {
		v.Value = posted[0]
	}
	switch f.Kind {
	case schemas.KindSelect, schemas.KindRadio, schemas.KindCheckboxes:
		v.Options = options(id, f, value, in.lang)
	case schemas.KindCheckbox:
		v.Value = "true"
		v.Options = []optionView{{ID: id, Value: "true", Selected: value == true}}
	case schemas.KindFile:
		v.Accept = strings.Join(f.Accept, ",")
		if a, ok := in.attachments[schemas.ValueString(value)]; ok {
			v.File = &a
		}
	case schemas.KindGroup:
		v.Children = in.fields(f.Children, prefix)
	case schemas.KindRepeat:
		in.repeat(v, f, ptr, value)
	}
	return v
}

// repeat builds the items of a repeatable group.
func (in *viewInput) repeat(v *fieldView, f *schemas.Field, ptr string, value any) {
	items, _ := value.([]any)
	for i := range items {
		itemPtr := ptr + "/" + strconv.Itoa(i)
		v.Items = append(v.Items, &itemView{
			ID: htmlID(itemPtr), Pointer: itemPtr,
			Label:     msg.T(in.lang, "repeat.item", f.Label, i+1),
			Children:  in.fields(f.Children, itemPtr),
			CanRemove: f.MinItems == nil || len(items) > *f.MinItems,
		})
	}
	v.CanAdd = f.MaxItems == nil || len(items) < *f.MaxItems
}

func setLimits(v *fieldView, f *schemas.Field) {
	if f.Kind == schemas.KindText || f.Kind == schemas.KindTextarea {
		// Every text has a cap, the field's maxLength or the default one
		// the server holds it to: the browser stops typing there.
		v.MaxLength = strconv.Itoa(f.LengthCap())
		if f.MinLength != nil && *f.MinLength > 0 {
			v.MinLength = strconv.Itoa(*f.MinLength)
		}
	}
	if f.Kind != schemas.KindNumber {
		return
	}
	v.Min, v.Max, v.StepAttr = formatNumber(f.Minimum), formatNumber(f.Maximum), "any"
	if f.Integer() {
		// Whole numbers: the browser's spinner steps by one and an
		// exclusive bound becomes the next whole number (> 0 is min 1).
		lo, hi := f.IntegerBounds()
		v.Min, v.Max, v.StepAttr = formatNumber(lo), formatNumber(hi), "1"
	}
	if f.MultipleOf != nil {
		v.StepAttr = formatNumber(f.MultipleOf)
	}
}

// fileLimits tells, before the upload, which files a file field takes and
// how large they may be ("Formati ammessi: PDF, JPEG. Dimensione massima:
// 10 MB."); it is shown with the field's help, linked by aria-describedby.
func fileLimits(f *schemas.Field, lang string) string {
	if f.Kind != schemas.KindFile {
		return ""
	}
	size := fileSize(cmp.Or(f.MaxSize, defaultMaxFileSize), lang)
	if len(f.Accept) == 0 {
		return msg.T(lang, "file.limit", size)
	}
	return msg.T(lang, "file.limits", acceptList(f.Accept, lang), size)
}

func formatNumber(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func options(id string, f *schemas.Field, value any, lang string) []optionView {
	selected := map[string]bool{}
	if list, ok := value.([]any); ok {
		for _, x := range list {
			selected[schemas.ValueString(x)] = true
		}
	} else if value != nil {
		selected[schemas.ValueString(value)] = true
	}
	out := make([]optionView, len(f.Options))
	for i, o := range f.Options {
		oid := id
		if i > 0 {
			oid = id + "-" + strconv.Itoa(i)
		}
		val := schemas.ValueString(o.Value)
		out[i] = optionView{ID: oid, Value: val, Label: cmp.Or(f.OptionText(o.Value, lang), o.Label), Selected: selected[val]}
	}
	return out
}

// showWhenJSON encodes the live triggers with absolute pointers for modulario.js.
func showWhenJSON(triggers []schemas.Trigger, prefix string) string {
	abs := make([]schemas.Trigger, len(triggers))
	for i, t := range triggers {
		abs[i] = t
		abs[i].Pointer = prefix + t.Pointer
	}
	b, _ := json.Marshal(abs)
	return string(b)
}

func isFreeText(k schemas.Kind) bool {
	switch k {
	case schemas.KindText, schemas.KindTextarea, schemas.KindNumber, schemas.KindDate,
		schemas.KindTime, schemas.KindDateTime:
		return true
	}
	return false
}

// htmlID turns a JSON pointer into an HTML id, one to one: "/" becomes
// "-" and a "-" inside a name becomes "--". Names start with a letter and
// indices are digits, so a "/" is never followed by "-" and a run of
// dashes always decodes one way ("/a-b" → "f-a--b", "/a/b" → "f-a-b").
// Characters names cannot hold become "_uXXXX".
func htmlID(ptr string) string {
	var b strings.Builder
	b.WriteString("f")
	for _, r := range ptr {
		switch {
		case r == '/':
			b.WriteByte('-')
		case r == '-':
			b.WriteString("--")
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_':
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "_u%04X", r)
		}
	}
	return b.String()
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// getPointer wraps schemas.GetPointer for a possibly nil map.
func getPointer(data map[string]any, ptr string) (any, bool) {
	if data == nil || ptr == "" {
		return nil, false
	}
	return schemas.GetPointer(data, ptr)
}
