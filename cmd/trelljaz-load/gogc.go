package main

import "strconv"

// The generator's own garbage collector runs on the machine the club runs
// on, and while it marks, its players' clocks run on with their frames
// unread: each of its collections is a period of the run whose p99 is the
// generator's, not the club's. At 3,000 tables its live heap is about
// 390 MB and it allocates about 12 MB a second, so at Go's default
// (GOGC=100) it collected every 30 s; at 400 it collects every 2 minutes
// (the runtime's longest gap: it forces a collection after 2 minutes
// whatever the percent), for about 1.9 GB of memory. In session 17's runs
// that took the bad 5 s periods (p99 over 50 ms) from 18 of 48 to 13.
//
// So the generator runs at defaultGOGC unless told otherwise: -gogc sets
// it, and a GOGC in the environment (which the runtime has read already)
// is left alone unless -gogc is given too.

// defaultGOGC is the generator's GC percent when neither -gogc nor GOGC
// says another.
const defaultGOGC = 400

// gcPercentFlag is the default of -gogc: 0 ("leave the runtime's") when
// the environment's GOGC is set, else defaultGOGC.
func gcPercentFlag(envGOGC string) int {
	if envGOGC != "" {
		return 0
	}
	return defaultGOGC
}

// effectiveGOGC is the GC percent the generator runs at, for its summary:
// gogc when it is set (> 0), else the environment's GOGC as the runtime
// reads it ("off" is -1, unset or unreadable is the runtime's 100).
func effectiveGOGC(gogc int, envGOGC string) int {
	if gogc > 0 {
		return gogc
	}
	switch envGOGC {
	case "off":
		return -1
	case "":
		return 100
	}
	if n, err := strconv.Atoi(envGOGC); err == nil {
		return n
	}
	return 100
}
