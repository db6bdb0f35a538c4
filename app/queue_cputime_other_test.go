//go:build !unix

package app

import "time"

// cpuTime is zero where getrusage is not available: the benchmark's cpu-µs/file reads 0.
func cpuTime() time.Duration { return 0 }
