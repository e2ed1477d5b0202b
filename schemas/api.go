// Package schemas reads form definitions: it validates the document against
// an embedded meta-schema, compiles its JSON Schema 2020-12 (with Italian
// formats), builds the field model the renderer draws, evaluates conditions,
// decodes posted answers and validates them with citizen-friendly messages.
package schemas

// CONTRACT FILE: the types below are what renderer/ and cmd/modulario code
// against. Functions and methods live in the other files of this package:
// parse.go (Parse, Load), compile.go (Compile, Fields, FieldAt, StepOf),
// eval.go (Evaluate, State, Prune), decode.go (DecodeStep), validate.go
// (Validate) and pointer.go (GetPointer, SetPointer, AddItem, RemoveItem).

import (
	"encoding/json"

	"github.com/modulario/modulario"
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
	// DeadlineDays is the time the comune gives itself to conclude a
	// request, in calendar days from its submission (C.SE.1.10); 0: none.
	DeadlineDays int `json:"deadline_days,omitempty"`
	// Retention, when set, deletes or anonymises the form's concluded
	// requests (concluded, rejected, withdrawn) some months after they
	// were closed (GDPR storage limitation).
	Retention *modulario.RetentionPolicy `json:"retention,omitempty"`
	// Rules are kept as raw JSON here; the notify package interprets them.
	Rules []json.RawMessage `json:"rules,omitempty"`
	// Templates are the form's own notification templates, by name; they
	// override the built-in ones ("richiesta-ricevuta", "nuova-richiesta",
	// "aggiornamento-stato").
	Templates map[string]Template `json:"templates,omitempty"`
	// Contacts names the answers holding the citizen's contacts, for notify
	// actions that do not name a field.
	Contacts Contacts `json:"contacts,omitempty"`
}

// Template is a notification template: Markdown with placeholders such as
// {{numero}}, {{link}}, {{modulo}}, {{stato}}, {{ufficio}}, {{risposte}}
// and {{risposta.NAME}}.
type Template struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Contacts names the fields (property names or JSON pointers) that hold
// the citizen's email address, phone number and codice fiscale.
type Contacts struct {
	Email      string `json:"email,omitempty"`
	Phone      string `json:"phone,omitempty"`
	FiscalCode string `json:"fiscalCode,omitempty"`
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
	// hidden, markdown, appointment. Empty means chosen from the schema.
	Widget       string   `json:"widget,omitempty"`
	Help         string   `json:"help,omitempty"` // Markdown
	Placeholder  string   `json:"placeholder,omitempty"`
	Autocomplete string   `json:"autocomplete,omitempty"`
	InputMode    string   `json:"inputmode,omitempty"`
	Rows         int      `json:"rows,omitempty"`
	Text         string   `json:"text,omitempty"`    // Markdown, for widget "markdown"
	Accept       []string `json:"accept,omitempty"`  // media types for files
	MaxSize      int64    `json:"maxSize,omitempty"` // bytes, for files (default 10 MB)
	// Calendars are the slugs of the calendars an appointment field books
	// (widget "appointment", schema {"type":"string","format":"appuntamento"}).
	Calendars []string `json:"calendars,omitempty"`
	// Prefill lets a link to the form preset this field's answer with a
	// query parameter of the same name (?tipo_fornitura=domestica): the
	// citizen sees it filled in and can change it. Only on top-level text,
	// number, date, time, choice and checkbox fields (see prefill.go).
	Prefill bool `json:"prefill,omitempty"`
	// ErrorMessage is plain text (no Markdown) that citizens read instead
	// of the generic message when the answer does not match the field's
	// "pattern" or "format" ("Inserisci le 8 cifre del codice utente").
	ErrorMessage string `json:"errorMessage,omitempty"`
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
	// KindAppointment is a slot of one of Field.Calendars: the answer is
	// modulario.AppointmentValue(calendar, start). It is top-level and the
	// only input of its step.
	KindAppointment Kind = "appointment"
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
	// Example is the schema's first "examples" value as a control posts it
	// ("" when there is none); messages about the format quote it.
	Example string
	// ErrorMessage is ui's errorMessage: plain text shown instead of the
	// generic message for an answer that fails the pattern or the format.
	ErrorMessage string
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
	// Calendars are the calendar slugs of a KindAppointment field.
	Calendars []string
	// Children are the fields of a group, or of each item of a repeat.
	Children []*Field
	// Conditional is true when other answers decide whether the field is
	// shown (if/then/else, dependentSchemas) or required (dependentRequired).
	Conditional bool
	// ShowWhen, when not nil, is a condition the browser can evaluate live;
	// all triggers must hold. Nil for unconditional or complex conditions.
	ShowWhen []Trigger
	// RequiredWhenShown is true when the branch that shows the field under
	// ShowWhen also requires it: drawn before the condition is known (no
	// JavaScript), it is marked as required.
	RequiredWhenShown bool
	// Step is the 1-based step the field belongs to.
	Step int

	// branchOnly is true when the field is declared only inside conditional
	// branches (hidden unless one of them is active).
	branchOnly bool
	// typ is the JSON Schema type of the answer ("string", "integer", ...).
	typ string
	// constValue is the schema's "const" when hasConst.
	constValue any
	hasConst   bool
	// yesNo marks the Sì/No options made for a boolean drawn as a choice:
	// their labels follow the page's language (OptionText).
	yesNo bool
	// schemaPtr is the schema pointer of the property's (first) declaration.
	schemaPtr string
}

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

	c *compiled
}

// FieldError is one validation error.
type FieldError struct {
	Pointer string `json:"pointer"` // JSON pointer of the answer ("" = whole form)
	Message string `json:"message"` // for the citizen, in the requested language
	// Refused marks a posted value that was not kept at all (over the
	// length cap), so a step saved or left with it would lose the text.
	Refused bool `json:"-"`
}
