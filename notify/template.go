package notify

import (
	"regexp"
	"strings"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/markdown"
	"github.com/modulario/modulario/schemas"
)

// Builtin are the Italian default templates; a form's templates override
// them by name. Besides the placeholders of schemas.Placeholders they use
// blocks only they may use (builtinBlocks): {{messaggio-ufficio}} (the
// office's message as a paragraph, or nothing), {{istruzioni-integrazione}}
// (how to answer a request for integration, or nothing) and the
// appointment's details. The templates to the office link the request's
// back-office page ({{link_ufficio}}), never the citizen's private
// tracking link: whoever holds that link can act as the citizen.
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
			"- Numero: **{{numero}}**\n- Data: {{data}}\n- Ufficio: {{ufficio}}\n" +
			"- Pagina della richiesta (area riservata): {{link_ufficio}}\n\n" +
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
	"aggiornamento-stato-ufficio": {
		Subject: "Richiesta {{numero}} ({{modulo}}): {{stato}}",
		Body: "La richiesta **{{modulo}}** numero **{{numero}}** è ora: **{{stato}}**.\n\n" +
			"- Ufficio: {{ufficio}}\n- Data di invio: {{data}}\n\n" +
			"Pagina della richiesta (area riservata):\n{{link_ufficio}}",
	},
	"integrazione-ricevuta": {
		Subject: "Richiesta {{numero}}: integrazione ricevuta",
		Body: "Il cittadino ha risposto alla richiesta di integrazione per **{{modulo}}**.\n\n" +
			"- Numero: **{{numero}}**\n- Ufficio: {{ufficio}}\n- Scadenza: {{scadenza}}\n\n" +
			"## Messaggio del cittadino\n\n{{messaggio}}\n\n" +
			"I file allegati sono nella scheda della richiesta, nell'area riservata:\n{{link_ufficio}}",
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

// BuiltinText are the short plain-text versions of the built-in templates
// to the citizen, used by the sms and whatsapp channels when the form does
// not override the template: no Markdown, characters of the GSM 7-bit
// alphabet only (an "È" or a "…" would turn the SMS into UCS-2, 70
// characters a segment), and the link at the end, which the provider never
// cuts (see fitText).
var BuiltinText = map[string]schemas.Template{
	"richiesta-ricevuta":      {Body: "Richiesta {{numero}} ricevuta: {{modulo}}. Segua la pratica qui: {{link}}"},
	"aggiornamento-stato":     {Body: "Richiesta {{numero}} ({{modulo}}): ora {{stato}}. Dettagli: {{link}}"},
	"link-pratica":            {Body: "Link privato della richiesta {{numero}} ({{modulo}}), non lo condivida: {{link}}"},
	"promemoria-appuntamento": {Body: "Promemoria: appuntamento {{data_appuntamento}} ore {{ora_appuntamento}}, {{luogo}}. Per annullarlo o spostarlo: {{link}}"},
	"appuntamento-annullato":  {Body: "Appuntamento {{data_appuntamento}} ore {{ora_appuntamento}} annullato (richiesta {{numero}}). Dettagli: {{link}}"},
	"appuntamento-spostato":   {Body: "Appuntamento spostato a {{data_appuntamento}} ore {{ora_appuntamento}}, {{luogo}} (richiesta {{numero}}). Dettagli: {{link}}"},
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
	// StaffURL is the request's page in the back office ({{link_ufficio}}).
	StaffURL string
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

// findTextTemplate returns the template named name for a text message
// (SMS, WhatsApp): the form's own, with its Markdown syntax removed, else
// the built-in plain-text version, else the built-in template without
// Markdown.
func findTextTemplate(f *schemas.Form, name string) (schemas.Template, bool) {
	if t, ok := BuiltinText[name]; ok && (f == nil || f.Def.Templates[name] == (schemas.Template{})) {
		return t, true
	}
	t, ok := FindTemplate(f, name)
	t.Body = stripMarkdown(t.Body)
	return t, ok
}

// mdSyntax matches the Markdown of a template that a text message would
// show literally: emphasis markers, heading and quote markers at a line
// start, autolink brackets, and links (kept as "text (url)").
var (
	mdEmphasis = regexp.MustCompile(`\*\*|__|~~|\x60`)
	mdLineMark = regexp.MustCompile(`(?m)^[ \t]*(?:#{1,6}|>)[ \t]*`)
	mdAutolink = regexp.MustCompile(`<((?:https?://|mailto:)[^\s<>]+|\{\{[^{}<>]+\}\})>`)
	mdLink     = regexp.MustCompile(`\[([^\]\n]*)\]\(([^)\s]+)\)`)
)

// stripMarkdown removes the Markdown syntax of a template's text (never of
// the answers filled in later).
func stripMarkdown(s string) string {
	s = mdLink.ReplaceAllString(s, "$1 ($2)")
	s = mdAutolink.ReplaceAllString(s, "$1")
	s = mdLineMark.ReplaceAllString(s, "")
	return mdEmphasis.ReplaceAllString(s, "")
}

// Render fills tpl's placeholders with plain string replacement: values
// are Markdown-escaped in the body (answers stay literal text) and put on
// one line in the subject. Unknown placeholders become "".
func Render(tpl schemas.Template, d TemplateData) (subject, md string) {
	subject, md, _ = render(tpl, d)
	return subject, md
}

// MaxSubject caps a rendered subject, in characters: an answer placed in
// a subject must not make the e-mail undeliverable (RFC 5322 lines).
const MaxSubject = 200

// render returns the subject, the Markdown body and the plain-text body,
// decoding the answers once. The text body is filled without Markdown
// escaping: a link stays exactly the URL (an escaped "\_" inside a token
// would break it). The subject is one line of at most MaxSubject
// characters. URLs the template itself writes become autolinks, since the
// HTML is rendered without Linkify: URLs in the answers stay text.
func render(tpl schemas.Template, d TemplateData) (subject, md, text string) {
	data := decodeAnswers(d.Submission.Data)
	fill := func(s string, escape bool) string {
		return schemas.ExpandPlaceholders(s, func(name string) string { return d.value(name, data, escape) })
	}
	subject = schemas.ExpandPlaceholders(tpl.Subject, func(name string) string {
		return oneLine(d.value(name, data, false))
	})
	return truncateWords(strings.TrimSpace(subject), MaxSubject), fill(autolinkURLs(tpl.Body), true), fill(tpl.Body, false)
}

// bareURL matches an http(s) URL written in a template at a line start or
// after a space, so not one already in <…> or [text](…).
var bareURL = regexp.MustCompile(`(^|[\s])(https?://[^\s<>{}]*[^\s<>{}.,;:!?)'"])`)

// autolinkURLs wraps the bare URLs of a template in <…>, except one that
// goes on with a placeholder ("https://x.it/?n={{numero}}"), whose value
// would be escaped for Markdown inside the autolink.
func autolinkURLs(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range bareURL.FindAllStringSubmatchIndex(s, -1) {
		start, end := m[4], m[5]
		if end < len(s) && s[end] == '{' {
			continue
		}
		b.WriteString(s[last:start] + "<" + s[start:end] + ">")
		last = end
	}
	return b.String() + s[last:]
}

// RenderMessage renders tpl into m's Subject, Markdown, HTML and Text.
// The HTML has no Linkify: a URL or address a citizen typed stays text in
// the office's mailbox, where a link would help phishing.
func RenderMessage(m *Message, tpl schemas.Template, d TemplateData) {
	m.Subject, m.Markdown, m.Text = render(tpl, d)
	m.HTML = string(markdown.ToHTMLOnceNoLinkify(m.Markdown)) // unique per message: not memoised
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
	case "link", "link_ufficio":
		u := d.TrackingURL
		if name == "link_ufficio" {
			u = d.StaffURL
		}
		if escape && u != "" {
			// A CommonMark autolink: clickable in HTML, never escaped inside.
			return "<" + u + ">"
		}
		return u
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
		if !escape {
			return SummaryText(d.Form.Summary(data, "it", d.Files))
		}
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
	return summary(steps, EscapeMarkdown)
}

// SummaryText writes the answers with SummaryMarkdown's layout but
// without Markdown escapes, for the plain-text part: an address
// "mario_rossi@example.it" stays exactly that.
func SummaryText(steps []schemas.SummaryStep) string {
	return summary(steps, func(s string) string { return s })
}

func summary(steps []schemas.SummaryStep, esc func(string) string) string {
	var b strings.Builder
	for i, st := range steps {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("**" + esc(st.Title) + "**\n\n")
		writeItems(&b, st.Items, "", esc)
	}
	return b.String()
}

func writeItems(b *strings.Builder, items []schemas.SummaryItem, indent string, esc func(string) string) {
	for _, it := range items {
		b.WriteString(indent + "- " + esc(it.Label) + ":")
		if it.Value != "" {
			b.WriteString(" " + esc(oneLine(it.Value)))
		}
		b.WriteString("\n")
		writeItems(b, it.Children, indent+"  ", esc)
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
