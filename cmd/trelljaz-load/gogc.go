package main

import rtmetrics "runtime/metrics"

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

// gcPercent is the GC percent the runtime runs at, as GOGC or
// debug.SetGCPercent set it (runtime/metrics' /gc/gogc:percent): -1 when
// collection is off, 0 when the runtime does not say.
func gcPercent() int {
	s := []rtmetrics.Sample{{Name: "/gc/gogc:percent"}}
	rtmetrics.Read(s)
	if s[0].Value.Kind() != rtmetrics.KindUint64 {
		return 0
	}
	return int(int64(s[0].Value.Uint64())) // off is the uint64 of -1
}
