//go:build !unix

package servertest

import "time"

// processCPU is 0 where getrusage is missing (Windows): the benchmarks
// report no CPU time there, and the packages whose tests use servertest
// still build.
func processCPU() time.Duration { return 0 }
