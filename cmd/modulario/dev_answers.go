package main

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// Pools the seed answers are drawn from: plausible, clearly fictitious,
// and varied enough that the words of the answers make a realistic search
// index (names, streets, problems, places and details combine freely).
var (
	seedFirstNames = []string{"Maria", "Giuseppe", "Anna", "Francesco", "Giulia", "Luca", "Chiara", "Marco", "Sara", "Andrea",
		"Elena", "Paolo", "Alessandro", "Federica", "Matteo", "Valentina", "Lorenzo", "Martina", "Davide", "Francesca",
		"Simone", "Silvia", "Stefano", "Laura", "Giorgio", "Roberta", "Nicola", "Ilaria", "Antonio", "Beatrice",
		"Emanuele", "Rosa", "Salvatore", "Caterina", "Vincenzo", "Lucia", "Riccardo", "Serena", "Tommaso", "Noemi"}
	seedLastNames = []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
		"Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
		"Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
		"Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti"}
	seedStreets = []string{"Via Roma", "Via Garibaldi", "Corso Italia", "Via Mazzini", "Piazza Dante", "Via Verdi", "Viale Europa",
		"Via Cavour", "Via Matteotti", "Via Gramsci", "Piazza del Popolo", "Via XX Settembre", "Via Manzoni", "Via Leopardi",
		"Via Marconi", "Via Dante Alighieri", "Viale della Repubblica", "Via dei Mille", "Via Colombo", "Via San Francesco",
		"Via Carducci", "Via Pascoli", "Via Puccini", "Via Rossini", "Via Vittorio Veneto", "Piazza Garibaldi",
		"Via delle Rose", "Via dei Tigli", "Via del Mercato", "Largo Cairoli", "Via Nazionale", "Via Fontana Vecchia",
		"Vicolo del Forno", "Via della Stazione", "Via del Porto", "Viale dei Pini", "Via Santa Chiara", "Borgo San Rocco"}
	seedProblems = []string{"Buca profonda sull'asfalto", "Lampione spento", "Cassonetto della carta non svuotato",
		"Perdita d'acqua dal marciapiede", "Rifiuti ingombranti abbandonati", "Semaforo guasto", "Albero pericolante",
		"Tombino otturato", "Segnaletica orizzontale cancellata", "Marciapiede dissestato", "Graffiti sul muro della scuola",
		"Panchina rotta nel parco", "Rumore notturno dal cantiere", "Allagamento dopo la pioggia", "Auto abbandonata",
		"Fontanella senza acqua", "Erba alta nell'aiuola", "Cartello stradale piegato", "Topi vicino ai cassonetti",
		"Scarico abusivo di macerie", "Ringhiera arrugginita del ponte", "Giochi rotti nell'area bimbi"}
	seedPlaces = []string{"davanti al civico", "all'incrocio con", "vicino alla fermata dell'autobus di", "accanto alla farmacia di",
		"di fronte alla scuola di", "nel parcheggio di", "sotto il portico di", "all'angolo tra la piazza e"}
	seedDetails = []string{"Il problema dura da tre giorni.", "È pericoloso per pedoni e ciclisti.",
		"L'ho già segnalato la settimana scorsa senza risposta.", "Allego la descrizione del punto esatto.",
		"Chiedo un intervento urgente prima di sera.", "Di notte la zona è completamente buia.",
		"Gli anziani del quartiere hanno difficoltà a passare.", "Vorrei sapere i tempi previsti per la risposta.",
		"Chiedo informazioni sui documenti necessari per la pratica.", "Resto disponibile per un sopralluogo.",
		"Ringrazio per l'attenzione.", "La situazione peggiora con il maltempo."}
	// seedSentences pad answers that need a minimum length.
	seedSentences = seedDetails
)

// answerGen draws answers for a compiled form's fields.
type answerGen struct {
	rng *rand.Rand
	// person is the citizen the current answers describe.
	first, last string
}

// answers returns one set of answers for f: every field of every step
// answered, then the branches the answers hide pruned away.
func (g *answerGen) answers(f *schemas.Form) map[string]any {
	g.first = seedFirstNames[g.rng.IntN(len(seedFirstNames))]
	g.last = seedLastNames[g.rng.IntN(len(seedLastNames))]
	data := map[string]any{}
	for _, st := range f.Steps {
		for _, fl := range st.Fields {
			if v, ok := g.value(fl); ok {
				data[fl.Name] = v
			}
		}
	}
	return f.Prune(data)
}

// object answers the children of a group or of one repeat item.
func (g *answerGen) object(children []*schemas.Field) map[string]any {
	obj := map[string]any{}
	for _, c := range children {
		if v, ok := g.value(c); ok {
			obj[c.Name] = v
		}
	}
	return obj
}

// value is an answer for fl, or false for fields with no answer (files,
// informative text, hidden fields).
func (g *answerGen) value(fl *schemas.Field) (any, bool) {
	switch fl.Kind {
	case schemas.KindMarkdown, schemas.KindFile, schemas.KindHidden:
		return nil, false
	case schemas.KindGroup:
		return g.object(fl.Children), true
	case schemas.KindRepeat:
		n := 1 + g.rng.IntN(2)
		if fl.MinItems != nil && *fl.MinItems > n {
			n = *fl.MinItems
		}
		items := make([]any, n)
		for i := range items {
			items[i] = g.object(fl.Children)
		}
		return items, true
	case schemas.KindCheckbox:
		return true, true
	case schemas.KindCheckboxes:
		if len(fl.Options) == 0 {
			return nil, false
		}
		return []any{fl.Options[g.rng.IntN(len(fl.Options))].Value}, true
	case schemas.KindRadio, schemas.KindSelect:
		if len(fl.Options) == 0 {
			return nil, false
		}
		return fl.Options[g.rng.IntN(len(fl.Options))].Value, true
	case schemas.KindNumber:
		return g.number(fl), true
	case schemas.KindDate:
		return time.Now().AddDate(0, 0, -g.rng.IntN(60)).Format("2006-01-02"), true
	case schemas.KindTime:
		return fmt.Sprintf("%02d:%02d", 8+g.rng.IntN(10), 15*g.rng.IntN(4)), true
	case schemas.KindDateTime:
		return time.Now().AddDate(0, 0, g.rng.IntN(30)).Format("2006-01-02T15:04"), true
	case schemas.KindAppointment:
		// A well-formed placeholder: fakeSubmission gives each request a
		// real past slot (see dev_appointments.go).
		if len(fl.Calendars) == 0 {
			return nil, false
		}
		return modulario.AppointmentValue(fl.Calendars[0], time.Now().Truncate(time.Hour)), true
	}
	return g.text(fl), true
}

// number is within the field's limits.
func (g *answerGen) number(fl *schemas.Field) any {
	lo, hi := 1.0, 100.0
	if fl.Minimum != nil {
		lo = *fl.Minimum
	}
	if fl.ExclusiveMin != nil {
		lo = *fl.ExclusiveMin + 1
	}
	if fl.Maximum != nil {
		hi = *fl.Maximum
	}
	if fl.ExclusiveMax != nil {
		hi = *fl.ExclusiveMax - 1
	}
	if hi < lo {
		hi = lo
	}
	return float64(int(lo) + g.rng.IntN(int(hi-lo)+1))
}

// text is a string answer suited to the field's format and name.
func (g *answerGen) text(fl *schemas.Field) string {
	name := strings.ToLower(fl.Name)
	if fl.Pattern != "" {
		if s, ok := g.patterned(fl.Pattern); ok {
			return s
		}
	}
	var s string
	switch {
	case fl.Format == "email" || strings.Contains(name, "email") || strings.Contains(name, "pec"):
		s = strings.ToLower(strings.NewReplacer(" ", "", "'", "").Replace(g.first+"."+g.last)) + "@example.it"
	case fl.Format == "codice-fiscale":
		s = g.codiceFiscale()
	case fl.Format == "telefono" || strings.Contains(name, "telefono") || strings.Contains(name, "cellulare"):
		s = fmt.Sprintf("33%d%07d", g.rng.IntN(10), g.rng.IntN(10000000))
	case fl.Format == "cap" || name == "cap":
		s = fmt.Sprintf("%05d", 100+g.rng.IntN(99000))
	case fl.Format == "partita-iva":
		s = "01114601006"
	case fl.Format == "iban":
		s = "IT60X0542811101000000123456"
	case fl.Format == "targa":
		s = "AB123CD"
	case strings.Contains(name, "cognome"):
		s = g.last
	case strings.Contains(name, "nome"):
		s = g.first
	case strings.Contains(name, "indirizzo") || strings.Contains(name, "via"):
		s = g.street()
	case fl.Kind == schemas.KindTextarea:
		s = g.description()
	default:
		s = pick(g.rng, seedProblems)
		s = fmt.Sprintf("%s %d", s[:strings.IndexAny(s+" ", " ,.'")], g.rng.IntN(1000))
	}
	return fitLength(s, fl)
}

// street is an address: street and house number.
func (g *answerGen) street() string {
	return fmt.Sprintf("%s %d", pick(g.rng, seedStreets), 1+g.rng.IntN(120))
}

// description is a problem report: what, where, and one or two details.
func (g *answerGen) description() string {
	s := fmt.Sprintf("%s %s %s. %s", pick(g.rng, seedProblems), pick(g.rng, seedPlaces), g.street(), pick(g.rng, seedDetails))
	if g.rng.IntN(2) == 0 {
		s += " " + pick(g.rng, seedDetails)
	}
	return s
}

// pick is a random element of list.
func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

// patterned tries digit and alphanumeric strings of common lengths
// against a field's pattern: enough for codes such as "^[0-9]{8}$".
func (g *answerGen) patterned(pattern string) (string, bool) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return "", false
	}
	const alnum = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
	for _, n := range []int{8, 6, 10, 5, 4, 11, 12, 16, 3, 2, 1} {
		digits, code := make([]byte, n), make([]byte, n)
		for i := range n {
			digits[i] = byte('0' + g.rng.IntN(10))
			code[i] = alnum[g.rng.IntN(len(alnum))]
		}
		for _, s := range []string{string(digits), string(code)} {
			if re.MatchString(s) {
				return s, true
			}
		}
	}
	return "", false
}

// fitLength pads or cuts s to the field's length limits.
func fitLength(s string, fl *schemas.Field) string {
	if fl.MinLength != nil {
		for len([]rune(s)) < *fl.MinLength {
			s += " " + seedSentences[0]
		}
	}
	if fl.MaxLength != nil && len([]rune(s)) > *fl.MaxLength {
		s = strings.TrimSpace(string([]rune(s)[:*fl.MaxLength]))
	}
	return s
}

// codiceFiscale is a well-formed codice fiscale with its check letter.
func (g *answerGen) codiceFiscale() string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	const months = "ABCDEHLMPRST"
	b := make([]byte, 0, 16)
	for range 6 {
		b = append(b, letters[g.rng.IntN(26)])
	}
	b = fmt.Appendf(b, "%02d%c%02d%c%03d", 40+g.rng.IntN(60), months[g.rng.IntN(12)], 1+g.rng.IntN(28),
		letters[g.rng.IntN(26)], 100+g.rng.IntN(900))
	return string(append(b, schemas.CodiceFiscaleCheck(string(b))))
}
