package builder_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/builder"
	"github.com/modulario/modulario/storage"
)

// exportBenchRows is how many requests the export benchmarks seed:
// 20,000, or MODULARIO_EXPORT_BENCH_ROWS.
var exportBenchRows = 20000

func init() {
	if n, err := strconv.Atoi(os.Getenv("MODULARIO_EXPORT_BENCH_ROWS")); err == nil && n > 0 {
		exportBenchRows = n
	}
}

// exportBench is a builder over a temp store seeded with exportBenchRows
// requests of the export test form, and an admin's HTTP client.
type exportBench struct {
	url    string
	client *http.Client
}

func newExportBench(b *testing.B) *exportBench {
	b.Helper()
	db, err := storage.Open(filepath.Join(b.TempDir(), "bench.db"), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	forms, subs, users := storage.NewFormService(db), storage.NewSubmissionService(db), storage.NewUserService(db)
	_ = storage.NewOfficeService(db).SaveOffice(ctx, &modulario.Office{Slug: "ufficio-tecnico", Name: "Ufficio tecnico"})
	meta := modulario.Form{Slug: "segnalazione", Title: "Segnalazione di disservizio", Office: "ufficio-tecnico"}
	if _, _, err := forms.SaveDraft(ctx, meta, json.RawMessage(exportFormDef)); err != nil {
		b.Fatal(err)
	}
	if _, err := forms.PublishDraft(ctx, "segnalazione"); err != nil {
		b.Fatal(err)
	}
	seedExportBench(b, subs)
	hash, _ := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err := users.CreateUser(ctx, &modulario.User{Email: "admin@comune.example", Name: "Admin",
		Role: modulario.RoleAdmin, PasswordHash: string(hash)}); err != nil {
		b.Fatal(err)
	}
	srv, err := builder.New(builder.Config{Forms: forms, Offices: storage.NewOfficeService(db), Users: users,
		Sessions: storage.NewSessionService(db), Audit: storage.NewAuditService(db),
		Settings: storage.NewSettingsService(db), Submissions: subs,
		Attachments: storage.NewAttachmentService(db), BaseURL: "http://example.test"})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	jar, _ := cookiejar.New(nil)
	x := &exportBench{url: ts.URL, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	x.login(b)
	return x
}

// seedExportBench imports exportBenchRows requests with nested answers.
func seedExportBench(b *testing.B, subs *storage.SubmissionService) {
	b.Helper()
	start := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	batch := make([]*modulario.Submission, 0, min(2000, exportBenchRows))
	for i := range exportBenchRows {
		data := fmt.Sprintf(`{"tipo":"luce","descrizione":"Lampione spento numero %d in via Roma, da alcuni giorni",
		  "indirizzo":{"via":"Via Roma %d","cap":"00100"},"urgente":%t,"testimoni":[{"nome":"Anna"},{"nome":"Bruno"}]}`,
			i, i%300, i%2 == 0)
		batch = append(batch, &modulario.Submission{FormSlug: "segnalazione", Version: 1, Office: "ufficio-tecnico",
			Channel: modulario.ChannelWeb, Data: json.RawMessage(data), CreatedAt: start.Add(time.Duration(i) * time.Minute)})
		if len(batch) == cap(batch) || i == exportBenchRows-1 {
			if err := subs.ImportSubmissions(context.Background(), batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}

// login signs the admin in through the login form.
func (x *exportBench) login(b *testing.B) {
	b.Helper()
	res, err := x.client.Get(x.url + "/admin/login")
	if err != nil {
		b.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := loginTokenRe.FindSubmatch(page)
	if m == nil {
		b.Fatal("no login token")
	}
	res, err = x.client.PostForm(x.url+"/admin/login", url.Values{"email": {"admin@comune.example"},
		"password": {testPassword}, "_login": {string(m[1])}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("login: %v %v", res, err)
	}
	res.Body.Close()
}

// run downloads path once per iteration and reports rows/s and the peak
// heap in use (server and client share the process).
func (x *exportBench) run(b *testing.B, path string) {
	runtime.GC() // leave the seeding's garbage out of the peak
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	})
	n := 0
	for b.Loop() {
		res, err := x.client.Get(x.url + path)
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("%s: %v %v", path, res, err)
		}
		size, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if size < int64(exportBenchRows)*10 {
			b.Fatalf("%s: only %d bytes", path, size)
		}
		n++
	}
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(n*exportBenchRows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// BenchmarkExportCSV exports exportBenchRows requests as CSV over HTTP.
func BenchmarkExportCSV(b *testing.B) {
	newExportBench(b).run(b, "/admin/richieste/esporta.csv?modulo=segnalazione")
}

// BenchmarkExportXLSX exports exportBenchRows requests as XLSX over HTTP.
func BenchmarkExportXLSX(b *testing.B) {
	newExportBench(b).run(b, "/admin/richieste/esporta.xlsx?modulo=segnalazione")
}
