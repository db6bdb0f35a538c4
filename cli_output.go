package main

import (
	"fmt"
	"io"
)

// resultsOutput is the standard output of a command that sends files: it remembers the first
// write that failed (the pipe closed by a reader that stopped early, a full disk) and how many
// results went unprinted from then on, so that the command says so and fails instead of ending
// as if every URI had been printed. The uploads go on either way, each one journaled.
type resultsOutput struct {
	w         io.Writer
	err       error
	unprinted int
}

// sendingOutput makes env's standard output a resultsOutput for a command that sends files,
// and lets the command go on when that output's reader goes (keepSendingWhenOutputCloses).
func sendingOutput(env *cliEnv) *resultsOutput {
	keepSendingWhenOutputCloses()
	out := &resultsOutput{w: env.stdout}
	env.stdout = out
	return out
}

func (o *resultsOutput) Write(p []byte) (int, error) {
	if o.err == nil {
		if _, o.err = o.w.Write(p); o.err == nil {
			return len(p), nil
		}
	}
	o.unprinted++
	return 0, o.err
}

// problem says, once the command is done, that results could not be printed; nil when all were.
func (o *resultsOutput) problem() error {
	if o.err == nil {
		return nil
	}
	results := fmt.Sprintf("%d results", o.unprinted)
	if o.unprinted == 1 {
		results = "1 result"
	}
	return fmt.Errorf("standard output could not be written (%v), so %s went unprinted. Every upload is in the "+
		"history: 'redox-uploader history' shows its URI", o.err, results)
}
