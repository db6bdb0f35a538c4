package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"redoxuploader/app"
	"redoxuploader/client"
)

// readSecretInput reads p's secret from standard input for `source ACTION NAME < FILE`: at most
// maxSecretInput bytes, its line ending trimmed. At a terminal it says how to paste, and the
// better way.
func readSecretInput(p app.Profile, action string, env cliEnv) (string, error) {
	if f, ok := env.stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintf(env.stderr, "Paste the %s, then press Enter and Ctrl+D (Ctrl+Z, Enter on Windows).\n"+
				"Better: redox-uploader source %s %s < FILE, so it is not shown on the screen.\n", p.Auth.SecretName(), action, app.ShellQuote(p.Name))
		}
	}
	data, err := io.ReadAll(io.LimitReader(env.stdin, maxSecretInput+1))
	defer func() { clear(data) }()
	switch {
	case err != nil:
		return "", fmt.Errorf("reading standard input: %w", err)
	case len(data) > maxSecretInput:
		return "", app.Sentencef("standard input holds more than %s, more than any %s holds. Pipe in the file that holds only the %s.",
			client.HumanSize(maxSecretInput), p.Auth.SecretName(), p.Auth.SecretName())
	}
	secret := strings.TrimRight(string(data), "\r\n")
	if strings.TrimFunc(secret, unicode.IsSpace) == "" {
		return "", fmt.Errorf("nothing was read from standard input. Pipe in the %s: redox-uploader source %s %s < FILE",
			p.Auth.SecretName(), action, app.ShellQuote(p.Name))
	}
	return secret, nil
}
