package renderer

// fieldsMsg holds the strings fields.go, fields_when.go and upload.go add
// to the fields of a step; init merges it into msg.
var fieldsMsg = map[string]map[string]string{
	"it": {
		"file.limits": "Formati ammessi: %s. Dimensione massima: %s.",
		"file.limit":  "Dimensione massima: %s.",
		"file.images": "immagini",

		"when.only":         "Da compilare solo se %s",
		"when.generic":      "Da compilare solo in alcuni casi, in base alle risposte precedenti",
		"when.and":          " e ",
		"when.or":           " o ",
		"when.quote":        "«%s»",
		"when.chose":        "hai scelto %s in %s",
		"when.chose.not":    "non hai scelto %s in %s",
		"when.entered":      "hai indicato %s in %s",
		"when.entered.not":  "non hai indicato %s in %s",
		"when.ticked":       "hai selezionato %s",
		"when.ticked.not":   "non hai selezionato %s",
		"when.answered":     "hai risposto a %s",
		"when.answered.not": "non hai risposto a %s",
	},
	"en": {
		"file.limits": "Accepted formats: %s. Maximum size: %s.",
		"file.limit":  "Maximum size: %s.",
		"file.images": "images",

		"when.only":         "Only if %s",
		"when.generic":      "Only in some cases, depending on your previous answers",
		"when.and":          " and ",
		"when.or":           " or ",
		"when.quote":        "“%s”",
		"when.chose":        "you chose %s in %s",
		"when.chose.not":    "you did not choose %s in %s",
		"when.entered":      "you entered %s in %s",
		"when.entered.not":  "you did not enter %s in %s",
		"when.ticked":       "you ticked %s",
		"when.ticked.not":   "you did not tick %s",
		"when.answered":     "you answered %s",
		"when.answered.not": "you did not answer %s",
	},
}

func init() {
	for lang, m := range fieldsMsg {
		for k, v := range m {
			msg[lang][k] = v
		}
	}
}
