//go:build race

package app

// raceDetector is true in a test binary built with the race detector, where SQLite (C
// translated to Go, every memory access checked) runs about forty times slower.
const raceDetector = true
