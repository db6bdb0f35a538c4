//go:build windows

package clipfiles

import "golang.org/x/sys/windows"

// The system functions the package calls, each DLL loaded once on first use.
var (
	ole32                = windows.NewLazySystemDLL("ole32.dll")
	procOleInitialize    = ole32.NewProc("OleInitialize")
	procOleUninitialize  = ole32.NewProc("OleUninitialize")
	procOleGetClipboard  = ole32.NewProc("OleGetClipboard")
	procReleaseStgMedium = ole32.NewProc("ReleaseStgMedium")

	user32                   = windows.NewLazySystemDLL("user32.dll")
	procRegisterClipboardFmt = user32.NewProc("RegisterClipboardFormatW")
	procOpenClipboard        = user32.NewProc("OpenClipboard")
	procCloseClipboard       = user32.NewProc("CloseClipboard")
	procGetClipboardData     = user32.NewProc("GetClipboardData")

	kernel32         = windows.NewLazySystemDLL("kernel32.dll")
	procGlobalLock   = kernel32.NewProc("GlobalLock")
	procGlobalUnlock = kernel32.NewProc("GlobalUnlock")
	procGlobalSize   = kernel32.NewProc("GlobalSize")

	procDragQueryFileW = windows.NewLazySystemDLL("shell32.dll").NewProc("DragQueryFileW")
)
