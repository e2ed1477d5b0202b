package storage

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/modulario/modulario"
)

func TestSubmissionWords(t *testing.T) {
	sub := &modulario.Submission{
		Data: json.RawMessage(`{"descrizione" : "Perché la CITTÀ è sporca? Via Garibaldi, civico 12",
			"nome":"Mario","cap":"00184","n":12345,"ok":true,"città":"x\"y \u00e8 L'Aquila",
			"foto":"att-1","righe":[{"via":"Piazza Dante"}],"vuoto":""}`),
		Attachments: []modulario.Attachment{{ID: "att-1"}},
	}
	want := []string{"perche", "citta", "sporca", "via", "garibaldi", "civico", "mario", "00184",
		"aquila", "piazza", "dante"}
	if got := submissionWords(sub); !slices.Equal(got, want) {
		t.Fatalf("words = %q, want %q", got, want)
	}
	var long []string
	for i := range 100 {
		long = append(long, fmt.Sprintf("parola%c%c", 'a'+i%26, 'a'+i/26))
	}
	sub = &modulario.Submission{Data: json.RawMessage(`{"t":"` + strings.Join(long, " ") + `"}`)}
	if got := submissionWords(sub); len(got) != maxWordsPerRequest || got[0] != "parolaaa" {
		t.Fatalf("%d words, first %q", len(got), got[0])
	}
}

func TestQueryWords(t *testing.T) {
	got := queryWords("  Perché  perche CITTÀ di x 12 0612345 ")
	var s []string
	for _, w := range got {
		s = append(s, string(w))
	}
	if want := []string{"perche", "citta", "0612345"}; !slices.Equal(s, want) {
		t.Fatalf("query words = %q, want %q", s, want)
	}
}

func TestRowRoundTrip(t *testing.T) {
	sub := &modulario.Submission{ID: 7, Status: modulario.StatusWaiting, Channel: modulario.ChannelPhone,
		Office: "urp", FormSlug: "tari", Assignee: "u-1", Tags: []string{"a", "zona-nord"}}
	r, ok := decodeRow(encodeRow(sub))
	if !ok || string(r.status) != "waiting_integration" || string(r.channel) != "phone" || string(r.office) != "urp" ||
		string(r.form) != "tari" || string(r.assignee) != "u-1" || !r.hasTag([]byte("zona-nord")) || r.hasTag([]byte("zona")) {
		t.Fatalf("row = %+v ok=%v", r, ok)
	}
	if _, ok := decodeRow([]byte{rowVersion, 1, 2}); ok {
		t.Fatal("a truncated row decoded")
	}
}
