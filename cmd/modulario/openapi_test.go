package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder"
	"github.com/modulario/modulario/notify"
	"github.com/modulario/modulario/renderer"
)

// testSites builds both sides as serve does, on a real store in a
// temporary directory.
func testSites(t *testing.T) (*store, *builder.Server, *renderer.Server) {
	t.Helper()
	st, err := openStore(filepath.Join(t.TempDir(), "modulario.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := Config{BaseURL: "http://example.test", SiteName: "Comune di Prova", MaxBody: 25 << 20}
	rules := notify.NewEngine(st.Forms).WithCalendars(st.Calendars)
	workflow := &notify.Workflow{Submissions: st.Submissions, Rules: rules, Logger: logger}
	appointments := &notify.Appointments{Bookings: st.Bookings, Calendars: st.Calendars, Forms: st.Forms,
		Submissions: st.Submissions, Engine: rules, Logger: logger}
	citizen, err := renderer.New(renderer.Config{Forms: st.Forms, Drafts: st.Drafts, Submissions: st.Submissions,
		Attachments: st.Attachments, Ratings: st.Ratings, Rules: rules, Workflow: workflow, Pages: st.Pages,
		Settings: st.Settings, Media: st.Media, Calendars: st.Calendars, Bookings: st.Bookings,
		Appointments: appointments, PreviewKey: []byte("preview-key"), BaseURL: cfg.BaseURL, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	staff, err := newStaffSite(cfg, st, nil, []byte("preview-key"), workflow, appointments, logger)
	if err != nil {
		t.Fatal(err)
	}
	return st, staff.(*builder.Server), citizen
}

// apiRoutes returns "METHOD /path/{param}" of every route under /api of
// routes, HEAD twins of GET routes left out.
func apiRoutes(routes []*echo.Route) map[string]bool {
	param := regexp.MustCompile(`:([A-Za-z0-9_]+)`)
	out := map[string]bool{}
	for _, r := range routes {
		if strings.HasPrefix(r.Path, "/api/") && r.Method != http.MethodHead {
			out[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
		}
	}
	return out
}

// openAPIDoc is the part of the OpenAPI document the tests read.
type openAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Info    struct {
		Title, Version string
	} `json:"info"`
	Servers    []struct{ URL string } `json:"servers"`
	Paths      map[string]map[string]json.RawMessage
	Components struct {
		SecuritySchemes map[string]struct{ Type, Scheme string } `json:"securitySchemes"`
		Schemas         map[string]json.RawMessage
		Responses       map[string]openAPIResponse
		Parameters      map[string]openAPIParam
	}
}

type openAPIOperation struct {
	OperationID string                     `json:"operationId"`
	Parameters  []openAPIParam             `json:"parameters"`
	Responses   map[string]openAPIResponse `json:"responses"`
}

type openAPIResponse struct {
	Ref         string `json:"$ref"`
	Description string
	Content     map[string]json.RawMessage
}

type openAPIParam struct {
	Ref  string `json:"$ref"`
	Name string
	In   string
}

var httpMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

func readOpenAPI(t *testing.T) *openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := json.Unmarshal(builder.OpenAPI(), &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	return &doc
}

// TestOpenAPIMatchesRoutes: every /api route of both sides is documented,
// and every documented path and method is served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	_, staff, citizen := testSites(t)
	served := apiRoutes(slices.Concat(staff.Routes(), citizen.Routes()))
	documented := map[string]bool{}
	for path, item := range readOpenAPI(t).Paths {
		for method := range item {
			if slices.Contains(httpMethods, method) {
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	for _, r := range sortedKeys(served) {
		if !documented[r] {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range sortedKeys(documented) {
		if !served[d] {
			t.Errorf("openapi.json documents %s, which no side serves", d)
		}
	}
	if len(served) < 15 {
		t.Errorf("only %d API routes found: %v", len(served), sortedKeys(served))
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestOpenAPIDocument checks the document's shape: version, security,
// the shared schemas, every $ref resolving, every path parameter declared,
// and every operation answering a success and a problem document.
func TestOpenAPIDocument(t *testing.T) {
	doc := readOpenAPI(t)
	if doc.OpenAPI != "3.1.0" || doc.Info.Title == "" || doc.Info.Version == "" || len(doc.Servers) == 0 {
		t.Fatalf("header: %q %+v %+v", doc.OpenAPI, doc.Info, doc.Servers)
	}
	if b := doc.Components.SecuritySchemes["bearer"]; b.Type != "http" || b.Scheme != "bearer" {
		t.Errorf("bearer security scheme: %+v", b)
	}
	for _, name := range []string{"Request", "RequestList", "Form", "FormList", "Page", "PageList", "Office", "OfficeList", "Problem"} {
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("no schema %s", name)
		}
	}
	checkRefs(t, doc)
	ids := map[string]bool{}
	for path, item := range doc.Paths {
		for method, raw := range item {
			if !slices.Contains(httpMethods, method) {
				continue
			}
			var op openAPIOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			what := strings.ToUpper(method) + " " + path
			if op.OperationID == "" || ids[op.OperationID] {
				t.Errorf("%s: operationId %q missing or repeated", what, op.OperationID)
			}
			ids[op.OperationID] = true
			checkResponses(t, doc, what, op.Responses)
			checkPathParams(t, doc, what, path, op.Parameters)
		}
	}
}

// checkResponses wants a 2xx and a problem+json response.
func checkResponses(t *testing.T, doc *openAPIDoc, what string, responses map[string]openAPIResponse) {
	t.Helper()
	success, problem := false, false
	for code, r := range responses {
		if r.Ref != "" {
			r = doc.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
		}
		if r.Description == "" {
			t.Errorf("%s: response %s has no description", what, code)
		}
		success = success || strings.HasPrefix(code, "2")
		_, isProblem := r.Content["application/problem+json"]
		problem = problem || isProblem && code >= "400"
	}
	if !success || !problem {
		t.Errorf("%s: success response %v, problem response %v", what, success, problem)
	}
}

// checkPathParams wants each {name} of path declared as a path parameter.
func checkPathParams(t *testing.T, doc *openAPIDoc, what, path string, params []openAPIParam) {
	t.Helper()
	declared := map[string]bool{}
	for _, p := range params {
		if p.Ref != "" {
			p = doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
		}
		if p.In == "path" {
			declared[p.Name] = true
		}
	}
	for _, m := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(path, -1) {
		if !declared[m[1]] {
			t.Errorf("%s: path parameter %s is not declared", what, m[1])
		}
	}
}

// checkRefs resolves every "$ref" of the document against it.
func checkRefs(t *testing.T, doc *openAPIDoc) {
	t.Helper()
	var tree any
	if err := json.Unmarshal(builder.OpenAPI(), &tree); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok && resolve(tree, ref) == nil {
				t.Errorf("$ref %s does not resolve", ref)
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(tree)
}

// resolve follows a local JSON pointer reference ("#/a/b").
func resolve(tree any, ref string) any {
	if !strings.HasPrefix(ref, "#/") {
		return nil
	}
	cur := tree
	for _, part := range strings.Split(ref[2:], "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")]
	}
	return cur
}

// TestCitizenAPIRoutes keeps splitSites' list of citizen API paths equal to
// the renderer's routes, and checks the split on the real sides: the
// public submission endpoint reaches the renderer, the rest of /api the
// staff API (an unknown path is its 404 problem, the document is public).
func TestCitizenAPIRoutes(t *testing.T) {
	st, staff, citizen := testSites(t)
	var got []string
	for r := range apiRoutes(citizen.Routes()) {
		_, path, _ := strings.Cut(r, " ")
		got = append(got, regexp.MustCompile(`\{([^}]+)\}`).ReplaceAllString(path, ":$1"))
	}
	sort.Strings(got)
	got = slices.Compact(got)
	if want := slices.Sorted(slices.Values(citizenAPIRoutes)); !slices.Equal(got, want) {
		t.Fatalf("renderer /api routes %v, citizenAPIRoutes %v", got, want)
	}

	ctx := context.Background()
	def := `{"slug":"segnalazione","title":"Segnalazione","office":"urp","privacy":"Informativa.",
	  "schema":{"type":"object","properties":{"testo":{"title":"Testo","type":"string"}}}}`
	if _, _, err := st.Forms.SaveDraft(ctx, modulario.Form{Slug: "segnalazione", Title: "Segnalazione", Office: "urp"}, json.RawMessage(def)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Forms.PublishDraft(ctx, "segnalazione"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(splitSites(staff, citizen))
	defer srv.Close()
	call := func(method, path, body string) (*http.Response, string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	if res, body := call("POST", "/api/v1/forms/segnalazione/submissions", `{"testo":"Buca in via Roma"}`); res.StatusCode != 201 || !strings.Contains(body, `"number"`) {
		t.Errorf("public submission: %d %s", res.StatusCode, body)
	}
	for _, path := range []string{"/api/v1/whatever", "/api/v2/forms", "/api/v1/forms/segnalazione/submissions/1"} {
		res, body := call("GET", path, "")
		var p struct {
			Status int
			Detail string
		}
		if res.StatusCode != 404 || res.Header.Get("Content-Type") != "application/problem+json" ||
			json.Unmarshal([]byte(body), &p) != nil || p.Status != 404 || !strings.Contains(p.Detail, "indirizzo dell'API") {
			t.Errorf("%s: %d %q %s, want the staff API's 404 problem", path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
	if res, body := call("GET", "/api/v1/forms", ""); res.StatusCode != 401 || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("staff forms list without a token: %d %s", res.StatusCode, body)
	}
	if res, body := call("GET", "/api/v1/openapi.json", ""); res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" ||
		!strings.Contains(body, `"openapi": "3.1.0"`) {
		t.Errorf("openapi.json: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
}
