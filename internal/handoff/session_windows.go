package handoff

import (
	"strconv"

	"golang.org/x/sys/windows"
)

// sessionOf names the Windows session a start belongs to (a remote desktop beside the console,
// say), so that a file opened in one never goes to the window on the other's screen.
func sessionOf(func(string) string) string {
	var id uint32
	if err := windows.ProcessIdToSessionId(windows.GetCurrentProcessId(), &id); err != nil {
		return ""
	}
	return "session " + strconv.FormatUint(uint64(id), 10)
}
