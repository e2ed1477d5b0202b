// Package schemas reads form definitions: it validates the document against
// an embedded meta-schema, compiles its JSON Schema 2020-12 (with Italian
// formats), builds the field model the renderer draws, evaluates conditions,
// decodes posted answers and validates them with citizen-friendly messages.
package schemas

// CONTRACT FILE: the types and signatures below are what renderer/ and
// cmd/modulario code against. Implementations live in the other files of
// this package; bodies here that panic are placeholders to be replaced.

import (
	"encoding/json"
	"net/url"
)

// Definition is the form document an editor produces (see ARCHITECTURE.md).
type Definition struct {
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	Summary     string `json:"summary,omitempty"`
	Description string `json:"description,omitempty"` // Markdown
	// Requirements is Markdown: "Cosa serve" (documents, information needed).
	Requirements string          `json:"requirements,omitempty"`
	Category     string          `json:"category,omitempty"`
	Office       string          `json:"office,omitempty"`
	Privacy      string          `json:"privacy"` // Markdown, GDPR art. 13 notice
	Schema       json.RawMessage `json:"schema"`
	UI           UI              `json:"ui"`
	Confirmation string          `json:"confirmation,omitempty"` // Markdown
	// Rules are kept as raw JSON here; the notify package interprets them.
	Rules []json.RawMessage `json:"rules,omitempty"`
}

// UI is the presentation part of a definition.
type UI struct {
	Steps []StepUI `json:"steps,omitempty"`
	// Fields is keyed by field path: a top-level property name ("email") or a
	// slash-separated path for nested ones ("indirizzo/cap", "membri/nome"
	// for the items of an array). Keys of widget "markdown" entries that are
	// not schema properties are informative paragraphs that steps may list.
	Fields map[string]FieldUI `json:"fields,omitempty"`
}

// StepUI is one step of the flow.
type StepUI struct {
	Title  string   `json:"title"`
	Intro  string   `json:"intro,omitempty"` // Markdown
	Fields []string `json:"fields"`          // top-level property names, in order
}

// FieldUI tunes how one field is drawn.
type FieldUI struct {
	// Widget is one of text, textarea, select, radio, checkbox, date, file,
	// hidden, markdown. Empty means chosen from the schema.
	Widget       string   `json:"widget,omitempty"`
	Help         string   `json:"help,omitempty"` // Markdown
	Placeholder  string   `json:"placeholder,omitempty"`
	Autocomplete string   `json:"autocomplete,omitempty"`
	InputMode    string   `json:"inputmode,omitempty"`
	Rows         int      `json:"rows,omitempty"`
	Text         string   `json:"text,omitempty"`    // Markdown, for widget "markdown"
	Accept       []string `json:"accept,omitempty"`  // media types for files
	MaxSize      int64    `json:"maxSize,omitempty"` // bytes, for files (default 10 MB)
}

// Kind is what control a field is drawn as.
type Kind string

// Field kinds.
const (
	KindText       Kind = "text" // input type text/email/tel/url by Format
	KindTextarea   Kind = "textarea"
	KindNumber     Kind = "number" // number or integer
	KindDate       Kind = "date"
	KindTime       Kind = "time"
	KindDateTime   Kind = "datetime"
	KindSelect     Kind = "select"     // single choice, drop-down
	KindRadio      Kind = "radio"      // single choice, radio group
	KindCheckbox   Kind = "checkbox"   // one boolean
	KindCheckboxes Kind = "checkboxes" // array of choices
	KindFile       Kind = "file"
	KindHidden     Kind = "hidden"
	KindMarkdown   Kind = "markdown" // informative paragraph, no answer
	KindGroup      Kind = "group"    // nested object: a fieldset
	KindRepeat     Kind = "repeat"   // array of objects: repeatable group
)

// Option is one labelled choice.
type Option struct {
	Value any    `json:"value"` // string, number or boolean as in the schema
	Label string `json:"label"`
}

// Trigger is a simple condition the browser script can evaluate live: the
// field at Pointer (same item scope) has one of Values (compared as the
// strings the HTML control posts), or, when Values is empty, is not empty.
type Trigger struct {
	Pointer string   `json:"pointer"`
	Values  []string `json:"values,omitempty"`
	Negate  bool     `json:"negate,omitempty"`
}

// Field is one node of the field model.
type Field struct {
	// Name is the property name; Path is the UI key ("indirizzo/cap");
	// Pointer is the JSON pointer for fields outside repeatable groups
	// ("/indirizzo/cap"). Inside a repeat, Pointer is relative to the item
	// ("/nome") and the renderer prefixes "/membri/0".
	Name    string
	Path    string
	Pointer string
	Kind    Kind
	// Format is the JSON Schema format (email, codice-fiscale, telefono, ...).
	Format string
	// InputType is the HTML input type for KindText/KindNumber/... ("text",
	// "email", "tel", "url", "number", "date", "time", "datetime-local").
	InputType    string
	Label        string
	Description  string // Markdown, from the schema's description
	Help         string // Markdown, from ui
	Text         string // Markdown, for KindMarkdown
	Placeholder  string
	Autocomplete string
	InputMode    string
	Rows         int
	Required     bool // required regardless of other answers
	ReadOnly     bool
	Nullable     bool
	Default      any
	Options      []Option
	MinLength    *int
	MaxLength    *int
	Minimum      *float64
	Maximum      *float64
	ExclusiveMin *float64
	ExclusiveMax *float64
	MultipleOf   *float64
	Pattern      string
	MinItems     *int
	MaxItems     *int
	Accept       []string
	MaxSize      int64
	// Children are the fields of a group, or of each item of a repeat.
	Children []*Field
	// Conditional is true when other answers decide whether the field is
	// shown (if/then/else, dependentSchemas) or required (dependentRequired).
	Conditional bool
	// ShowWhen, when not nil, is a condition the browser can evaluate live;
	// all triggers must hold. Nil for unconditional or complex conditions.
	ShowWhen []Trigger
	// Step is the 1-based step the field belongs to.
	Step int
}

// OptionLabel returns the label of the option whose value equals v, or "".
func (f *Field) OptionLabel(v any) string { panic("TODO") }

// Step is one page of the flow.
type Step struct {
	Number int // 1-based
	Title  string
	Intro  string // Markdown
	Fields []*Field
}

// Form is a compiled definition, safe for concurrent use.
type Form struct {
	Def   *Definition
	Steps []*Step
}

// FieldError is one validation error.
type FieldError struct {
	Pointer string `json:"pointer"` // JSON pointer of the answer ("" = whole form)
	Message string `json:"message"` // for the citizen, in the requested language
}

// Parse validates doc against the embedded meta-schema and decodes it.
// Errors are *modulario.Error EINVALID whose Fields map each offending JSON
// pointer of the document to an English sentence; every error is reported.
func Parse(doc []byte) (*Definition, error) { panic("TODO") }

// Compile builds the field model and compiles the schema (refusing remote
// $ref). Returns *modulario.Error EINVALID with pointer errors.
func Compile(def *Definition) (*Form, error) { panic("TODO") }

// Load is Parse followed by Compile.
func Load(doc []byte) (*Form, error) { panic("TODO") }

// Fields returns every field of every step, depth-first, in order.
func (f *Form) Fields() []*Field { panic("TODO") }

// FieldAt returns the field answering the JSON pointer (indices of repeat
// items are allowed: "/membri/2/nome"), or nil.
func (f *Form) FieldAt(pointer string) *Field { panic("TODO") }

// State is the outcome of evaluating the form's conditions on some answers.
type State struct { /* implementation-defined */
}

// Evaluate evaluates every if/then/else, dependentRequired and
// dependentSchemas (top level, under allOf, inside objects and array items)
// against data.
func (f *Form) Evaluate(data map[string]any) *State { panic("TODO") }

// Visible reports whether the field at pointer is active for these answers.
func (s *State) Visible(pointer string) bool { panic("TODO") }

// Required reports whether the field at pointer is required for these answers.
func (s *State) Required(pointer string) bool { panic("TODO") }

// Prune returns a copy of data without answers to fields that the other
// answers hide (repeated until stable), so a stale hidden value never blocks
// a submission or reaches storage. Unknown properties are kept (Validate
// reports them).
func (f *Form) Prune(data map[string]any) map[string]any { panic("TODO") }

// DecodeStep reads the HTML form values posted for step n (input names are
// JSON pointers) into a copy of data, converting to the schema's types
// ("" removes the answer, "12,5" and "12.5" are numbers, checkbox groups
// are arrays, "true"/"false" for booleans). File fields are left as they
// are: the renderer stores uploads and sets their attachment IDs. The
// returned errors are values that could not be converted ("abc" for a number).
func (f *Form) DecodeStep(n int, data map[string]any, values url.Values, lang string) (map[string]any, []FieldError) {
	panic("TODO")
}

// Validate checks data (pruned first by the caller) against the schema and
// returns every error, in field order, with messages in lang ("it" or "en").
// Properties that no field of the form declares are reported as unknown.
func (f *Form) Validate(data map[string]any, lang string) []FieldError { panic("TODO") }

// StepOf returns the step number of the field answering pointer, or 0.
func (f *Form) StepOf(pointer string) int { panic("TODO") }

// AddItem appends an empty item to the repeatable group at pointer (unless
// MaxItems is reached) and returns the new data.
func AddItem(data map[string]any, pointer string) map[string]any { panic("TODO") }

// RemoveItem removes the item at pointer ("/membri/1") and returns the new data.
func RemoveItem(data map[string]any, pointer string) map[string]any { panic("TODO") }

// GetPointer returns the value at a JSON pointer, and whether it exists.
func GetPointer(data any, pointer string) (any, bool) { panic("TODO") }

// SetPointer sets the value at a JSON pointer, creating objects on the way.
func SetPointer(data map[string]any, pointer string, v any) map[string]any { panic("TODO") }
