package app

import "fmt"

// A Sentence is an error worded for the person at the desk and shown as it is: whole
// sentences, ending with a full stop, saying what happened and what to do (the command line
// prints it after "redox-uploader:", so its own start there in lower case). The app's
// other error strings follow Go's style (fragments, lower-case, no full stop, meant to be
// wrapped: "reading the settings: ..."); a message a person reads first is a Sentence or an
// error type of its own with a Message or Detail.
type Sentence string

func (s Sentence) Error() string { return string(s) }

// Sentencef formats a Sentence.
func Sentencef(format string, args ...any) error { return Sentence(fmt.Sprintf(format, args...)) }
