package builder

import "github.com/modulario/modulario/i18n"

// Strings of the forms and pages part of /api/v1 (problem details).
var _ = addMessages(i18n.Catalog{
	"it": {
		"api.need_type":             "Il corpo deve essere in uno di questi formati: %s.",
		"api.form_not_found":        "Il modulo non esiste o non è di un ufficio di questo token.",
		"api.version_not_found":     "Questa versione del modulo non esiste.",
		"api.form_office_required":  "Indica l'ufficio (office) che riceve le richieste del modulo.",
		"api.form_office_forbidden": "Questo token non può gestire i moduli dell'ufficio «%s».",
		"api.form_conflict":         "Il modulo è stato modificato nel frattempo: rileggilo e riprova.",
		"api.form_no_draft":         "Il modulo non ha una bozza da pubblicare.",
		"api.form_cannot_publish":   "La bozza non può essere pubblicata: correggi i problemi elencati.",
		"api.precondition":          "La versione indicata in If-Match o If-None-Match non è quella attuale: rileggi il modulo e riprova.",
		"api.pages_forbidden":       "Questo token non può gestire le pagine informative.",
		"api.page_not_found":        "La pagina non esiste.",
		"api.page_slug":             "L'indirizzo nel corpo deve essere «%s», quello dell'URL.",
		"api.title.412":             "Precondizione non soddisfatta",
	},
	"en": {
		"api.need_type":             "The body must be in one of these formats: %s.",
		"api.form_not_found":        "The form does not exist or is not of an office of this token.",
		"api.version_not_found":     "This version of the form does not exist.",
		"api.form_office_required":  "Name the office that receives the form's requests (office).",
		"api.form_office_forbidden": "This token cannot manage the forms of the office “%s”.",
		"api.form_conflict":         "The form was changed in the meantime: read it again and retry.",
		"api.form_no_draft":         "The form has no draft to publish.",
		"api.form_cannot_publish":   "The draft cannot be published: fix the problems listed.",
		"api.precondition":          "The version named in If-Match or If-None-Match is not the current one: read the form again and retry.",
		"api.pages_forbidden":       "This token cannot manage the information pages.",
		"api.page_not_found":        "The page does not exist.",
		"api.page_slug":             "The address in the body must be “%s”, the URL's.",
		"api.title.412":             "Precondition failed",
	},
})
