package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage"
)

// testStore is a real bbolt store with every service the notify core uses.
type testStore struct {
	db          *storage.DB
	forms       *storage.FormService
	subs        *storage.SubmissionService
	outbox      *storage.OutboxService
	offices     *storage.OfficeService
	webhooks    *storage.WebhookService
	attachments *storage.AttachmentService
	users       *storage.UserService
}

// openStore opens (or reopens) the store at path.
func openStore(t testing.TB, path string) *testStore {
	t.Helper()
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &testStore{db: db, forms: storage.NewFormService(db), subs: storage.NewSubmissionService(db),
		outbox: storage.NewOutboxService(db), offices: storage.NewOfficeService(db),
		webhooks: storage.NewWebhookService(db), attachments: storage.NewAttachmentService(db),
		users: storage.NewUserService(db)}
}

func newStore(t *testing.T) *testStore {
	st := openStore(t, filepath.Join(t.TempDir(), "m.db"))
	t.Cleanup(func() { st.db.Close() })
	return st
}

// testForm is a form with nested fields, enums, numbers and contacts.
const testForm = `{"slug":"segnalazione","title":"Segnalazione guasti","office":"urp","privacy":"Informativa.",
  "schema":{"type":"object","properties":{
    "tipo":{"title":"Tipo","type":"string","oneOf":[{"const":"buca","title":"Buca in strada"},{"const":"luce","title":"Lampione spento"}]},
    "quantita":{"title":"Quante","type":"integer"},
    "urgente":{"title":"Urgente","type":"boolean"},
    "indirizzo":{"title":"Indirizzo","type":"object","properties":{"via":{"title":"Via","type":"string"},"zona":{"title":"Zona","type":"string"}}},
    "descrizione":{"title":"Descrizione","type":"string"},
    "email":{"title":"Email","type":"string"},
    "telefono":{"title":"Telefono","type":"string"},
    "cf":{"title":"Codice fiscale","type":"string"}}},
  "contacts":{"email":"email","phone":"telefono","fiscalCode":"cf"},
  %s}`

// publish stores and publishes a definition made of testForm plus rules.
func publish(t *testing.T, st *testStore, extra string) {
	t.Helper()
	if extra == "" {
		extra = `"rules":[]`
	}
	def := json.RawMessage(sprintf(testForm, extra))
	ctx := context.Background()
	if _, _, err := st.forms.SaveDraft(ctx, modulario.Form{Slug: "segnalazione", Title: "Segnalazione guasti", Office: "urp"}, def); err != nil {
		t.Fatal(err)
	}
	if _, err := st.forms.PublishDraft(ctx, "segnalazione"); err != nil {
		t.Fatal(err)
	}
}

// submission returns an unsaved submission of version 1 with data.
func submission(data string) *modulario.Submission {
	return &modulario.Submission{FormSlug: "segnalazione", Version: 1, Status: modulario.StatusReceived,
		Channel: modulario.ChannelWeb, Data: json.RawMessage(data)}
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
