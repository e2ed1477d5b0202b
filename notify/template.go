package notify

import (
	"strings"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/markdown"
	"github.com/modulario/modulario/schemas"
)

// Builtin are the Italian default templates; a form's templates override
// them by name. Besides the placeholders of schemas.Placeholders they use
// two blocks only they may use: {{messaggio-ufficio}} (the office's message
// as a paragraph, or nothing) and {{istruzioni-integrazione}} (how to
// answer a request for integration, or nothing).
var Builtin = map[string]schemas.Template{
	"richiesta-ricevuta": {
		Subject: "Richiesta {{numero}} ricevuta: {{modulo}}",
		Body: "Gentile cittadina, gentile cittadino,\n\n" +
			"abbiamo ricevuto la sua richiesta **{{modulo}}** il {{data}}.\n\n" +
			"Il numero della richiesta è **{{numero}}**: lo conservi per ogni comunicazione con il Comune.\n\n" +
			"{{dettagli-appuntamento}}" +
			"Può seguire lo stato della richiesta in ogni momento a questo indirizzo:\n{{link}}\n\n" +
			"La avviseremo a ogni aggiornamento.\n\nCordiali saluti,\n{{ufficio}}",
	},
	"promemoria-appuntamento": {
		Subject: "Promemoria: appuntamento di {{data_appuntamento}} alle {{ora_appuntamento}}",
		Body: "Gentile cittadina, gentile cittadino,\n\n" +
			"le ricordiamo l'appuntamento per la richiesta **{{modulo}}** numero **{{numero}}**.\n\n" +
			"{{dettagli-appuntamento}}" +
			"Se non può venire, annulli o sposti l'appuntamento dalla pagina della richiesta: " +
			"il posto tornerà libero per altre persone.\n{{link}}\n\nCordiali saluti,\n{{ufficio}}",
	},
	"appuntamento-annullato": {
		Subject: "Richiesta {{numero}}: appuntamento annullato",
		Body: "Gentile cittadina, gentile cittadino,\n\n" +
			"l'appuntamento di {{data_appuntamento}} alle {{ora_appuntamento}} ({{luogo}}) " +
			"per la richiesta **{{modulo}}** numero **{{numero}}** è stato annullato.\n\n" +
			"{{messaggio-appuntamento}}" +
			"Trova i dettagli della richiesta a questo indirizzo; se la richiesta è ancora aperta, " +
			"da lì può anche scegliere un nuovo appuntamento:\n{{link}}\n\nCordiali saluti,\n{{ufficio}}",
	},
	"appuntamento-spostato": {
		Subject: "Richiesta {{numero}}: appuntamento spostato a {{data_appuntamento}} alle {{ora_appuntamento}}",
		Body: "Gentile cittadina, gentile cittadino,\n\n" +
			"l'appuntamento per la richiesta **{{modulo}}** numero **{{numero}}** è stato spostato.\n\n" +
			"{{dettagli-appuntamento}}" +
			"{{messaggio-appuntamento}}" +
			"Trova i dettagli della richiesta a questo indirizzo:\n{{link}}\n\nCordiali saluti,\n{{ufficio}}",
	},
	"nuova-richiesta": {
		Subject: "Nuova richiesta {{numero}}: {{modulo}}",
		Body: "È arrivata una nuova richiesta **{{modulo}}**.\n\n" +
			"- Numero: **{{numero}}**\n- Data: {{data}}\n- Ufficio: {{ufficio}}\n- Pagina della richiesta: {{link}}\n\n" +
			"## Risposte\n\n{{risposte}}",
	},
	"aggiornamento-stato": {
		Subject: "Richiesta {{numero}}: {{stato}}",
		Body: "Gentile cittadina, gentile cittadino,\n\n" +
			"la sua richiesta **{{modulo}}** numero **{{numero}}** è ora: **{{stato}}**.\n\n" +
			"{{messaggio-ufficio}}{{istruzioni-integrazione}}" +
			"Trova i dettagli e la cronologia della richiesta a questo indirizzo:\n{{link}}\n\n" +
			"Cordiali saluti,\n{{ufficio}}",
	},
	"integrazione-ricevuta": {
		Subject: "Richiesta {{numero}}: integrazione ricevuta",
		Body: "Il cittadino ha risposto alla richiesta di integrazione per **{{modulo}}**.\n\n" +
			"- Numero: **{{numero}}**\n- Ufficio: {{ufficio}}\n- Scadenza: {{scadenza}}\n\n" +
			"## Messaggio del cittadino\n\n{{messaggio}}\n\n" +
			"I file allegati sono nella scheda della richiesta, nell'area riservata.",
	},
	"link-pratica": {
		Subject: "Il link per seguire la richiesta {{numero}}",
		Body: "Gentile cittadina, gentile cittadino,\n\n" +
			"ci è stato chiesto di inviarle di nuovo il link privato della richiesta **{{modulo}}** " +
			"numero **{{numero}}**, inviata il {{data}}.\n\n" +
			"Può seguire lo stato della richiesta a questo indirizzo:\n{{link}}\n\n" +
			"Non condivida il link: chi lo possiede può vedere la richiesta. " +
			"Se non ha chiesto lei il link, può ignorare questo messaggio.\n\nCordiali saluti,\n{{ufficio}}",
	},
}

// statusLabels are the statuses in Italian.
var statusLabels = map[modulario.SubmissionStatus]string{
	modulario.StatusReceived:   "ricevuta",
	modulario.StatusInCharge:   "presa in carico",
	modulario.StatusWaiting:    "in attesa di integrazione",
	modulario.StatusIntegrated: "integrazione ricevuta",
	modulario.StatusConcluded:  "conclusa",
	modulario.StatusRejected:   "respinta",
	modulario.StatusWithdrawn:  "annullata dal cittadino",
}

// builtinBlocks are the placeholders only the built-in templates use.
var builtinBlocks = []string{"messaggio-ufficio", "istruzioni-integrazione", "dettagli-appuntamento", "messaggio-appuntamento"}

// AppointmentPlaceholders are the placeholders about a request's
// appointment that every template may use (besides schemas.Placeholders).
var AppointmentPlaceholders = []string{"appuntamento", "luogo", "data_appuntamento", "ora_appuntamento", "cosa_portare"}

// integrationHelp tells the citizen how to answer a request for
// integration (block {{istruzioni-integrazione}}).
const integrationHelp = "Per rispondere apra il link della richiesta qui sotto e usi il modulo " +
	"«Rispondi all'ufficio»: può scrivere un messaggio e allegare dei file.\n\n"

// StatusLabel is a status in Italian ("presa in carico").
func StatusLabel(s modulario.SubmissionStatus) string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

// rome is the comune's clock for dates in messages.
var rome = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Rome"); err == nil {
		return loc
	}
	return time.UTC
}()

// TemplateData is what a template's placeholders are filled from.
type TemplateData struct {
	Form       *schemas.Form
	Submission *modulario.Submission
	Office     *modulario.Office // nil: none
	// Status is shown by {{stato}}; empty means the submission's status.
	Status      modulario.SubmissionStatus
	TrackingURL string
	// Files maps attachment ids to names, for file answers, and
	// appointment answers to their text.
	Files map[string]string
	// Event is the outbox event of the message ({{messaggio}} of an
	// appointment change is that change's message).
	Event string
	// Appointment is the appointment the message is about; nil: none.
	Appointment *AppointmentDetails
}

// FindTemplate returns the form's template named name, or the built-in one.
func FindTemplate(f *schemas.Form, name string) (schemas.Template, bool) {
	if f != nil {
		if t, ok := f.Def.Templates[name]; ok {
			return t, true
		}
	}
	t, ok := Builtin[name]
	return t, ok
}

// Render fills tpl's placeholders with plain string replacement: values
// are Markdown-escaped in the body (answers stay literal text) and put on
// one line in the subject. Unknown placeholders become "".
func Render(tpl schemas.Template, d TemplateData) (subject, md string) {
	subject, md, _ = render(tpl, d)
	return subject, md
}

// render returns the subject, the Markdown body and the plain-text body,
// decoding the answers once. The text body is filled without Markdown
// escaping: a link stays exactly the URL (an escaped "\_" inside a token
// would break it).
func render(tpl schemas.Template, d TemplateData) (subject, md, text string) {
	data := decodeAnswers(d.Submission.Data)
	fill := func(s string, escape bool) string {
		return schemas.ExpandPlaceholders(s, func(name string) string { return d.value(name, data, escape) })
	}
	subject = schemas.ExpandPlaceholders(tpl.Subject, func(name string) string {
		return oneLine(d.value(name, data, false))
	})
	return strings.TrimSpace(subject), fill(tpl.Body, true), fill(tpl.Body, false)
}

// RenderMessage renders tpl into m's Subject, Markdown, HTML and Text.
func RenderMessage(m *Message, tpl schemas.Template, d TemplateData) {
	m.Subject, m.Markdown, m.Text = render(tpl, d)
	m.HTML = string(markdown.ToHTMLOnce(m.Markdown)) // unique per message: not memoised
}

// value is the text of one placeholder; escape marks Markdown context.
func (d TemplateData) value(name string, data map[string]any, escape bool) string {
	esc := func(s string) string {
		if escape {
			return EscapeMarkdown(s)
		}
		return s
	}
	s := d.Submission
	switch name {
	case "numero":
		return esc(s.Number)
	case "link":
		if escape && d.TrackingURL != "" {
			// A CommonMark autolink: clickable in HTML, never escaped inside.
			return "<" + d.TrackingURL + ">"
		}
		return d.TrackingURL
	case "modulo":
		return esc(d.Form.Def.Title)
	case "stato":
		return esc(StatusLabel(d.status()))
	case "ufficio":
		if d.Office != nil {
			return esc(d.Office.Name)
		}
		return esc(s.Office)
	case "data":
		return s.CreatedAt.In(rome).Format("02/01/2006 15:04")
	case "scadenza":
		if s.DueAt == nil {
			return ""
		}
		return s.DueAt.In(rome).Format("02/01/2006")
	case "messaggio":
		if e := d.appointmentEvent(); e != nil {
			return esc(e.Message)
		}
		if e := d.statusEvent(); e != nil {
			return esc(e.Message)
		}
		return ""
	case "messaggio-appuntamento":
		if e := d.appointmentEvent(); e != nil && e.Message != "" && e.Actor != modulario.ActorCitizen {
			return "Messaggio dell'ufficio:\n\n" + esc(e.Message) + "\n\n"
		}
		return ""
	case "appuntamento", "luogo", "data_appuntamento", "ora_appuntamento", "cosa_portare", "dettagli-appuntamento":
		return d.appointmentValue(name, esc)
	case "messaggio-ufficio":
		if e := d.statusEvent(); e != nil && e.Message != "" && e.Actor != modulario.ActorCitizen {
			return "Messaggio dell'ufficio:\n\n" + esc(e.Message) + "\n\n"
		}
		return ""
	case "istruzioni-integrazione":
		if d.status() == modulario.StatusWaiting {
			return integrationHelp
		}
		return ""
	case "risposte":
		return SummaryMarkdown(d.Form.Summary(data, "it", d.Files))
	}
	if path, ok := strings.CutPrefix(name, "risposta."); ok {
		return esc(d.answer(path, data))
	}
	return ""
}

// appointmentValue fills the appointment placeholders ("" without one).
// {{cosa_portare}} is Markdown written by staff and inserted as it is.
func (d TemplateData) appointmentValue(name string, esc func(string) string) string {
	a := d.Appointment
	if a == nil {
		return ""
	}
	switch name {
	case "appuntamento":
		return esc(a.Text())
	case "luogo":
		return esc(a.Place())
	case "data_appuntamento":
		return esc(a.Date())
	case "ora_appuntamento":
		return esc(a.Clock())
	case "cosa_portare":
		return a.Bring(d.Form)
	}
	// dettagli-appuntamento: the block of the built-in templates.
	if !a.Status.Active() {
		return ""
	}
	var b strings.Builder
	b.WriteString("**Il suo appuntamento**\n\n")
	b.WriteString("- Data: " + esc(a.Date()) + "\n- Orario: " + esc(a.Clock()) + "\n- Luogo: " + esc(a.Place()) + "\n\n")
	if a.Calendar != nil && a.Calendar.Kind == modulario.CalendarVideo && strings.TrimSpace(a.Calendar.VideoInfo) != "" {
		b.WriteString("**Come si svolge la videochiamata**\n\n" + strings.TrimSpace(a.Calendar.VideoInfo) + "\n\n")
	}
	if bring := a.Bring(d.Form); bring != "" {
		b.WriteString("**Cosa portare**\n\n" + bring + "\n\n")
	}
	return b.String()
}

// appointmentEvent is the latest appointment change of the kind the
// message is about (cancelled or moved), whose Message is {{messaggio}};
// nil for other messages.
func (d TemplateData) appointmentEvent() *modulario.Event {
	var typ string
	switch d.Event {
	case modulario.EventAppointmentCancelled:
		typ = modulario.EventTypeAppointmentCancelled
	case modulario.EventAppointmentMoved:
		typ = modulario.EventTypeAppointmentMoved
	default:
		return nil
	}
	tl := d.Submission.Timeline
	for i := len(tl) - 1; i >= 0; i-- {
		if e := &tl[i]; e.Type == typ {
			return e
		} else if typ == modulario.EventTypeAppointmentCancelled && closedByOffice(e) {
			// Closing the request cancelled its future appointments: the
			// closing change's message is the cancellation's.
			return e
		}
	}
	return nil
}

// closedByOffice reports whether e moved the request to a closed status
// other than the citizen's withdrawal.
func closedByOffice(e *modulario.Event) bool {
	return e.Type == modulario.EventTypeStatusChanged && !e.Internal &&
		e.Status.Closed() && e.Status != modulario.StatusWithdrawn
}

// status is the status the message is about: Status, else the request's.
func (d TemplateData) status() modulario.SubmissionStatus {
	if d.Status != "" {
		return d.Status
	}
	return d.Submission.Status
}

// statusEvent is the latest citizen-visible change to the message's
// status, whose Message is {{messaggio}}; nil if none.
func (d TemplateData) statusEvent() *modulario.Event {
	st := d.status()
	tl := d.Submission.Timeline
	for i := len(tl) - 1; i >= 0; i-- {
		if e := &tl[i]; e.Type == modulario.EventTypeStatusChanged && !e.Internal && e.Status == st {
			return e
		}
	}
	return nil
}

// answer is one answer in display form, found by field path.
func (d TemplateData) answer(path string, data map[string]any) string {
	ptr := schemas.FieldPointer(path)
	for _, st := range d.Form.Summary(data, "it", d.Files) {
		if it, ok := findItem(st.Items, ptr); ok {
			return it.Value
		}
	}
	return ""
}

func findItem(items []schemas.SummaryItem, ptr string) (schemas.SummaryItem, bool) {
	for _, it := range items {
		if it.Pointer == ptr {
			return it, true
		}
		if found, ok := findItem(it.Children, ptr); ok {
			return found, true
		}
	}
	return schemas.SummaryItem{}, false
}

// SummaryMarkdown writes the answers as Markdown: a bold title per step
// and a list of "Label: value", nested for groups and repeat items.
func SummaryMarkdown(steps []schemas.SummaryStep) string {
	var b strings.Builder
	for i, st := range steps {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("**" + EscapeMarkdown(st.Title) + "**\n\n")
		writeItems(&b, st.Items, "")
	}
	return b.String()
}

func writeItems(b *strings.Builder, items []schemas.SummaryItem, indent string) {
	for _, it := range items {
		b.WriteString(indent + "- " + EscapeMarkdown(it.Label) + ":")
		if it.Value != "" {
			b.WriteString(" " + EscapeMarkdown(oneLine(it.Value)))
		}
		b.WriteString("\n")
		writeItems(b, it.Children, indent+"  ")
	}
}

// mdSpecial are the characters escaped in inserted values.
const mdSpecial = "\\`*_[]<>&~|#!"

// EscapeMarkdown makes s literal text in Markdown: special characters are
// backslash-escaped, a leading list or heading marker too, leading blanks
// are dropped and line breaks become hard breaks.
func EscapeMarkdown(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		var b strings.Builder
		// Leading blanks are dropped: four of them would make a code block.
		trimmed := strings.TrimLeft(line, " \t")
		for j, r := range trimmed {
			if strings.ContainsRune(mdSpecial, r) || j == 0 && strings.ContainsRune("-+=>", r) {
				b.WriteByte('\\')
			}
			if j > 0 && r == '.' && isDigits(trimmed[:j]) || j > 0 && r == ')' && isDigits(trimmed[:j]) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		lines[i] = b.String()
	}
	return strings.Join(lines, "\\\n")
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// oneLine joins the lines of s with spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
