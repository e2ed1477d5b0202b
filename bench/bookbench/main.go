// Command bookbench measures appointment booking over HTTP, for `make
// bench`: -clients concurrent clients post JSON submissions whose
// appointment answer takes the next slot of the calendar (round robin over
// every offered slot), through POST /api/v1/forms/{slug}/submissions, for
// -duration. It prints one line:
//
//	clients=64 confirmed=12345 refused=0 other=0 seconds=10.0 per_s=1234 p50_ms=40.1 p99_ms=95.3
//
// The calendar file is the same JSON the server was given, so the slots
// match; with ample capacity every booking is confirmed and the rate is
// the booking throughput.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modulario/modulario"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "server URL")
	slug := flag.String("slug", "", "form slug")
	field := flag.String("field", "appuntamento", "appointment field (top-level property)")
	calFile := flag.String("calendar", "", "calendar JSON the server uses")
	answersFile := flag.String("answers", "", "JSON object with the other answers")
	clients := flag.Int("clients", 64, "concurrent clients")
	duration := flag.Duration("duration", 10*time.Second, "how long to post")
	flag.Parse()
	if *slug == "" || *calFile == "" || *answersFile == "" {
		flag.Usage()
		os.Exit(2)
	}
	var cal modulario.Calendar
	readJSON(*calFile, &cal)
	var answers map[string]any
	readJSON(*answersFile, &answers)
	now := time.Now()
	slots := cal.Slots(modulario.SlotQuery{From: now, To: now.AddDate(0, 0, cal.HorizonDays+1), Now: now})
	if len(slots) == 0 {
		log.Fatal("the calendar offers no slots")
	}
	url := *base + "/api/v1/forms/" + *slug + "/submissions"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients}}
	var next, confirmed, refused, other atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	stop := time.Now().Add(*duration)
	start := time.Now()
	var wg sync.WaitGroup
	for range *clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(stop) {
				i := next.Add(1) - 1
				s := slots[int(i)%len(slots)]
				body := map[string]any{*field: modulario.AppointmentValue(cal.Slug, s.Start)}
				for k, v := range answers {
					body[k] = v
				}
				raw, _ := json.Marshal(body)
				t0 := time.Now()
				resp, err := client.Post(url, "application/json", bytes.NewReader(raw))
				if err != nil {
					other.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				switch resp.StatusCode {
				case http.StatusCreated:
					confirmed.Add(1)
				case http.StatusConflict:
					refused.Add(1)
				default:
					other.Add(1)
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	slices.Sort(lat)
	fmt.Printf("clients=%d confirmed=%d refused=%d other=%d seconds=%.1f per_s=%.0f p50_ms=%.1f p99_ms=%.1f\n",
		*clients, confirmed.Load(), refused.Load(), other.Load(), secs, float64(confirmed.Load())/secs,
		ms(pct(lat, 0.50)), ms(pct(lat, 0.99)))
}

func readJSON(path string, v any) {
	raw, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		log.Fatalf("%s: %v", path, err)
	}
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, int(float64(len(d))*p))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
