package builder_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

// apiEnv is an env with API tokens, two offices (tributi, anagrafe), a
// published form whose status rule e-mails the citizen, and a request of
// each office.
type apiEnv struct {
	*env
	Tributi, Anagrafe *modulario.Submission
}

// apiForm notifies the citizen by e-mail on every status change.
const apiForm = `{"slug":"segnalazione","title":"Segnalazione","office":"tributi","privacy":"Informativa.",
  "schema":{"type":"object","properties":{"email":{"title":"Email","type":"string"},"testo":{"title":"Testo","type":"string"}}},
  "contacts":{"email":"email"},
  "rules":[{"name":"avvisa","on":"submission.status_changed","then":[{"notify":"email","to":"citizen"}]}]}`

func newAPIEnv(t *testing.T) *apiEnv {
	t.Helper()
	e := newEnv(t)
	a := &apiEnv{env: e}
	ctx := context.Background()
	for _, slug := range []string{"tributi", "anagrafe"} {
		o := &modulario.Office{Slug: slug, Name: "Ufficio " + slug, Emails: []string{slug + "@comune.example"}}
		if err := e.Offices.SaveOffice(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := e.Forms.SaveDraft(ctx, modulario.Form{Slug: "segnalazione", Title: "Segnalazione", Office: "tributi"}, json.RawMessage(apiForm)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Forms.PublishDraft(ctx, "segnalazione"); err != nil {
		t.Fatal(err)
	}
	a.Tributi = a.addRequest("tributi", `{"email":"mario@example.it","testo":"IMU"}`)
	a.Anagrafe = a.addRequest("anagrafe", `{"email":"anna@example.it","testo":"Residenza"}`)
	return a
}

// addRequest stores a received request of office.
func (a *apiEnv) addRequest(office, data string) *modulario.Submission {
	a.t.Helper()
	sub := &modulario.Submission{FormSlug: "segnalazione", Version: 1, Office: office,
		Status: modulario.StatusReceived, Channel: modulario.ChannelWeb, Data: json.RawMessage(data)}
	if err := a.Submissions.CreateSubmission(context.Background(), sub, ""); err != nil {
		a.t.Fatal(err)
	}
	return sub
}

// token creates a token and returns its secret.
func (a *apiEnv) token(name string, scope modulario.TokenScope, offices ...string) (string, *modulario.APIToken) {
	a.t.Helper()
	tok := &modulario.APIToken{Name: name, Offices: offices, Scope: scope}
	secret, err := a.Tokens.CreateToken(context.Background(), tok)
	if err != nil {
		a.t.Fatal(err)
	}
	return secret, tok
}

// call sends an API request with secret (none when empty) and returns the
// response and its body.
func (a *apiEnv) call(method, path, secret, ctype, body string) (*http.Response, string) {
	a.t.Helper()
	req, err := http.NewRequest(method, a.http.URL+path, strings.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// apiProblemDoc is an RFC 9457 document as the API sends it.
type apiProblemDoc struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Pointer   string `json:"pointer"`
		Parameter string `json:"parameter"`
		Message   string `json:"message"`
	} `json:"errors"`
}

// wantAPIProblem checks res is a problem+json with status and returns it.
func wantAPIProblem(t *testing.T, what string, res *http.Response, body string, status int) *apiProblemDoc {
	t.Helper()
	var p apiProblemDoc
	if res.StatusCode != status || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%s: status %d, type %q, want %d problem+json: %s", what, res.StatusCode, res.Header.Get("Content-Type"), status, body)
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil || p.Status != status || p.Type != "about:blank" || p.Title == "" || p.Detail == "" {
		t.Fatalf("%s: apiProblemDoc %s (%v)", what, body, err)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("%s: Cache-Control %q", what, res.Header.Get("Cache-Control"))
	}
	return &p
}

func TestAPIRequiresToken(t *testing.T) {
	a := newAPIEnv(t)
	secret, tok := a.token("Protocollo", modulario.ScopeRead, "tributi")
	res, body := a.call("GET", "/api/v1/submissions", "", "", "")
	wantAPIProblem(t, "no token", res, body, 401)
	if got := res.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
		t.Errorf("WWW-Authenticate = %q", got)
	}
	for _, bad := range []string{"mod_" + strings.Repeat("x", 43), "nonsense", secret + "x"} {
		res, body = a.call("GET", "/api/v1/submissions", bad, "", "")
		wantAPIProblem(t, "bad token", res, body, 401)
		if !strings.Contains(res.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("bad token challenge %q", res.Header.Get("WWW-Authenticate"))
		}
	}
	// A staff session is no API credential.
	a.addUser(modulario.RoleAdmin, "admin@comune.example")
	admin := a.login("admin@comune.example")
	res, body = admin.get("/api/v1/offices")
	wantAPIProblem(t, "session instead of token", res, body, 401)

	res, body = a.call("GET", "/api/v1/offices", secret, "", "")
	if res.StatusCode != 200 || strings.TrimSpace(body) != `{"items":[{"slug":"tributi","name":"Ufficio tributi"}]}` {
		t.Fatalf("offices: %d %s", res.StatusCode, body)
	}
	if err := a.Tokens.RevokeToken(context.Background(), tok.ID); err != nil {
		t.Fatal(err)
	}
	res, body = a.call("GET", "/api/v1/offices", secret, "", "")
	wantAPIProblem(t, "revoked token", res, body, 401)
	res, body = a.call("GET", "/api/v1/submissions/1/nowhere", secret, "", "")
	wantAPIProblem(t, "unknown route", res, body, 404)
}

func TestAPIListScopedToOffices(t *testing.T) {
	a := newAPIEnv(t)
	secret, _ := a.token("Protocollo", modulario.ScopeRead, "tributi")
	res, body := a.call("GET", "/api/v1/submissions", secret, "", "")
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("list: %d %s", res.StatusCode, body)
	}
	var list struct {
		Items      []map[string]any `json:"items"`
		NextCursor *string          `json:"next_cursor"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0]["number"] != a.Tributi.Number || list.Items[0]["office"] != "tributi" ||
		list.NextCursor == nil || *list.NextCursor != "" {
		t.Fatalf("list for tributi: %s", body)
	}
	item := list.Items[0]
	for _, key := range []string{"id", "form", "version", "status", "channel", "assignee", "tags", "created_at",
		"taken_in_charge_at", "due_at", "closed_at", "data", "attachments", "references", "timeline"} {
		if _, ok := item[key]; !ok {
			t.Errorf("item has no %q: %s", key, body)
		}
	}
	if _, ok := item["token"]; ok || strings.Contains(body, a.Tributi.Token) {
		t.Errorf("the list shows the citizen's tracking token: %s", body)
	}
	if data, _ := item["data"].(map[string]any); data["testo"] != "IMU" {
		t.Errorf("data = %v", item["data"])
	}

	res, body = a.call("GET", "/api/v1/submissions?office=anagrafe", secret, "", "")
	wantAPIProblem(t, "other office filter", res, body, 403)
	res, body = a.call("GET", "/api/v1/submissions?status=bogus&limit=0&colour=red", secret, "", "")
	p := wantAPIProblem(t, "bad parameters", res, body, 400)
	var params []string
	for _, e := range p.Errors {
		params = append(params, e.Parameter)
	}
	if strings.Join(params, ",") != "colour,limit,status" {
		t.Errorf("bad parameters named %v: %s", params, body)
	}

	for _, ref := range []string{strconv.FormatUint(a.Anagrafe.ID, 10), a.Anagrafe.Number} {
		res, body = a.call("GET", "/api/v1/submissions/"+ref, secret, "", "")
		wantAPIProblem(t, "other office's request", res, body, 404)
	}
	res, body = a.call("GET", "/api/v1/submissions/"+a.Tributi.Number, secret, "", "")
	if res.StatusCode != 200 || !strings.Contains(body, `"id":`+strconv.FormatUint(a.Tributi.ID, 10)+`,`) {
		t.Fatalf("by number: %d %s", res.StatusCode, body)
	}
	entries, err := a.Audit.ListAudit(context.Background(), modulario.AuditFilter{Target: "submission:" + strconv.FormatUint(a.Tributi.ID, 10)})
	if err != nil || len(entries) == 0 || entries[0].Action != "submission.view" || entries[0].Actor != "api:Protocollo" {
		t.Errorf("the view was not audited: %+v %v", entries, err)
	}
}

// apiTimelineEvent is a timeline entry as the API shows it.
type apiTimelineEvent struct {
	Type      string `json:"type"`
	Status    string `json:"status"`
	Message   string `json:"message"`
	Actor     string `json:"actor"`
	ActorName string `json:"actor_name"`
	Internal  bool   `json:"internal"`
}

// decodeAPIRequest reads an API request document.
func decodeAPIRequest(t *testing.T, body string) (status string, timeline []apiTimelineEvent) {
	t.Helper()
	var r struct {
		Status   string             `json:"status"`
		Timeline []apiTimelineEvent `json:"timeline"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("request document %s: %v", body, err)
	}
	return r.Status, r.Timeline
}

func TestAPIChangeStatus(t *testing.T) {
	a := newAPIEnv(t)
	ctx := context.Background()
	readSecret, _ := a.token("Lettore", modulario.ScopeRead, "tributi")
	secret, _ := a.token("Protocollo", modulario.ScopeWrite, "tributi")
	path := "/api/v1/submissions/" + strconv.FormatUint(a.Tributi.ID, 10)
	const jsonType = "application/json"

	res, body := a.call("POST", path+"/status", readSecret, jsonType, `{"status":"in_charge"}`)
	wantAPIProblem(t, "read token posting", res, body, 403)
	if !strings.Contains(res.Header.Get("WWW-Authenticate"), "insufficient_scope") {
		t.Errorf("read token challenge %q", res.Header.Get("WWW-Authenticate"))
	}
	res, body = a.call("POST", "/api/v1/submissions/"+strconv.FormatUint(a.Anagrafe.ID, 10)+"/status", secret, jsonType, `{"status":"in_charge"}`)
	wantAPIProblem(t, "other office's request", res, body, 404)
	res, body = a.call("POST", path+"/status", secret, "text/plain", `{"status":"in_charge"}`)
	wantAPIProblem(t, "not JSON", res, body, 415)
	res, body = a.call("POST", path+"/status", secret, jsonType, `{"status":"in_charge","extra":1}`)
	wantAPIProblem(t, "unknown field", res, body, 400)
	res, body = a.call("POST", path+"/status", secret, jsonType, `{"status":"concluded"}`)
	if p := wantAPIProblem(t, "bad transition", res, body, 422); len(p.Errors) != 1 || p.Errors[0].Pointer != "/status" {
		t.Errorf("bad transition errors: %s", body)
	}
	res, body = a.call("POST", path+"/status", secret, jsonType, `{"status":"in_charge","if_status":"waiting_integration"}`)
	wantAPIProblem(t, "stale if_status", res, body, 409)
	if msgs, _ := a.Outbox.ListOutbox(ctx, modulario.OutboxFilter{SubmissionID: a.Tributi.ID}); len(msgs) != 0 {
		t.Fatalf("refused changes queued %d messages", len(msgs))
	}

	res, body = a.call("POST", path+"/status", secret, jsonType, `{"status":"in_charge","message":"Presa in carico dall'ufficio."}`)
	if res.StatusCode != 200 {
		t.Fatalf("status change: %d %s", res.StatusCode, body)
	}
	status, timeline := decodeAPIRequest(t, body)
	last := timeline[len(timeline)-1]
	if status != "in_charge" || last.Type != "status_changed" || last.Actor != "api:Protocollo" ||
		last.ActorName != "Protocollo" || last.Message != "Presa in carico dall'ufficio." || last.Internal {
		t.Fatalf("after the change: %s %+v", status, last)
	}
	msgs, err := a.Outbox.ListOutbox(ctx, modulario.OutboxFilter{SubmissionID: a.Tributi.ID})
	if err != nil || len(msgs) != 1 || msgs[0].Channel != "email" {
		t.Fatalf("the status rule queued %+v (%v), want one e-mail", msgs, err)
	}
	res, body = a.call("GET", path, readSecret, "", "")
	if _, tl := decodeAPIRequest(t, body); res.StatusCode != 200 || tl[len(tl)-1].Actor != "api:Protocollo" {
		t.Errorf("timeline read back: %s", body)
	}

	res, body = a.call("POST", path+"/notes", secret, jsonType, `{"text":"  "}`)
	wantAPIProblem(t, "empty note", res, body, 422)
	res, body = a.call("POST", path+"/notes", secret, jsonType, `{"text":"Verificato il versamento."}`)
	if res.StatusCode != 201 {
		t.Fatalf("note: %d %s", res.StatusCode, body)
	}
	if _, tl := decodeAPIRequest(t, body); tl[len(tl)-1].Type != "note" || !tl[len(tl)-1].Internal || tl[len(tl)-1].Actor != "api:Protocollo" {
		t.Errorf("note event: %+v", tl[len(tl)-1])
	}
	res, body = a.call("POST", path+"/status", secret, jsonType, strings.Repeat(" ", 70<<10)+`{}`)
	wantAPIProblem(t, "body too large", res, body, 413)
}

func TestAPIAttachment(t *testing.T) {
	a := newAPIEnv(t)
	ctx := context.Background()
	att := &modulario.Attachment{Name: "ricevuta versamento.pdf", ContentType: "application/pdf"}
	if err := a.Attachments.PutAttachment(ctx, att, "", []byte("%PDF-1.4 prova")); err != nil {
		t.Fatal(err)
	}
	sub := &modulario.Submission{FormSlug: "segnalazione", Version: 1, Office: "tributi", Status: modulario.StatusReceived,
		Channel: modulario.ChannelWeb, Data: json.RawMessage(`{}`), Attachments: []modulario.Attachment{{ID: att.ID, Pointer: "/ricevuta"}}}
	if err := a.Submissions.CreateSubmission(ctx, sub, ""); err != nil {
		t.Fatal(err)
	}
	secret, _ := a.token("Protocollo", modulario.ScopeRead, "tributi")
	other, _ := a.token("Anagrafe", modulario.ScopeRead, "anagrafe")
	path := "/api/v1/submissions/" + strconv.FormatUint(sub.ID, 10) + "/attachments/" + att.ID
	res, body := a.call("GET", path, secret, "", "")
	if res.StatusCode != 200 || body != "%PDF-1.4 prova" || res.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "ricevuta versamento.pdf") ||
		res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("download: %d %v %q", res.StatusCode, res.Header, body)
	}
	res, body = a.call("GET", path, other, "", "")
	wantAPIProblem(t, "another office's attachment", res, body, 404)
	res, body = a.call("GET", "/api/v1/submissions/"+strconv.FormatUint(a.Tributi.ID, 10)+"/attachments/"+att.ID, secret, "", "")
	wantAPIProblem(t, "attachment of another request", res, body, 404)
	res, body = a.call("GET", "/api/v1/submissions/"+strconv.FormatUint(sub.ID, 10), secret, "", "")
	if !strings.Contains(body, `"url":"`+path+`"`) || !strings.Contains(body, `"field":"/ricevuta"`) {
		t.Errorf("attachment metadata: %s", body)
	}
}
