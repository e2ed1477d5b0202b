package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// runStaff runs the tests of the staff-side services.
func runStaff(t *testing.T, open Opener) {
	t.Run("FormAuthors", func(t *testing.T) { testFormAuthors(t, open) })
	t.Run("ListVersions", func(t *testing.T) { testListVersions(t, open) })
	t.Run("DiscardDraft", func(t *testing.T) { testDiscardDraft(t, open) })
	t.Run("ArchiveDelete", func(t *testing.T) { testArchiveDelete(t, open) })
	t.Run("Users", func(t *testing.T) { testUsers(t, open) })
	t.Run("ListUsers", func(t *testing.T) { testListUsers(t, open) })
	t.Run("UserUpdateDelete", func(t *testing.T) { testUserUpdateDelete(t, open) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, open) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, open) })
	t.Run("AuditFilters", func(t *testing.T) { testAuditFilters(t, open) })
	t.Run("Pages", func(t *testing.T) { testPages(t, open) })
	t.Run("Media", func(t *testing.T) { testMedia(t, open) })
	t.Run("Settings", func(t *testing.T) { testSettings(t, open) })
}

func testFormAuthors(t *testing.T, open Opener) {
	st := openAt(t, open, Start)
	alice := modulario.NewContextWithActor(context.Background(), "alice")
	bob := modulario.NewContextWithActor(context.Background(), "bob")
	meta := modulario.Form{Slug: "acqua", Title: "Autolettura"}
	f, _, err := st.Forms.SaveDraft(alice, meta, Def("acqua", "Autolettura", "Acqua"))
	must(t, err)
	if f.UpdatedBy != "alice" {
		t.Fatalf("form after alice's save: UpdatedBy=%q", f.UpdatedBy)
	}
	st.SetNow(Start.Add(time.Minute))
	f, err = st.Forms.PublishDraft(bob, "acqua")
	must(t, err)
	v, err := st.Forms.FindVersion(bob, "acqua", 1)
	must(t, err)
	if f.UpdatedBy != "bob" || v.Author != "alice" || v.PublishedBy != "bob" ||
		v.PublishedAt == nil || !v.PublishedAt.Equal(Start.Add(time.Minute)) {
		t.Fatalf("after bob's publish: form=%+v version=%+v", f, v)
	}
	f, _, err = st.Forms.SaveDraft(bob, meta, Def("acqua", "Autolettura del contatore", "Acqua"))
	must(t, err)
	v, err = st.Forms.FindVersion(bob, "acqua", f.Draft)
	must(t, err)
	if v.Author != "bob" || v.PublishedBy != "" || v.PublishedAt != nil {
		t.Fatalf("bob's draft: %+v", v)
	}
}

func testListVersions(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	_, err := st.Forms.ListVersions(ctx, "acqua")
	WantCode(t, err, modulario.ENOTFOUND)
	meta := modulario.Form{Slug: "acqua", Title: "Autolettura"}
	for i, title := range []string{"Uno", "Due", "Tre"} {
		_, _, err := st.Forms.SaveDraft(ctx, meta, Def("acqua", title, "Acqua"))
		must(t, err)
		if i < 2 {
			_, err = st.Forms.PublishDraft(ctx, "acqua")
			must(t, err)
		}
	}
	// A neighbour whose slug extends this one must not leak into the list.
	_, _, err = st.Forms.SaveDraft(ctx, modulario.Form{Slug: "acqua-2", Title: "Altro"}, Def("acqua-2", "Altro", "Acqua"))
	must(t, err)
	list, err := st.Forms.ListVersions(ctx, "acqua")
	must(t, err)
	got := []int{}
	for _, v := range list {
		if v.FormSlug != "acqua" || len(v.Definition) == 0 {
			t.Fatalf("version %+v", v)
		}
		got = append(got, v.Number)
	}
	if len(got) != 3 || got[0] != 3 || got[1] != 2 || got[2] != 1 {
		t.Fatalf("versions = %v, want [3 2 1] (draft first)", got)
	}
	if list[0].PublishedAt != nil || list[1].PublishedAt == nil {
		t.Fatal("the draft must come first, then the published versions")
	}
}

func testDiscardDraft(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	meta := modulario.Form{Slug: "acqua", Title: "Autolettura"}
	_, _, err := st.Forms.SaveDraft(ctx, meta, Def("acqua", "Uno", "Acqua"))
	must(t, err)
	_, err = st.Forms.DiscardDraft(ctx, "acqua")
	WantCode(t, err, modulario.ECONFLICT) // never published: delete instead
	_, err = st.Forms.DiscardDraft(ctx, "missing")
	WantCode(t, err, modulario.ENOTFOUND)
	_, err = st.Forms.PublishDraft(ctx, "acqua")
	must(t, err)
	_, err = st.Forms.DiscardDraft(ctx, "acqua")
	WantCode(t, err, modulario.ECONFLICT) // no draft
	_, _, err = st.Forms.SaveDraft(ctx, meta, Def("acqua", "Due", "Acqua"))
	must(t, err)
	f, err := st.Forms.DiscardDraft(ctx, "acqua")
	must(t, err)
	if f.Draft != 0 || f.Published != 1 || f.Status() != modulario.FormPublished {
		t.Fatalf("after discard: %+v", f)
	}
	_, err = st.Forms.FindVersion(ctx, "acqua", 2)
	WantCode(t, err, modulario.ENOTFOUND)
	f, _, err = st.Forms.SaveDraft(ctx, meta, Def("acqua", "Tre", "Acqua"))
	must(t, err)
	if f.Draft != 3 {
		t.Fatalf("draft after discard = %d, want 3 (numbers are not reused)", f.Draft)
	}
}

func testArchiveDelete(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	_, _, err := st.Forms.SaveDraft(ctx, modulario.Form{Slug: "acqua", Title: "Acqua"}, Def("acqua", "Uno", "Acqua"))
	must(t, err)
	_, err = st.Forms.PublishDraft(ctx, "acqua")
	must(t, err)
	f, err := st.Forms.SetArchived(ctx, "acqua", true)
	must(t, err)
	if !f.Archived || f.Status() != modulario.FormArchived {
		t.Fatalf("archived: %+v", f)
	}
	list, err := st.Forms.ListForms(ctx, modulario.FormFilter{PublishedOnly: true})
	must(t, err)
	if len(list) != 0 {
		t.Fatalf("an archived form is listed for citizens: %v", slugs(list))
	}
	WantCode(t, st.Forms.DeleteForm(ctx, "acqua"), modulario.ECONFLICT)
	f, err = st.Forms.SetArchived(ctx, "acqua", false)
	must(t, err)
	if f.Archived || f.Published != 1 {
		t.Fatalf("restored: %+v", f)
	}
	_, err = st.Forms.SetArchived(ctx, "missing", true)
	WantCode(t, err, modulario.ENOTFOUND)

	_, _, err = st.Forms.SaveDraft(ctx, modulario.Form{Slug: "bozza", Title: "Bozza"}, Def("bozza", "Bozza", "X"))
	must(t, err)
	must(t, st.Forms.DeleteForm(ctx, "bozza"))
	_, err = st.Forms.FindForm(ctx, "bozza")
	WantCode(t, err, modulario.ENOTFOUND)
	_, err = st.Forms.FindVersion(ctx, "bozza", 1)
	WantCode(t, err, modulario.ENOTFOUND)
	WantCode(t, st.Forms.DeleteForm(ctx, "bozza"), modulario.ENOTFOUND)
	// A form created again under the deleted slug starts from version 1.
	f, _, err = st.Forms.SaveDraft(ctx, modulario.Form{Slug: "bozza", Title: "Bozza"}, Def("bozza", "Bozza 2", "X"))
	must(t, err)
	if f.Draft != 1 {
		t.Fatalf("recreated form: %+v", f)
	}
}
