package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/modulario/modulario/password"
	"golang.org/x/term"
)

// withPasswordHash reads a new password (see readPassword), hashes it and
// returns args with --password-hash HASH in front, so the password never
// leaves this process, not even towards the running server. It leaves args
// alone inside the server (e.shared set), when the hash is already given,
// and for -h. ok is false, with the exit code, when no good password came.
func withPasswordHash(args []string, e env) (out []string, code int, ok bool) {
	if e.shared != nil {
		return args, 0, true
	}
	for _, a := range args {
		name := strings.TrimLeft(a, "-")
		if strings.HasPrefix(a, "-") && (name == "h" || name == "help" || strings.HasPrefix(name, passwordHashFlag)) {
			return args, 0, true
		}
	}
	pw, err := readPassword(e)
	if err == nil {
		err = password.Check(pw)
	}
	switch {
	case errors.Is(err, password.ErrTooShort):
		err = fmt.Errorf("the password must be at least %d characters long", password.MinLength)
	case errors.Is(err, password.ErrTooLong):
		err = errors.New("the password must be at most 72 bytes long")
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: %v\n", err)
		return nil, exitError, false
	}
	hash, err := password.HashPassword(pw)
	if err != nil {
		fmt.Fprintf(e.stderr, "modulario: hashing the password: %v\n", err)
		return nil, exitError, false
	}
	return append([]string{"--" + passwordHashFlag, hash}, args...), 0, true
}

// readPassword prompts twice without echo when stdin is a terminal, and
// otherwise reads the first line of stdin (for scripts: echo pw | modulario ...).
func readPassword(e env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return promptPassword(int(f.Fd()), e)
	}
	if e.stdin == nil {
		return "", errors.New("no password: pipe it on standard input")
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input")
	}
	return line, nil
}

func promptPassword(fd int, e env) (string, error) {
	fmt.Fprint(e.stderr, "New password: ")
	first, err := term.ReadPassword(fd)
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	fmt.Fprint(e.stderr, "Repeat it: ")
	second, err := term.ReadPassword(fd)
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	if string(first) != string(second) {
		return "", errors.New("the two passwords differ")
	}
	return string(first), nil
}
