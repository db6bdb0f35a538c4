// Package localefix keeps Fyne quiet under a "C.UTF-8" locale (CI machines, cron jobs,
// containers). Fyne reads the locale while its packages initialise and logs an error for
// "C.UTF-8", which it cannot parse, into every run's stderr, including headless subcommands.
// Imported first by main, this package initialises before Fyne's (it depends only on os) and
// names English through LANGUAGE, which the C locale itself ignores.
package localefix

import (
	"os"
	"strings"
)

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}
