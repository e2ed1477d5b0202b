package formedit

import (
	"github.com/modulario/modulario/schemas"
)

// prefillTypes are the palette types a link to the form may preset
// ("prefill": true): the ones drawn as visible text, number, date, time
// and choice controls. schemas refuses the option on every other field.
var prefillTypes = map[FieldType]bool{
	TypeShortText: true, TypeLongText: true, TypeNumber: true, TypeEmail: true, TypePEC: true,
	TypePhone: true, TypeFiscalCode: true, TypeVATNumber: true, TypeIBAN: true, TypeCAP: true,
	TypeDate: true, TypeTime: true, TypeRadio: true, TypeSelect: true, TypeCheckboxes: true,
	TypeYesNo: true,
}

// canPrefill reports whether the field at path, of type t, may be preset
// by a link: a top-level, visible, editable field of a prefill type whose
// name is not a reserved query parameter.
func canPrefill(path string, t FieldType, prop, ui *object) bool {
	readOnly, _ := prop.get("readOnly").(bool)
	return !isChildPath(path) && prefillTypes[t] && ui.str("widget") != "hidden" && !readOnly &&
		!prop.has("const") && !schemas.IsPrefillReserved(path)
}

// applyPrefill writes "prefill" from f, or removes it when the field (as
// retyped by the update) cannot be prefilled, so the editor never saves an
// option the definition check refuses.
func applyPrefill(f FieldView, path string, prop, ui *object) {
	if f.Prefill && canPrefill(path, f.Type, prop, ui) {
		ui.set("prefill", true)
	} else {
		ui.del("prefill")
	}
}
