package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"math/big"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/password"
)

// demoPasswordAlphabet leaves out look-alikes (0/O, 1/l/I) so the printed
// password is easy to type.
const demoPasswordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// demoStaff are the accounts of the demo; all share one password.
var demoStaff = []struct {
	email, name string
	role        modulario.Role
}{
	{"admin@comune.example", "Amministratore demo", modulario.RoleAdmin},
	{"redattore@comune.example", "Redattore demo", modulario.RoleEditor},
	{"operatore@comune.example", "Operatore demo", modulario.RoleOperator},
}

// randomPassword returns n characters of demoPasswordAlphabet.
func randomPassword(n int) string {
	out := make([]byte, n)
	max := big.NewInt(int64(len(demoPasswordAlphabet)))
	for i := range out {
		k, _ := rand.Int(rand.Reader, max) // crypto/rand never fails
		out[i] = demoPasswordAlphabet[k.Int64()]
	}
	return string(out)
}

// seedDemoStaff creates the demo's staff accounts when the store has no
// account at all, and prints where and how to sign in, once. The password
// is pw, or 16 random characters when pw is empty. The editor and the
// operator belong to every demo office.
func seedDemoStaff(ctx context.Context, st *store, baseURL, pw string, stdout io.Writer, logger *slog.Logger) error {
	n, err := st.Users.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		logger.Debug("demo staff not seeded: the store already has accounts", "users", n)
		return nil
	}
	if pw == "" {
		pw = randomPassword(16)
	}
	// One hash for the three accounts: bcrypt at cost 12 is slow on
	// purpose, and these accounts share their password anyway.
	hash, err := password.HashPassword(pw)
	if err != nil {
		return fmt.Errorf("demo password: %w", err)
	}
	var offices []string
	for _, o := range demoOffices {
		offices = append(offices, o.Slug)
	}
	ctx = modulario.NewContextWithActor(ctx, "system")
	for _, d := range demoStaff {
		u := &modulario.User{Email: d.email, Name: d.name, Role: d.role, PasswordHash: hash}
		if d.role != modulario.RoleAdmin {
			u.Offices = offices
		}
		if err := st.Users.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("demo account %s: %w", d.email, err)
		}
		err := st.Audit.RecordAudit(ctx, &modulario.AuditEntry{Actor: "system", ActorName: "demo", Action: "user.create",
			Target: "user:" + u.ID, Detail: fmt.Sprintf("Created demo %s %s.", u.Role, u.Email)})
		if err != nil {
			logger.Warn("audit of a demo account", "err", err)
		}
		logger.Info("seeded demo account", "email", u.Email, "role", u.Role)
	}
	fmt.Fprintf(stdout, "Accesso staff: %s%s  utente %s  password %s\n", baseURL, adminPrefix, demoStaff[0].email, pw)
	fmt.Fprintf(stdout, "  (stessa password per %s e %s)\n", demoStaff[1].email, demoStaff[2].email)
	return nil
}
