//go:build headless

package main

// runWindow starts the window program installed beside this one with the window's arguments:
// the headless build, the command line redox-uploader, has no window of its own (launcher.go).
func runWindow(args []string) int {
	return newWindowLauncher().launch(args)
}
