package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/password"
)

// cliActor is the audit actor of management commands.
const cliActor = "cli"

// passwordHashFlag carries the bcrypt hash made by the CLI process, so a
// command forwarded to the running server never sends the password itself.
const passwordHashFlag = "password-hash"

func runUser(ctx context.Context, args []string, e env) int {
	return dispatch(ctx, "user", args, e, map[string]func(context.Context, []string, env) int{
		"add":      runUserAdd,
		"list":     runUserList,
		"remove":   runUserRemove,
		"passwd":   runUserPasswd,
		"set-role": runUserSetRole,
	})
}

// errBadHash is returned when --password-hash is missing or not bcrypt.
var errBadHash = modulario.Errorf(modulario.EINVALID, "--%s must be a bcrypt hash", passwordHashFlag)

// listFlag is a flag that may be repeated or given comma-separated values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, splitList(v)...)
	return nil
}

// cliContext is ctx carrying the CLI as actor, so storage records it.
func cliContext(ctx context.Context) context.Context {
	return modulario.NewContextWithActor(ctx, cliActor)
}

// recordCLI appends an audit entry for a management command. A failure is
// reported as a warning: the change itself is done.
func recordCLI(ctx context.Context, st *store, e env, action, target, detail string) {
	err := st.Audit.RecordAudit(ctx, &modulario.AuditEntry{Actor: cliActor, ActorName: "modulario " + strings.Split(action, ".")[0],
		Action: action, Target: target, Detail: detail})
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: warning: audit log: %s\n", describe(err))
	}
}

// runUserAdd creates a staff account:
// modulario user add --role editor --office urp [--name "Mario Rossi"] EMAIL
func runUserAdd(ctx context.Context, args []string, e env) int {
	var role, name, hash string
	var offices listFlag
	var mustChange bool
	args, code, ok := withPasswordHash(args, e)
	if !ok {
		return code
	}
	return adminCommand(args, e, "user add EMAIL", exactly(1), func(fs *flag.FlagSet) {
		fs.StringVar(&role, "role", "", "`role`: admin, editor or operator")
		fs.Var(&offices, "office", "`slug` of an office the user belongs to (repeat, or comma-separated)")
		fs.StringVar(&name, "name", "", "the person's `name`")
		fs.BoolVar(&mustChange, "must-change", false, "ask for a new password at the first login")
		fs.StringVar(&hash, passwordHashFlag, "", "bcrypt `hash` of the password (instead of reading it)")
	}, func(st *store, args []string) error {
		ctx := cliContext(ctx)
		if !password.IsHash(hash) {
			return errBadHash
		}
		if err := checkOffices(ctx, st, offices); err != nil {
			return err
		}
		u := &modulario.User{Email: args[0], Name: name, Role: modulario.Role(role), Offices: offices,
			PasswordHash: hash, MustChangePassword: mustChange}
		if err := st.Users.CreateUser(ctx, u); err != nil {
			return err
		}
		detail := fmt.Sprintf("Created %s %s from the command line", u.Role, u.Email)
		if len(u.Offices) > 0 {
			detail += " (offices " + strings.Join(u.Offices, ", ") + ")"
		}
		recordCLI(ctx, st, e, "user.create", "user:"+u.ID, detail+".")
		fmt.Fprintf(e.stdout, "user %s created: %s, %s\n", u.Email, u.ID, u.Role)
		return nil
	})
}

// checkOffices returns EINVALID naming the first office that does not exist.
func checkOffices(ctx context.Context, st *store, offices []string) error {
	for _, slug := range offices {
		if _, err := st.Offices.FindOffice(ctx, slug); modulario.ErrorCode(err) == modulario.ENOTFOUND {
			return modulario.Errorf(modulario.EINVALID, "office %q does not exist (see modulario office list)", slug)
		} else if err != nil {
			return err
		}
	}
	return nil
}

func runUserList(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "user list", exactly(0), nil, func(st *store, _ []string) error {
		users, err := st.Users.ListUsers(ctx, modulario.UserFilter{})
		if err != nil {
			return err
		}
		for _, u := range users {
			line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s", u.ID, u.Email, u.Role, u.Name, strings.Join(u.Offices, ","))
			if u.Disabled {
				line += "\tdisabled"
			}
			fmt.Fprintln(e.stdout, line)
		}
		return nil
	})
}

func runUserRemove(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "user remove EMAIL", exactly(1), nil, func(st *store, args []string) error {
		ctx := cliContext(ctx)
		u, err := st.Users.FindUserByEmail(ctx, args[0])
		if err != nil {
			return err
		}
		if err := st.Users.DeleteUser(ctx, u.ID); err != nil {
			return err
		}
		recordCLI(ctx, st, e, "user.delete", "user:"+u.ID, "Removed "+u.Email+" from the command line.")
		fmt.Fprintf(e.stdout, "user %s removed\n", u.Email)
		return nil
	})
}

// runUserPasswd sets a new password and signs the user out everywhere.
func runUserPasswd(ctx context.Context, args []string, e env) int {
	var hash string
	var mustChange bool
	args, code, ok := withPasswordHash(args, e)
	if !ok {
		return code
	}
	return adminCommand(args, e, "user passwd EMAIL", exactly(1), func(fs *flag.FlagSet) {
		fs.BoolVar(&mustChange, "must-change", false, "ask for a new password at the next login")
		fs.StringVar(&hash, passwordHashFlag, "", "bcrypt `hash` of the password (instead of reading it)")
	}, func(st *store, args []string) error {
		ctx := cliContext(ctx)
		if !password.IsHash(hash) {
			return errBadHash
		}
		u, err := st.Users.FindUserByEmail(ctx, args[0])
		if err != nil {
			return err
		}
		u.PasswordHash, u.PasswordChangedAt, u.MustChangePassword = hash, time.Now(), mustChange
		if err := st.Users.UpdateUser(ctx, u); err != nil {
			return err
		}
		n, err := st.Sessions.DeleteUserSessions(ctx, u.ID, "")
		if err != nil {
			return err
		}
		recordCLI(ctx, st, e, "user.password", "user:"+u.ID, "Password of "+u.Email+" set from the command line.")
		fmt.Fprintf(e.stdout, "password of %s changed; %d session(s) signed out\n", u.Email, n)
		return nil
	})
}

// runUserSetRole changes a role: modulario user set-role EMAIL ROLE
func runUserSetRole(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "user set-role EMAIL ROLE", exactly(2), nil, func(st *store, args []string) error {
		ctx := cliContext(ctx)
		role := modulario.Role(args[1])
		if !role.Valid() {
			return errors.New("the role must be admin, editor or operator")
		}
		u, err := st.Users.FindUserByEmail(ctx, args[0])
		if err != nil {
			return err
		}
		old := u.Role
		u.Role = role
		if err := st.Users.UpdateUser(ctx, u); err != nil {
			return err
		}
		recordCLI(ctx, st, e, "user.role", "user:"+u.ID, fmt.Sprintf("Role of %s changed from %s to %s from the command line.", u.Email, old, role))
		fmt.Fprintf(e.stdout, "user %s is now %s\n", u.Email, role)
		return nil
	})
}
