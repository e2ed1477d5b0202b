package storagetest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

func testPages(t *testing.T, open Opener) {
	ctx := modulario.NewContextWithActor(context.Background(), "u1")
	st := openAt(t, open, Start)
	if st.Pages == nil {
		t.Skip("the store has no PageService")
	}
	for _, bad := range []modulario.Page{
		{Slug: "Anagrafe", Title: "Anagrafe"},
		{Slug: "ana--grafe", Title: "Anagrafe"},
		{Slug: strings.Repeat("a", 101), Title: "Anagrafe"},
		{Slug: "anagrafe", Title: "  "},
	} {
		WantCode(t, st.Pages.SavePage(ctx, &bad), modulario.EINVALID)
	}
	pages := []modulario.Page{
		{Slug: "rifiuti", Title: "Rifiuti", Category: "Ambiente", MenuOrder: 2, Published: true, Body: "# Rifiuti"},
		{Slug: "acqua", Title: "Acqua", Category: "Ambiente", MenuOrder: 2, Published: true},
		{Slug: "anagrafe", Title: "Anagrafe", Category: "Servizi", MenuOrder: 1, Published: true},
		{Slug: "bozza", Title: "Èventi", Category: "Ambiente", MenuOrder: 2},
	}
	for i := range pages {
		must(t, st.Pages.SavePage(ctx, &pages[i]))
	}
	if p := pages[0]; !p.CreatedAt.Equal(Start) || p.UpdatedBy != "u1" {
		t.Fatalf("saved page: %+v", p)
	}
	st.SetNow(Start.Add(time.Hour))
	pages[0].Title = "Raccolta rifiuti"
	must(t, st.Pages.SavePage(modulario.NewContextWithActor(context.Background(), "u2"), &pages[0]))
	got, err := st.Pages.FindPage(ctx, "rifiuti")
	must(t, err)
	if got.Title != "Raccolta rifiuti" || got.Body != "# Rifiuti" || !got.CreatedAt.Equal(Start) ||
		!got.UpdatedAt.Equal(Start.Add(time.Hour)) || got.UpdatedBy != "u2" {
		t.Fatalf("replaced page: %+v", got)
	}
	check := func(f modulario.PageFilter, want string) {
		t.Helper()
		list, err := st.Pages.ListPages(ctx, f)
		must(t, err)
		var got []string
		for _, p := range list {
			got = append(got, p.Slug)
		}
		if strings.Join(got, ",") != want {
			t.Fatalf("pages %+v = %s, want %s", f, strings.Join(got, ","), want)
		}
	}
	check(modulario.PageFilter{}, "anagrafe,acqua,bozza,rifiuti")
	check(modulario.PageFilter{PublishedOnly: true}, "anagrafe,acqua,rifiuti")
	check(modulario.PageFilter{Category: "ambiente", PublishedOnly: true}, "acqua,rifiuti")
	must(t, st.Pages.DeletePage(ctx, "bozza"))
	WantCode(t, st.Pages.DeletePage(ctx, "bozza"), modulario.ENOTFOUND)
	_, err = st.Pages.FindPage(ctx, "bozza")
	WantCode(t, err, modulario.ENOTFOUND)
}

func testMedia(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	if st.Media == nil {
		t.Skip("the store has no MediaService")
	}
	png := []byte("\x89PNG\r\n\x1a\n fake image")
	WantCode(t, st.Media.PutMedia(ctx, &modulario.Media{ContentType: "image/png"}), modulario.EINVALID)
	WantCode(t, st.Media.PutMedia(ctx, &modulario.Media{ContentType: "image/svg+xml", Data: []byte("<svg/>")}), modulario.EINVALID)
	WantCode(t, st.Media.PutMedia(ctx, &modulario.Media{ContentType: "image/png", Data: make([]byte, 5<<20+1)}), modulario.ETOOLARGE)
	must(t, st.Media.PutMedia(ctx, &modulario.Media{ContentType: "image/png", Data: make([]byte, 5<<20)}))

	st.SetNow(Start.Add(time.Minute))
	logo := &modulario.Media{Name: "stemma.png", ContentType: "image/png", Width: 64, Height: 80, Alt: "Stemma", Data: png}
	must(t, st.Media.PutMedia(ctx, logo))
	if logo.ID == "" || logo.Size != int64(len(png)) || !logo.CreatedAt.Equal(Start.Add(time.Minute)) {
		t.Fatalf("stored media: %+v", logo)
	}
	got, err := st.Media.FindMedia(ctx, logo.ID)
	must(t, err)
	if !bytes.Equal(got.Data, png) || got.Alt != "Stemma" || got.Width != 64 || got.ContentType != "image/png" {
		t.Fatalf("found media: %+v", got)
	}
	list, err := st.Media.ListMedia(ctx)
	must(t, err)
	if len(list) != 2 || list[0].ID != logo.ID || list[0].Data != nil || list[1].Size != 5<<20 {
		t.Fatalf("media list: %d entries, first %+v", len(list), list[0])
	}
	must(t, st.Media.DeleteMedia(ctx, logo.ID))
	WantCode(t, st.Media.DeleteMedia(ctx, logo.ID), modulario.ENOTFOUND)
	_, err = st.Media.FindMedia(ctx, logo.ID)
	WantCode(t, err, modulario.ENOTFOUND)
}

func testSettings(t *testing.T, open Opener) {
	ctx := modulario.NewContextWithActor(context.Background(), "u1")
	st := openAt(t, open, Start)
	if st.Settings == nil {
		t.Skip("the store has no SettingsService")
	}
	got, err := st.Settings.Settings(ctx)
	must(t, err)
	if got.SiteName != "" || !got.UpdatedAt.IsZero() {
		t.Fatalf("settings of an empty store: %+v", got)
	}
	bad := &modulario.Settings{SiteName: "Comune", PrimaryColor: "blue", AccessibilityURL: "javascript:alert(1)",
		FooterLinks: []modulario.FooterLink{{Label: "Ok", URL: "/privacy"}, {Label: "", URL: "//evil.example"}}}
	err = st.Settings.SaveSettings(ctx, bad)
	WantCode(t, err, modulario.EINVALID)
	fields := modulario.ErrorFields(err)
	for _, ptr := range []string{"/primary_color", "/accessibility_url", "/footer_links/1/label", "/footer_links/1/url"} {
		if fields[ptr] == "" {
			t.Fatalf("no message for %s in %v", ptr, fields)
		}
	}
	if fields["/footer_links/0/url"] != "" {
		t.Fatalf("a site path was refused: %v", fields)
	}
	good := &modulario.Settings{SiteName: " Comune di Esempio ", PrimaryColor: "#0A5C2E",
		AccessibilityURL: "https://form.agid.gov.it/view/abc", Contacts: "Piazza Municipio 1",
		FooterLinks: []modulario.FooterLink{{Label: "Privacy", URL: "/privacy"}, {}, {Label: "Sito", URL: "https://www.comune.example.it"}}}
	must(t, st.Settings.SaveSettings(ctx, good))
	got, err = st.Settings.Settings(ctx)
	must(t, err)
	if got.SiteName != "Comune di Esempio" || got.PrimaryColor != "#0a5c2e" || len(got.FooterLinks) != 2 ||
		got.UpdatedBy != "u1" || !got.UpdatedAt.Equal(Start) || got.Contacts != "Piazza Municipio 1" {
		t.Fatalf("saved settings: %+v", got)
	}
}
