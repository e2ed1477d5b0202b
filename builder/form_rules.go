package builder

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder/formedit"
)

// ruleCondRows is how many condition rows the rule page shows beyond the
// rule's own conditions.
const ruleCondRows = 1

// ruleRow is one rule as the rules tab lists it.
type ruleRow struct {
	formedit.RuleView
	Number      int
	Sentence    string
	First, Last bool
}

// rulesData is the data of the rules tab.
type rulesData struct{ Rows []ruleRow }

// ruleData is the data of the page of one rule.
type ruleData struct {
	Number     int // 0 for a new rule
	Rule       formedit.RuleView
	Conds      []*condEditor
	Offices    []*modulario.Office
	ToOffice   bool
	ToCitizen  bool
	OtherEmail string
	Priorities []string
}

// ruleRoutes registers the rules tab, the versions and publishing.
func (s *Server) ruleRoutes(get, post func(string, echo.HandlerFunc)) {
	get("/:slug/regole", s.ruleList)
	get("/:slug/regole/nuova", s.ruleNew)
	post("/:slug/regole", s.ruleCreate)
	get("/:slug/regole/:rule", s.ruleEdit)
	post("/:slug/regole/:rule", s.ruleSave)
	post("/:slug/regole/:rule/sposta", s.ruleMove)
	post("/:slug/regole/:rule/elimina", s.ruleDelete)
}

// ruleList shows the rules of a form as sentences.
func (s *Server) ruleList(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	offices, err := s.cfg.Offices.ListOffices(c.Request().Context())
	if err != nil {
		return err
	}
	view := ed.Doc.View()
	d := &rulesData{}
	for i, r := range view.Rules {
		d.Rows = append(d.Rows, ruleRow{RuleView: r, Number: i + 1, First: i == 0, Last: i == len(view.Rules)-1,
			Sentence: s.ruleSentence(c, r, view, offices)})
	}
	return s.renderEditor(c, http.StatusOK, ed, "rules", s.t(c, "fe.tab.rules"), d, nil)
}

// ruleSentence reads a rule aloud: "Quando arriva una richiesta e «Tipo»
// è uguale a «Perdita», assegna all'ufficio Acquedotto e invia email a ufficio".
func (s *Server) ruleSentence(c echo.Context, r formedit.RuleView, view *formedit.View, offices []*modulario.Office) string {
	var b strings.Builder
	if r.On == formedit.EventStatusChanged {
		b.WriteString(s.t(c, "fe.rule.when_status"))
	} else {
		b.WriteString(s.t(c, "fe.rule.when_received"))
	}
	for _, cond := range r.When {
		b.WriteString(" " + s.t(c, "fe.rule.and") + " " + s.condText(c, &cond, view))
	}
	var acts []string
	if r.Route != "" {
		acts = append(acts, s.t(c, "fe.rule.act_route", officeName(offices, r.Route)))
	}
	if len(r.EmailTo) > 0 {
		to := make([]string, len(r.EmailTo))
		for i, e := range r.EmailTo {
			to[i] = s.recipient(c, e)
		}
		acts = append(acts, s.t(c, "fe.rule.act_email", strings.Join(to, ", ")))
	}
	if r.Webhook != "" {
		acts = append(acts, s.t(c, "fe.rule.act_webhook", r.Webhook))
	}
	if r.Tag != "" {
		acts = append(acts, s.t(c, "fe.rule.act_tag", r.Tag))
	}
	if r.Priority != "" {
		acts = append(acts, s.t(c, "fe.rule.act_priority", r.Priority))
	}
	if len(acts) > 0 {
		b.WriteString(", " + strings.Join(acts, " "+s.t(c, "fe.rule.and")+" "))
	}
	if r.Stop {
		b.WriteString(". " + s.t(c, "fe.rule.stop"))
	}
	return b.String()
}

// recipient names an email recipient in Italian.
func (s *Server) recipient(c echo.Context, to string) string {
	switch to {
	case "office":
		return s.t(c, "fe.rule.to_office")
	case "citizen":
		return s.t(c, "fe.rule.to_citizen")
	}
	return s.t(c, "fe.rule.to_address", to)
}

// officeName returns an office's name, or its slug when unknown.
func officeName(offices []*modulario.Office, slug string) string {
	for _, o := range offices {
		if o.Slug == slug {
			return o.Name
		}
	}
	return slug
}

// ruleNew shows an empty rule.
func (s *Server) ruleNew(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	r := formedit.RuleView{On: formedit.EventReceived}
	return s.renderRule(c, http.StatusOK, ed, 0, r, nil, nil)
}

// ruleEdit shows a rule; advanced rules are edited in JSON only.
func (s *Server) ruleEdit(c echo.Context) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	n, r, err := s.ruleAt(c, ed)
	if err != nil {
		return err
	}
	return s.renderRule(c, http.StatusOK, ed, n, r, nil, nil)
}

// ruleAt returns the rule named by :rule (1-based) and its number.
func (s *Server) ruleAt(c echo.Context, ed *editing) (int, formedit.RuleView, error) {
	n, err := s.intParam(c, "rule")
	rules := ed.Doc.View().Rules
	if err != nil || n < 1 || n > len(rules) {
		return 0, formedit.RuleView{}, modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "fe.rule.not_found"))
	}
	if rules[n-1].Advanced {
		return 0, formedit.RuleView{}, modulario.Errorf(modulario.ECONFLICT, "%s", s.t(c, "fe.rule.advanced"))
	}
	return n, rules[n-1], nil
}

// renderRule renders the rule page; posted condition editors are kept.
func (s *Server) renderRule(c echo.Context, status int, ed *editing, n int, r formedit.RuleView, conds []*condEditor, errs []FieldError) error {
	offices, err := s.cfg.Offices.ListOffices(c.Request().Context())
	if err != nil {
		return err
	}
	view := ed.Doc.View()
	d := &ruleData{Number: n, Rule: r, Offices: offices, Priorities: []string{"bassa", "normale", "alta", "urgente"}}
	var others []string
	for _, to := range r.EmailTo {
		switch to {
		case "office":
			d.ToOffice = true
		case "citizen":
			d.ToCitizen = true
		default:
			others = append(others, to)
		}
	}
	d.OtherEmail = strings.Join(others, ", ")
	if conds == nil {
		for i := range r.When {
			d.Conds = append(d.Conds, s.ruleCondEditor(c, i, view, &r.When[i]))
		}
		for i := len(r.When); i < len(r.When)+ruleCondRows; i++ {
			d.Conds = append(d.Conds, s.ruleCondEditor(c, i, view, nil))
		}
	} else {
		d.Conds = conds
	}
	title := s.t(c, "fe.rule.new")
	if n > 0 {
		title = s.t(c, "fe.rule.page_title", n)
	}
	return s.renderEditor(c, status, ed, "rule", title, d, errs)
}

// ruleCondEditor is the editor of condition row i of a rule.
func (s *Server) ruleCondEditor(c echo.Context, i int, view *formedit.View, cond *formedit.Condition) *condEditor {
	e := s.newCondEditor(c, condPrefix(i), view, cond, nil)
	e.Legend, e.Always = s.t(c, "fe.rule.cond_legend", i+1), s.t(c, "fe.rule.cond_none")
	return e
}

// condPrefix names the inputs of condition row i of a rule.
func condPrefix(i int) string { return "c" + strconv.Itoa(i) + "_" }

// readRule reads the posted rule page.
func (s *Server) readRule(c echo.Context, view *formedit.View) (formedit.RuleView, []*condEditor) {
	r := formedit.RuleView{Name: trimmed(c, "name"), On: c.FormValue("on"), Route: c.FormValue("route"),
		Webhook: trimmed(c, "webhook"), Tag: trimmed(c, "tag"), Priority: c.FormValue("priority"),
		Stop: c.FormValue("stop") == "1"}
	if r.On != formedit.EventStatusChanged {
		r.On = formedit.EventReceived
	}
	if c.FormValue("to_office") == "1" {
		r.EmailTo = append(r.EmailTo, "office")
	}
	if c.FormValue("to_citizen") == "1" {
		r.EmailTo = append(r.EmailTo, "citizen")
	}
	for _, e := range strings.Split(c.FormValue("to_other"), ",") {
		if e = strings.TrimSpace(e); e != "" {
			r.EmailTo = append(r.EmailTo, e)
		}
	}
	rows, _ := strconv.Atoi(c.FormValue("cond_rows"))
	if rows < 0 || rows > 20 {
		rows = 0
	}
	var eds []*condEditor
	for i := 0; i < rows; i++ {
		cond, posted := readCondition(c, condPrefix(i), view)
		e := s.ruleCondEditor(c, i, view, nil)
		e.Field, e.Op, e.Value, e.Checked = posted.Field, posted.Op, posted.Value, posted.Checked
		eds = append(eds, e)
		if cond != nil {
			r.When = append(r.When, *cond)
		}
	}
	return r, eds
}

// ruleCreate adds a rule; ruleSave replaces one.
func (s *Server) ruleCreate(c echo.Context) error { return s.storeRule(c, 0) }

func (s *Server) ruleSave(c echo.Context) error {
	n, err := s.intParam(c, "rule")
	if err != nil || n < 1 {
		return modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "fe.rule.not_found"))
	}
	return s.storeRule(c, n)
}

// storeRule validates and saves the posted rule (n = 0: a new one).
func (s *Server) storeRule(c echo.Context, n int) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	if n > 0 {
		if _, _, err := s.ruleAt(c, ed); err != nil {
			return err
		}
	}
	r, conds := s.readRule(c, ed.Doc.View())
	var errs []FieldError
	if r.Route == "" && len(r.EmailTo) == 0 && r.Webhook == "" && r.Tag == "" && r.Priority == "" {
		errs = append(errs, FieldError{ID: "route", Message: s.t(c, "fe.rule.err_action")})
	}
	if len(errs) == 0 {
		if n == 0 {
			_, err = ed.Doc.AddRule(r)
		} else {
			err = ed.Doc.UpdateRule(n-1, r)
		}
		if err == nil {
			err = s.saveDoc(c, ed, "rules.save", "saved rule "+r.Name)
		}
		if err != nil && !isInvalid(err) {
			return err
		} else if err != nil {
			errs = fieldErrors(err, map[string]string{"name": "name", "route": "route", "webhook": "webhook"})
		}
	}
	if len(errs) > 0 {
		return s.renderRule(c, http.StatusUnprocessableEntity, ed, n, r, conds, errs)
	}
	return c.Redirect(http.StatusSeeOther, formsPath+"/"+ed.Form.Slug+"/regole?ok=ok.fe_rule_saved")
}

// ruleMove moves a rule up or down; ruleDelete removes it.
func (s *Server) ruleMove(c echo.Context) error { return s.ruleOp(c, "moved", "ok.fe_saved") }

func (s *Server) ruleDelete(c echo.Context) error {
	return s.ruleOp(c, "deleted", "ok.fe_rule_deleted")
}

// ruleOp applies a move or a delete to rule :rule and saves.
func (s *Server) ruleOp(c echo.Context, what, okKey string) error {
	ed, err := s.loadForm(c)
	if err != nil {
		return err
	}
	n, err := s.intParam(c, "rule")
	if err != nil || n < 1 || n > len(ed.Doc.View().Rules) {
		return modulario.Errorf(modulario.ENOTFOUND, "%s", s.t(c, "fe.rule.not_found"))
	}
	if what == "moved" {
		err = ed.Doc.MoveRule(n-1, delta(c))
	} else {
		err = ed.Doc.DeleteRule(n - 1)
	}
	if err == nil {
		err = s.saveDoc(c, ed, "rules.save", what+" rule "+strconv.Itoa(n))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, formsPath+"/"+ed.Form.Slug+"/regole?ok="+okKey)
}
