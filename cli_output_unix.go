//go:build unix

package main

import (
	"os/signal"
	"syscall"
)

// keepSendingWhenOutputCloses lets a command that sends files go on when its standard output
// is a pipe whose reader has gone ('upload … | head -1', a dropped remote session's pipe):
// Go would otherwise end the process at the next write, with uploads cut off mid-way. The
// write fails instead, and resultsOutput says so at the end.
func keepSendingWhenOutputCloses() { signal.Ignore(syscall.SIGPIPE) }
