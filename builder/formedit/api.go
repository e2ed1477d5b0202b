// Package formedit is the no-code editing model of form definitions: it
// reads a form document (see schemas.Definition) into a View that the staff
// editor shows, and applies each edit as an operation on the document
// itself. The JSON document stays the single source of truth, so the
// no-code editor and "Modifica JSON" agree by construction; parts the
// editor cannot express are kept untouched and shown as advanced.
package formedit

// API FILE: the exported types below are what builder/ codes against.
// Operations live in doc.go, ops_steps.go, ops_fields.go, conditions.go,
// rules.go, diff.go, view.go and gallery.go.

// FieldType is a palette entry: the kind of field staff add.
type FieldType string

// The palette types. TypeAdvanced marks a field the editor cannot express.
const (
	TypeShortText  FieldType = "testo-breve"
	TypeLongText   FieldType = "testo-lungo"
	TypeNumber     FieldType = "numero"
	TypeEmail      FieldType = "email"
	TypePEC        FieldType = "pec"
	TypePhone      FieldType = "telefono"
	TypeFiscalCode FieldType = "codice-fiscale"
	TypeVATNumber  FieldType = "partita-iva"
	TypeIBAN       FieldType = "iban"
	TypeCAP        FieldType = "cap"
	TypeDate       FieldType = "data"
	TypeTime       FieldType = "ora"
	TypeRadio      FieldType = "scelta-singola"
	TypeSelect     FieldType = "elenco"
	TypeCheckboxes FieldType = "scelta-multipla"
	TypeYesNo      FieldType = "si-no"
	TypeConsent    FieldType = "consenso"
	TypeFile       FieldType = "file"
	TypePhoto      FieldType = "foto"
	TypeAddress    FieldType = "indirizzo"
	TypeRepeat     FieldType = "gruppo-ripetibile"
	TypeInfo       FieldType = "testo-informativo"
	// TypeAppointment is a slot booked on one or more calendars
	// ({"type": "string", "format": "appuntamento"} with ui {"widget":
	// "appointment", "calendars": [...]}); it takes a whole step.
	TypeAppointment FieldType = "appuntamento"
	TypeAdvanced    FieldType = "avanzato"
	TypeGroup       FieldType = "gruppo" // a nested object that is not an address
)

// PaletteEntry is one button of the field palette.
type PaletteEntry struct {
	Type  FieldType
	Label string // Italian
	Hint  string // Italian, one short sentence
}

// Events a rule can react to.
const (
	EventReceived      = "submission.received"
	EventStatusChanged = "submission.status_changed"
)

// Condition operators ("mostra solo se [campo] [op] [valore]").
const (
	OpEq   = "eq"   // è uguale a (one value)
	OpIn   = "in"   // è uno tra (several values)
	OpTrue = "true" // è vero (a sì/no or consenso field)
	OpGt   = "gt"   // è maggiore di (a number)
)

// Condition is a simple condition on another top-level field.
type Condition struct {
	Field  string   // path of the field the condition reads
	Op     string   // OpEq, OpIn, OpTrue or OpGt
	Values []string // as the HTML control posts them; empty for OpTrue
}

// Option is one choice of a choice field.
type Option struct {
	Value string
	Label string
}

// Meta is the descriptive part of a form.
type Meta struct {
	Slug         string
	Title        string
	Summary      string
	Description  string // Markdown
	Requirements string // Markdown, "Cosa serve"
	Category     string
	Office       string // office slug
	Privacy      string // Markdown
	Confirmation string // Markdown
	// DeadlineDays is "deadline_days": days to conclude a request, 0 none.
	DeadlineDays int
	// RetentionMonths and RetentionAction are "retention": months after
	// closing when concluded requests are deleted or anonymised
	// ("delete", "anonymise"); 0 and "" for none.
	RetentionMonths int
	RetentionAction string
}

// FieldView is one field as the editor shows it.
type FieldView struct {
	// Path is the field's ui key: "email", "indirizzo/cap", "figli/nome".
	Path        string
	Name        string // last segment of Path (the property name)
	Type        FieldType
	Label       string
	Help        string // Markdown
	Placeholder string
	Required    bool
	Options     []Option
	MinLength   *int
	MaxLength   *int
	Minimum     *float64
	Maximum     *float64
	MinItems    *int
	MaxItems    *int
	Accept      []string // media types, for file and foto
	MaxSizeMB   int      // for file and foto
	Text        string   // Markdown of a testo-informativo
	// Calendars are the calendar slugs an appuntamento field books.
	Calendars []string
	// Prefill is "precompilabile da link" (ui "prefill"); CanPrefill says
	// whether the field may have it (top-level, visible, a simple type).
	Prefill    bool
	CanPrefill bool
	// Condition is "mostra solo se"; nil means always shown.
	Condition *Condition
	// Children are the fields of an indirizzo, gruppo or gruppo-ripetibile.
	Children []FieldView
	// Advanced is true when part of the field can only be edited in JSON;
	// AdvancedReason says which part, in Italian.
	Advanced       bool
	AdvancedReason string
}

// StepView is one step of the form.
type StepView struct {
	Index  int // 0-based
	Title  string
	Intro  string // Markdown
	Fields []FieldView
	// Condition is set when every answerable field of the step shares it.
	Condition *Condition
}

// FieldRef is an answerable field, for condition and rule pickers.
type FieldRef struct {
	Path    string
	Label   string
	Type    FieldType
	Options []Option
	Step    int // 0-based step index
}

// RuleView is one rule of the form.
type RuleView struct {
	Index int
	Name  string
	On    string      // EventReceived or EventStatusChanged
	When  []Condition // all must hold; empty means always
	Route string      // office slug, or ""
	// EmailTo lists "office", "citizen" or fixed email addresses.
	EmailTo  []string
	Webhook  string // webhook endpoint name (slug), or ""
	Tag      string
	Priority string // "", bassa, normale, alta, urgente
	Stop     bool
	// Advanced rules (a complex "when" or actions the editor cannot show)
	// are listed read-only and never rewritten by the editor.
	Advanced bool
}

// View is what the editor shows of a document.
type View struct {
	Meta   Meta
	Steps  []StepView
	Rules  []RuleView
	Fields []FieldRef // every answerable top-level field, in step order
}

// Change is one readable difference between two versions.
type Change struct {
	Kind string // "added", "removed" or "changed"
	What string // Italian: "Campo «Email» (passo 2)"
	From string
	To   string
}

// Template is a gallery entry to start a form from.
type Template struct {
	Slug        string
	Title       string
	Description string
	Category    string
	Definition  []byte
}

// The operations, all methods of *Doc (see doc.go for New, Parse, JSON,
// Check and View):
//
//	SetMeta(m Meta) error
//	AddStep(title string) (int, error)
//	UpdateStep(i int, title, intro string) error
//	MoveStep(i, delta int) error
//	DeleteStep(i int) error
//	SetStepCondition(i int, c *Condition) error
//	AddField(step int, t FieldType, label string) (string, error)
//	AddAppointment(step int, label string, calendars []string) (string, error)
//	AddChild(groupPath string, t FieldType, label string) (string, error)
//	Field(path string) (FieldView, error)
//	UpdateField(path string, f FieldView) error
//	MoveField(path string, delta int) error
//	MoveFieldToStep(path string, step int) error
//	DeleteField(path string) error
//	SetCondition(path string, c *Condition) error
//	AddRule(r RuleView) (int, error)
//	UpdateRule(i int, r RuleView) error
//	DeleteRule(i int) error
//	MoveRule(i, delta int) error
//
// and the functions Diff(old, new []byte) []Change, Templates() []Template,
// FindTemplate(slug string) (Template, error) and
// FromTemplate(t Template, slug, title string) (*Doc, error).
//
// Errors are *modulario.Error: EINVALID with an Italian Message and Fields
// keyed by the editor's input names (slug, title, privacy, office, label,
// type, placeholder, options, min_length, max_length, maximum, min_items,
// max_items, accept, max_size_mb, calendars, condition_field, condition_op,
// condition_value, name, on, route, webhook, tag, priority, email_to,
// then, when); ENOTFOUND for a missing step, field or rule; ECONFLICT for
// a field other fields or rules depend on, and for advanced conditions and
// rules (edited only in JSON). A refused operation leaves the document
// unchanged. A Doc is not safe for concurrent use.
