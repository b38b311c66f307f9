//go:build !unix

package invoicepdf

import "time"

// cpuTime is unknown here (-1): the benchmark reports renders/s only.
func cpuTime() time.Duration { return -1 }
