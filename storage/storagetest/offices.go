package storagetest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

func testOffices(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	if st.Offices == nil {
		t.Skip("the store has no OfficeService")
	}
	for _, bad := range []modulario.Office{
		{Slug: "Ufficio", Name: "Ufficio"},
		{Slug: "urp-", Name: "URP"},
		{Slug: "urp"},
		{Slug: "urp", Name: "URP", Emails: []string{"non-un-indirizzo"}},
		{Slug: "urp", Name: "URP", PEC: "pec@"},
	} {
		WantCode(t, st.Offices.SaveOffice(ctx, &bad), modulario.EINVALID)
	}
	urp := &modulario.Office{Slug: "urp", Name: "Ufficio relazioni con il pubblico",
		Emails: []string{"URP <URP@Comune.Example.it>", "urp@comune.example.it", "protocollo@comune.example.it"},
		PEC:    "Comune@PEC.Example.it"}
	must(t, st.Offices.SaveOffice(ctx, urp))
	if strings.Join(urp.Emails, ",") != "urp@comune.example.it,protocollo@comune.example.it" ||
		urp.PEC != "comune@pec.example.it" || !urp.CreatedAt.Equal(Start) {
		t.Fatalf("saved office: %+v", urp)
	}
	must(t, st.Offices.SaveOffice(ctx, &modulario.Office{Slug: "anagrafe", Name: "anagrafe"}))
	must(t, st.Offices.SaveOffice(ctx, &modulario.Office{Slug: "tributi", Name: "Tributi"}))

	st.SetNow(Start.Add(time.Hour))
	urp.Name = "URP"
	must(t, st.Offices.SaveOffice(ctx, urp))
	got, err := st.Offices.FindOffice(ctx, "urp")
	must(t, err)
	if got.Name != "URP" || !got.CreatedAt.Equal(Start) || !got.UpdatedAt.Equal(Start.Add(time.Hour)) || len(got.Emails) != 2 {
		t.Fatalf("replaced office: %+v", got)
	}
	list, err := st.Offices.ListOffices(ctx)
	must(t, err)
	names := []string{}
	for _, o := range list {
		names = append(names, o.Name)
	}
	if strings.Join(names, ",") != "anagrafe,Tributi,URP" {
		t.Fatalf("offices by name: %v", names)
	}
	must(t, st.Offices.DeleteOffice(ctx, "tributi"))
	WantCode(t, st.Offices.DeleteOffice(ctx, "tributi"), modulario.ENOTFOUND)
	_, err = st.Offices.FindOffice(ctx, "tributi")
	WantCode(t, err, modulario.ENOTFOUND)
	_, err = st.Offices.FindOffice(ctx, "")
	WantCode(t, err, modulario.ENOTFOUND)
	testOfficeInUse(t, st)
}

// testOfficeInUse: an office a form's published or draft version names
// (its office, a rule's route) or a user belongs to is not deleted; the
// error names them.
func testOfficeInUse(t *testing.T, st Store) {
	ctx := context.Background()
	if st.Users == nil {
		return
	}
	must(t, st.Offices.SaveOffice(ctx, &modulario.Office{Slug: "strade", Name: "Strade"}))
	must(t, st.Offices.SaveOffice(ctx, &modulario.Office{Slug: "scuole", Name: "Scuole"}))
	def := `{"slug":"buche","title":"Buche","office":"urp","rules":[{"name":"Strade","then":[{"tag":"x"},{"route":"strade"}]}]}`
	_, _, err := st.Forms.SaveDraft(ctx, modulario.Form{Slug: "buche", Title: "Buche", Office: "urp"}, json.RawMessage(def))
	must(t, err)
	_, err = st.Forms.PublishDraft(ctx, "buche")
	must(t, err)
	draft := `{"slug":"buche","title":"Buche","office":"anagrafe"}`
	_, _, err = st.Forms.SaveDraft(ctx, modulario.Form{Slug: "buche", Title: "Buche", Office: "anagrafe"}, json.RawMessage(draft))
	must(t, err)
	must(t, st.Users.CreateUser(ctx, &modulario.User{Email: "maestra@comune.example.it", Name: "Maestra",
		Role: modulario.RoleOperator, Offices: []string{"scuole"}, PasswordHash: "x"}))
	for slug, key := range map[string]string{"urp": "/forms/buche", "strade": "/forms/buche",
		"anagrafe": "/forms/buche", "scuole": "/users/maestra@comune.example.it"} {
		err := st.Offices.DeleteOffice(ctx, slug)
		WantCode(t, err, modulario.ECONFLICT)
		var e *modulario.Error
		if !errors.As(err, &e) || e.Fields[key] == "" || !strings.Contains(e.Message, strings.TrimPrefix(strings.TrimPrefix(key, "/forms/"), "/users/")) {
			t.Errorf("delete %s: %v, fields %v", slug, err, e)
		}
		_, err = st.Offices.FindOffice(ctx, slug)
		must(t, err)
	}
}

func testWebhooks(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	if st.Webhooks == nil {
		t.Skip("the store has no WebhookService")
	}
	for _, bad := range []modulario.WebhookEndpoint{
		{Name: "Protocollo", URL: "https://example.it/hook"},
		{Name: "protocollo", URL: "ftp://example.it/hook"},
		{Name: "protocollo", URL: "/hook"},
		{Name: "protocollo", URL: "https:///hook"},
		{Name: "protocollo", URL: "https://example.it/hook", Secret: "not-a-secret"},
	} {
		WantCode(t, st.Webhooks.SaveWebhook(ctx, &bad), modulario.EINVALID)
	}
	e := &modulario.WebhookEndpoint{Name: "protocollo", URL: "https://protocollo.example.it/hook"}
	must(t, st.Webhooks.SaveWebhook(ctx, e))
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(e.Secret, "whsec_"))
	if !strings.HasPrefix(e.Secret, "whsec_") || err != nil || len(key) != 32 || !e.CreatedAt.Equal(Start) {
		t.Fatalf("generated secret %q (%v)", e.Secret, err)
	}
	other := &modulario.WebhookEndpoint{Name: "gestionale", URL: "http://127.0.0.1:9000/in"}
	must(t, st.Webhooks.SaveWebhook(ctx, other))
	if other.Secret == e.Secret {
		t.Fatal("two endpoints got the same secret")
	}
	// Replacing with a given secret keeps it and the creation time.
	st.SetNow(Start.Add(time.Hour))
	e.URL = "https://protocollo.example.it/v2/hook"
	secret := e.Secret
	must(t, st.Webhooks.SaveWebhook(ctx, e))
	got, err := st.Webhooks.FindWebhook(ctx, "protocollo")
	must(t, err)
	if got.Secret != secret || got.URL != e.URL || !got.CreatedAt.Equal(Start) {
		t.Fatalf("replaced endpoint: %+v", got)
	}
	list, err := st.Webhooks.ListWebhooks(ctx)
	must(t, err)
	if len(list) != 2 || list[0].Name != "gestionale" || list[1].Name != "protocollo" {
		t.Fatalf("endpoints by name: %+v", list)
	}
	must(t, st.Webhooks.DeleteWebhook(ctx, "gestionale"))
	WantCode(t, st.Webhooks.DeleteWebhook(ctx, "gestionale"), modulario.ENOTFOUND)
	_, err = st.Webhooks.FindWebhook(ctx, "gestionale")
	WantCode(t, err, modulario.ENOTFOUND)
}
