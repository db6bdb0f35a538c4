//go:build !headless

package main

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"os"
	"runtime"
	"strings"

	"github.com/go-gl/glfw/v3.3/glfw"
)

// The messages name the cause and what to do; the commands work everywhere.
const (
	noDisplayMessage = "Redox Uploader cannot open its window: there is no screen to show it on here " +
		"(for example over SSH, in a scheduled job or in a service). Everything the window does can be done " +
		"with its commands instead: run 'redox-uploader help' to see them."
	unreachableDisplayMessage = "Redox Uploader cannot open its window: the screen it was given cannot be reached. " +
		"Start it from the desktop session itself, or use its commands instead: run 'redox-uploader help' to see them."
	noOpenGLMessage = "Redox Uploader cannot open its window: this screen does not offer the graphics support the window needs " +
		"(OpenGL 2.1). This is common in remote desktop and virtual desktop (VDI) sessions. Ask IT to turn on " +
		"graphics acceleration (OpenGL) for the session, or to install a software OpenGL; the section " +
		"\"Remote desktops and VDI\" in the Redox Uploader README says how. Meanwhile its commands work without " +
		"a window: run 'redox-uploader help' to see them."
)

// reportDisplayProblem shows a display problem where the person will see it: standard error,
// and on Windows a message box too (display_windows.go). A variable so tests can capture it.
var reportDisplayProblem = func(p windowProblem) { fmt.Fprintln(os.Stderr, p) }

// checkDisplay finds out, before Fyne starts, whether the window can open: a display to open it
// on, and OpenGL 2.1 on that display. Fyne itself, lacking either, panics with a GLFW stack
// trace or hangs. On success GLFW is left initialised for Fyne, which then skips that step.
func checkDisplay(getenv func(string) string) *windowProblem {
	if p := missingDisplay(runtime.GOOS, getenv); p != nil {
		return p
	}
	if runtime.GOOS == "darwin" {
		return nil // every Mac offers OpenGL 2.1
	}
	return probeOpenGL()
}

// missingDisplay: on Linux and the BSDs, the window needs an X11 or Wayland display.
func missingDisplay(goos string, getenv func(string) string) *windowProblem {
	switch goos {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
			return &windowProblem{Message: noDisplayMessage, Detail: "neither DISPLAY nor WAYLAND_DISPLAY is set"}
		}
	}
	return nil
}

// glfwNotInitialized is GLFW_NOT_INITIALIZED, whose name go-gl/glfw keeps unexported.
const glfwNotInitialized glfw.ErrorCode = 0x00010001

// probeOpenGL does what Fyne's GLFW driver does first, on an invisible 1×1 window: initialise
// GLFW and create a window with an OpenGL 2.1 context (GLFW fails the creation when the driver
// offers less, as Windows' built-in GDI renderer does with 1.1). It must run on the main thread.
func probeOpenGL() (problem *windowProblem) {
	// go-gl/glfw logs platform errors (an unreachable display, no OpenGL under Wine) instead of
	// returning them, and panics on errors it does not expect (the first call after a failed
	// initialisation, no suitable pixel format): keep the log, recover the panic.
	var logged bytes.Buffer
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(&logged)
	log.SetFlags(0)
	defer func() { log.SetOutput(out); log.SetFlags(flags) }()
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		var gerr *glfw.Error
		if err, ok := r.(error); !ok || !errors.As(err, &gerr) {
			panic(r)
		}
		if gerr.Code == glfwNotInitialized { // glfw.Init failed and only logged why
			problem = &windowProblem{Message: unreachableDisplayMessage, Detail: glfwDetail(&logged, nil)}
			return
		}
		glfw.Terminate()
		problem = &windowProblem{Message: noOpenGLMessage, Detail: glfwDetail(&logged, gerr)}
	}()

	if err := glfw.Init(); err != nil { // APIUnavailable: no display driver at all
		return &windowProblem{Message: unreachableDisplayMessage, Detail: glfwDetail(&logged, err)}
	}
	glfw.WindowHint(glfw.Visible, glfw.False)
	glfw.WindowHint(glfw.ContextVersionMajor, 2)
	glfw.WindowHint(glfw.ContextVersionMinor, 1)
	win, err := glfw.CreateWindow(1, 1, "OpenGL check", nil, nil)
	glfw.DefaultWindowHints()
	if err != nil || win == nil { // a platform error is logged, not returned
		glfw.Terminate()
		return &windowProblem{Message: noOpenGLMessage, Detail: glfwDetail(&logged, err)}
	}
	win.Destroy()
	return nil
}

// glfwDetail joins what GLFW logged and the error it returned.
func glfwDetail(logged *bytes.Buffer, err error) string {
	detail := strings.ReplaceAll(strings.TrimSpace(logged.String()), "\n", "; ")
	if err != nil {
		if detail != "" {
			detail += "; "
		}
		detail += err.Error()
	}
	return detail
}
