//go:build headless

package main

import (
	"fmt"
	"os"
)

// runWindow explains that this build has no window.
func runWindow([]string) int {
	fmt.Fprintln(os.Stderr, "This is the headless build of Redox Uploader: it has no window. Run 'redox-uploader help' for its commands.")
	return exitUsage
}
