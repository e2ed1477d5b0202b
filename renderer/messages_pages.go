package renderer

// pagesMsg holds the strings of the catalogue, landing pages, settings in
// the layout and staff previews; init merges it into msg.
var pagesMsg = map[string]map[string]string{
	"it": {
		"footer.contacts":       "Contatti",
		"footer.links":          "Link utili",
		"catalogue.search":      "Cerca tra servizi e pagine",
		"catalogue.search_btn":  "Cerca",
		"catalogue.categories":  "Categorie",
		"catalogue.results":     "Risultati per «%s»: %d",
		"catalogue.no_results":  "Nessun servizio o pagina corrisponde a «%s».",
		"catalogue.clear":       "Mostra tutti i servizi",
		"catalogue.service":     "Servizio online",
		"catalogue.page":        "Pagina informativa",
		"catalogue.pages_other": "Informazioni",
		"preview.banner_title":  "Anteprima.",
		"preview.banner":        "Questa è una versione non pubblicata del modulo: le risposte non vengono inviate.",
		"preview.done_title":    "Anteprima completata",
		"preview.done":          "Anteprima: tutte le risposte sono valide, nessuna richiesta è stata inviata.",
		"preview.restart":       "Ricomincia l'anteprima",
		"preview.bad":           "Il link di anteprima non è valido.",
		"preview.expired":       "Il link di anteprima è scaduto: aprine uno nuovo dall'editor del modulo.",
	},
	"en": {
		"footer.contacts":       "Contacts",
		"footer.links":          "Useful links",
		"catalogue.search":      "Search services and pages",
		"catalogue.search_btn":  "Search",
		"catalogue.categories":  "Categories",
		"catalogue.results":     "Results for “%s”: %d",
		"catalogue.no_results":  "No service or page matches “%s”.",
		"catalogue.clear":       "Show every service",
		"catalogue.service":     "Online service",
		"catalogue.page":        "Information page",
		"catalogue.pages_other": "Information",
		"preview.banner_title":  "Preview.",
		"preview.banner":        "This is an unpublished version of the form: answers are not sent.",
		"preview.done_title":    "Preview completed",
		"preview.done":          "Preview: every answer is valid, no request was sent.",
		"preview.restart":       "Start the preview again",
		"preview.bad":           "The preview link is not valid.",
		"preview.expired":       "The preview link has expired: open a new one from the form editor.",
	},
}

func init() {
	for lang, m := range pagesMsg {
		for k, v := range m {
			msg[lang][k] = v
		}
	}
}
