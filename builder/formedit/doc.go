package formedit

import (
	"errors"
	"strings"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// Doc is a form definition being edited. It keeps every key of the
// document, known or not, in its original order.
type Doc struct {
	root *object
}

// jsonSchemaDialect is the $schema of new documents.
const jsonSchemaDialect = "https://json-schema.org/draft/2020-12/schema"

// New returns a valid blank form with one step "Dati" and a default
// privacy notice.
func New(slug, title string) *Doc {
	schema := objectOf("$schema", jsonSchemaDialect, "type", "object", "properties", newObject())
	ui := objectOf("steps", []any{objectOf("title", msg.T("it", "step.default"), "fields", []any{})})
	root := objectOf("slug", slug, "title", title, "privacy", msg.T("it", "privacy.default"),
		"schema", schema, "ui", ui)
	return &Doc{root: root}
}

// Parse reads a form document. It returns EINVALID, with Fields keyed by
// JSON pointer, when raw is not JSON or not a form document.
func Parse(raw []byte) (*Doc, error) {
	if len(raw) > schemas.MaxDocumentSize {
		return nil, invalidf(nil, "doc.too_large")
	}
	v, err := decodeOrdered(raw)
	if err != nil {
		return nil, &modulario.Error{Code: modulario.EINVALID, Message: msg.T("it", "doc.not_json"),
			Fields: map[string]string{"": err.Error()}, Err: err}
	}
	root, ok := v.(*object)
	if !ok {
		return nil, invalidf(map[string]string{"": msg.T("it", "doc.not_object")}, "doc.not_form")
	}
	fields := map[string]string{}
	if _, ok := root.get("schema").(*object); !ok {
		fields["/schema"] = msg.T("it", "doc.need_object")
	} else if _, ok := root.obj("schema").get("properties").(*object); root.obj("schema").has("properties") && !ok {
		fields["/schema/properties"] = msg.T("it", "doc.need_object")
	}
	if root.has("ui") {
		if _, ok := root.get("ui").(*object); !ok {
			fields["/ui"] = msg.T("it", "doc.need_object")
		}
	}
	if root.has("rules") && root.arr("rules") == nil {
		fields["/rules"] = msg.T("it", "doc.need_array")
	}
	if len(fields) > 0 {
		return nil, invalidf(fields, "doc.not_form")
	}
	return &Doc{root: root}, nil
}

// JSON returns the document indented by two spaces, keys in their order.
func (d *Doc) JSON() []byte { return encodeOrdered(d.root) }

// Clone returns an independent copy of the document.
func (d *Doc) Clone() *Doc { return &Doc{root: clone(d.root).(*object)} }

// Check validates the document as the renderer will: schemas.Parse and
// schemas.Compile. Errors are EINVALID with Fields by JSON pointer.
func (d *Doc) Check() error {
	_, err := d.compile()
	return err
}

// compile parses and compiles the document.
func (d *Doc) compile() (*schemas.Form, error) {
	def, err := schemas.Parse(d.JSON())
	if err == nil {
		var f *schemas.Form
		if f, err = schemas.Compile(def); err == nil {
			return f, nil
		}
	}
	var e *modulario.Error
	if errors.As(err, &e) && e.Code == modulario.EINVALID {
		return nil, &modulario.Error{Code: modulario.EINVALID, Message: msg.T("it", "doc.invalid"),
			Fields: e.Fields, Err: err}
	}
	return nil, err
}

// Compile returns the compiled form (for previews and pickers).
func (d *Doc) Compile() (*schemas.Form, error) { return d.compile() }

// invalidf returns an EINVALID error with an Italian message.
func invalidf(fields map[string]string, key string, args ...any) error {
	return &modulario.Error{Code: modulario.EINVALID, Message: msg.T("it", key, args...), Fields: fields}
}

// notFoundf returns an ENOTFOUND error with an Italian message.
func notFoundf(key string, args ...any) error {
	return &modulario.Error{Code: modulario.ENOTFOUND, Message: msg.T("it", key, args...)}
}

// conflictf returns an ECONFLICT error with an Italian message.
func conflictf(key string, args ...any) error {
	return &modulario.Error{Code: modulario.ECONFLICT, Message: msg.T("it", key, args...)}
}

// schema returns the document's schema object (created when missing).
func (d *Doc) schema() *object { return d.root.ensure("schema") }

// ui returns the document's ui object (created when missing).
func (d *Doc) ui() *object { return d.root.ensure("ui") }

// steps returns the step objects of ui.steps.
func (d *Doc) steps() []*object {
	var out []*object
	for _, s := range d.ui().arr("steps") {
		if o, ok := s.(*object); ok {
			out = append(out, o)
		}
	}
	return out
}

// setSteps writes ui.steps.
func (d *Doc) setSteps(steps []*object) {
	arr := make([]any, len(steps))
	for i, s := range steps {
		arr[i] = s
	}
	d.ui().set("steps", arr)
}

// uiField returns ui.fields[path], or nil.
func (d *Doc) uiField(path string) *object { return d.ui().obj("fields").obj(path) }

// ensureUIField returns ui.fields[path], creating it.
func (d *Doc) ensureUIField(path string) *object { return d.ui().ensure("fields").ensure(path) }

// dropUIField removes ui.fields entries for path and everything below it,
// and ui.fields itself when it becomes empty.
func (d *Doc) dropUIField(path string) {
	f := d.ui().obj("fields")
	if f == nil {
		return
	}
	for _, k := range append([]string(nil), f.ks()...) {
		if k == path || strings.HasPrefix(k, path+"/") {
			f.del(k)
		}
	}
	if len(f.ks()) == 0 {
		d.ui().del("fields")
	}
}
