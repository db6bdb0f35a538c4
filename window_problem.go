package main

// windowProblem says why the window cannot open on this computer: Message for the person in
// front of it, Detail for IT. The window program finds display problems (display.go); the
// command line, a window program it cannot start (launcher.go).
type windowProblem struct {
	Message string
	Detail  string
}

// String is the message, then the detail for IT after a blank line.
func (p windowProblem) String() string {
	if p.Detail == "" {
		return p.Message
	}
	return p.Message + "\n\nDetail for IT: " + p.Detail
}
