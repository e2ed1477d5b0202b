package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage"
	bolt "go.etcd.io/bbolt"
)

// Kill-test shape: bounded to stay well under a minute on two cores.
const (
	crashKills       = 12
	crashSubmitters  = 8
	crashMinUptime   = 150 * time.Millisecond
	crashMaxUptime   = 700 * time.Millisecond
	outboxPerRequest = 2 // richiesta-assistenza: citizen receipt + office notice
)

// ack is a submission the server acknowledged with 201.
type ack struct{ number, token, url string }

// ackLog collects acknowledgements from the submitters.
type ackLog struct {
	mu   sync.Mutex
	acks []ack
}

func (l *ackLog) add(a ack) {
	l.mu.Lock()
	l.acks = append(l.acks, a)
	l.mu.Unlock()
}

func (l *ackLog) all() []ack {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]ack(nil), l.acks...)
}

// TestKillUnderLoad SIGKILLs the real server at random moments while
// submitters post JSON submissions, restarting it each time on the same
// data directory. Afterwards every acknowledged submission is stored with
// its number, numbers are unique, the file passes bbolt's consistency
// check, and each submission has exactly its two rule-generated outbox
// messages (email is not configured, so they stay in the outbox).
func TestKillUnderLoad(t *testing.T) {
	skipWithoutBinary(t)
	bin, dataDir, addr := buildBinary(t), t.TempDir(), freeAddr(t)
	quiet := []string{"MODULARIO_LOG_LEVEL=error", "MODULARIO_NOTIFY_MIN_BACKOFF=1s"}

	var (
		log     ackLog
		stop    atomic.Bool
		wg      sync.WaitGroup
		refused atomic.Int64
	)
	client := &http.Client{Timeout: 5 * time.Second}
	for i := range crashSubmitters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; !stop.Load(); n++ {
				a, err := postAssistenza(client, addr, fmt.Sprintf("crash%d.%d@example.it", i, n))
				if err != nil {
					refused.Add(1)
					time.Sleep(10 * time.Millisecond) // server down: try again soon
					continue
				}
				log.add(a)
			}
		}()
	}
	kills := 0
	for kills < crashKills {
		p := startServer(t, bin, dataDir, addr, quiet...)
		time.Sleep(crashMinUptime + rand.N(crashMaxUptime-crashMinUptime))
		if err := p.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-p.exited
		kills++
	}
	stop.Store(true)
	wg.Wait()

	acks := log.all()
	found, lost := verifyStore(t, filepath.Join(dataDir, "modulario.db"), acks)
	t.Logf("kill -9 under load: %d kills, %d acknowledged, %d found, %d lost (%d requests failed while down or killed)",
		kills, len(acks), found, lost, refused.Load())
	if len(acks) < crashKills {
		t.Errorf("only %d submissions acknowledged: the load did not reach the server", len(acks))
	}
}

// postAssistenza posts one valid submission and returns its receipt, or
// an error for anything but a 201 with a number and a tracking link.
func postAssistenza(client *http.Client, addr, email string) (ack, error) {
	a, _, err := postAssistenzaRaw(client, addr, email)
	return a, err
}

// submitResult is a non-201 answer to a submission.
type submitResult struct {
	status      int
	contentType string
	body        string
}

// postAssistenzaRaw is postAssistenza that also returns the answer when it
// is not a 201 (res.status 0 when there was no answer at all).
func postAssistenzaRaw(client *http.Client, addr, email string) (ack, submitResult, error) {
	data := `{"nome":"Maria","cognome":"Rossi","email":"` + email + `","categoria":"anagrafe",` +
		`"servizio":"Rinnovo della carta d'identità","dettagli":"Vorrei sapere quali documenti servono."}`
	resp, err := client.Post("http://"+addr+"/api/v1/forms/richiesta-assistenza/submissions", "application/json", strings.NewReader(data))
	if err != nil {
		return ack{}, submitResult{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return ack{}, submitResult{}, err
	}
	res := submitResult{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: string(body)}
	if resp.StatusCode != http.StatusCreated {
		return ack{}, res, fmt.Errorf("status %d: %s", resp.StatusCode, body)
	}
	var r receipt
	if err := json.Unmarshal(body, &r); err != nil {
		return ack{}, res, err
	}
	i := strings.LastIndex(r.TrackingURL, "/")
	if r.Number == "" || i < 0 {
		return ack{}, res, fmt.Errorf("incomplete receipt %s", body)
	}
	return ack{number: r.Number, token: r.TrackingURL[i+1:], url: r.TrackingURL}, res, nil
}

// verifyStore checks the stopped server's database: bbolt's consistency
// check, every acknowledgement present with its number and token, unique
// numbers, and outboxPerRequest messages per submission. It returns how
// many acknowledged submissions were found and lost.
func verifyStore(t *testing.T, path string, acks []ack) (found, lost int) {
	t.Helper()
	checkBolt(t, path)
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatalf("the database does not open cleanly: %v", err)
	}
	defer db.Close()
	ctx := context.Background()
	subs, outbox := storage.NewSubmissionService(db), storage.NewOutboxService(db)
	for _, a := range acks {
		s, err := subs.FindSubmissionByNumber(ctx, a.number)
		if err != nil || s.Token != a.token {
			lost++
			t.Errorf("acknowledged %s not stored with its token: %v", a.number, err)
			continue
		}
		found++
	}
	count, err := subs.CountSubmissions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	numbers := map[string]uint64{}
	for id := uint64(1); len(numbers) < count && id <= uint64(count)*2+100; id++ {
		s, err := subs.FindSubmission(ctx, id)
		if modulario.ErrorCode(err) == modulario.ENOTFOUND {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		if prev, dup := numbers[s.Number]; dup {
			t.Errorf("number %s used by submissions %d and %d", s.Number, prev, id)
		}
		numbers[s.Number] = id
		msgs, err := outbox.ListOutbox(ctx, modulario.OutboxFilter{SubmissionID: id, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != outboxPerRequest {
			t.Errorf("submission %s has %d outbox messages, want %d", s.Number, len(msgs), outboxPerRequest)
		}
	}
	if len(numbers) != count {
		t.Errorf("walked %d submissions, the store counts %d", len(numbers), count)
	}
	t.Logf("store after the kills: %d submissions (%d acknowledged), %d outbox messages each", count, len(acks), outboxPerRequest)
	return found, lost
}

// checkBolt runs bbolt's own page-level consistency check on the file.
func checkBolt(t *testing.T, path string) {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatalf("bbolt open: %v", err)
	}
	defer bdb.Close()
	err = bdb.View(func(tx *bolt.Tx) error {
		var first error
		for cerr := range tx.Check() { // drain: the checker stops when done
			if first == nil {
				first = cerr
			}
		}
		return first
	})
	if err != nil {
		t.Errorf("bbolt consistency check: %v", err)
	}
}
