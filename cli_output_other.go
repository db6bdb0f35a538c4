//go:build !unix

package main

// keepSendingWhenOutputCloses does nothing: only Unix ends a process that writes to a pipe
// nobody reads; elsewhere the write fails, which resultsOutput reports.
func keepSendingWhenOutputCloses() {}
