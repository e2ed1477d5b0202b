package storagetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

func testAudit(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	if st.Audit == nil {
		t.Skip("the store has no AuditService")
	}
	WantCode(t, st.Audit.RecordAudit(ctx, &modulario.AuditEntry{Actor: "cli"}), modulario.EINVALID)
	var last uint64
	for i := 0; i < 120; i++ {
		e := &modulario.AuditEntry{Actor: "cli", Action: "form.save", Target: fmt.Sprintf("form:f%d", i)}
		must(t, st.Audit.RecordAudit(ctx, e))
		if e.Seq <= last || !e.At.Equal(Start) {
			t.Fatalf("entry %d: seq %d after %d, at %v", i, e.Seq, last, e.At)
		}
		last = e.Seq
	}
	at := Start.Add(-time.Hour)
	must(t, st.Audit.RecordAudit(ctx, &modulario.AuditEntry{At: at, Actor: "system", ActorName: "sistema", Action: "x", IP: "192.0.2.1"}))
	list, err := st.Audit.ListAudit(ctx, modulario.AuditFilter{})
	must(t, err)
	if len(list) != 50 || list[0].Action != "x" || !list[0].At.Equal(at) || list[0].IP != "192.0.2.1" ||
		list[0].ActorName != "sistema" || list[1].Target != "form:f119" {
		t.Fatalf("default page: %d entries, first %+v", len(list), list[0])
	}
	// Walk every page with Before: each entry exactly once, newest first.
	seen, before := 0, uint64(0)
	for {
		page, err := st.Audit.ListAudit(ctx, modulario.AuditFilter{Before: before, Limit: 7})
		must(t, err)
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			if before != 0 && e.Seq >= before {
				t.Fatalf("seq %d not before %d", e.Seq, before)
			}
			before = e.Seq
			seen++
		}
	}
	if seen != 121 {
		t.Fatalf("paged through %d entries, want 121", seen)
	}
	list, err = st.Audit.ListAudit(ctx, modulario.AuditFilter{Limit: 10000})
	must(t, err)
	if len(list) != 121 {
		t.Fatalf("limit above 500 returned %d", len(list))
	}
}

func testAuditFilters(t *testing.T, open Opener) {
	ctx := context.Background()
	st := openAt(t, open, Start)
	if st.Audit == nil {
		t.Skip("the store has no AuditService")
	}
	var anna string
	if st.Users != nil {
		u := NewUser("anna@comune.example.it", modulario.RoleEditor)
		must(t, st.Users.CreateUser(ctx, u))
		anna = u.ID
	} else {
		anna = "anna"
	}
	record := func(actor, action, target string) uint64 {
		e := &modulario.AuditEntry{Actor: actor, Action: action, Target: target}
		must(t, st.Audit.RecordAudit(ctx, e))
		return e.Seq
	}
	record(anna, "form.save", "form:acqua")
	record("cli", "user.create", "user:"+anna)
	record(anna, "form.publish", "form:acqua")
	record(anna, "page.save", "page:home")
	record("cli", "form.save", "form:acqua-2") // shares a prefix with form:acqua
	mid := record(anna, "form.save", "form:rifiuti")
	record("cli", "settings.save", "settings")
	record(anna, "form.archive", "form:acqua")

	check := func(f modulario.AuditFilter, want string) {
		t.Helper()
		list, err := st.Audit.ListAudit(ctx, f)
		must(t, err)
		var got []string
		for _, e := range list {
			got = append(got, e.Action+"@"+e.Target)
		}
		if strings.Join(got, " ") != want {
			t.Fatalf("filter %+v:\n got %s\nwant %s", f, strings.Join(got, " "), want)
		}
	}
	check(modulario.AuditFilter{Target: "form:acqua"}, "form.archive@form:acqua form.publish@form:acqua form.save@form:acqua")
	check(modulario.AuditFilter{Target: "form:"},
		"form.archive@form:acqua form.save@form:rifiuti form.save@form:acqua-2 form.publish@form:acqua form.save@form:acqua")
	check(modulario.AuditFilter{Target: "form:", Before: mid, Limit: 2}, "form.save@form:acqua-2 form.publish@form:acqua")
	check(modulario.AuditFilter{Actor: "cli"}, "settings.save@settings form.save@form:acqua-2 user.create@user:"+anna)
	check(modulario.AuditFilter{Actor: "cli", Target: "form:"}, "form.save@form:acqua-2")
	check(modulario.AuditFilter{Actor: anna, Target: "form:acqua", Limit: 1}, "form.archive@form:acqua")
	check(modulario.AuditFilter{Target: "settings"}, "settings.save@settings")
	check(modulario.AuditFilter{Actor: "nobody"}, "")
	check(modulario.AuditFilter{Target: "page:nope"}, "")

	if st.Users != nil {
		list, err := st.Audit.ListAudit(ctx, modulario.AuditFilter{Actor: anna, Limit: 1})
		must(t, err)
		if list[0].ActorName != "anna@comune.example.it" {
			t.Fatalf("ActorName not filled from the account: %+v", list[0])
		}
	}
}
