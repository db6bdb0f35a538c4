//go:build !race

package app

// raceDetector is true in a test binary built with the race detector; see history_race_test.go.
const raceDetector = false
