package main

import (
	"bytes"
	"io/fs"
)

// DAMON is Linux's data-access monitor: a kernel thread (a kdamond) samples
// which pages are used. On this project's 2-core virtual machine one is on,
// set up by the machine's image (physical-address sampling every 500 ms, a
// page-out scheme that never applied), and under the club's load its
// passes stall the processes for tens of milliseconds about every 0.58 s:
// an execution trace of the club at 3,000 tables recorded no event at all,
// on either P, for 10–55 ms at a time, 18 times in 5 s (none with DAMON
// off). A capacity figure taken beside it is the machine's more than the
// club's, so the generator says so.

// damonAdmin is where Linux shows its kdamonds (sysfs).
const damonAdmin = "/sys/kernel/mm/damon/admin"

// kdamondState reports whether DAMON monitors run, from its sysfs admin
// directory: "on" when any kdamond is on, "off" when there are kdamonds
// and none is, "" when the kernel shows none (no DAMON, no sysfs). The
// answer is advice for the reader of a run's figures, so a state file that
// cannot be read counts as not on rather than failing the run.
func kdamondState(admin fs.FS) string {
	states, _ := fs.Glob(admin, "kdamonds/*/state") // the pattern is well-formed
	if len(states) == 0 {
		return ""
	}
	for _, name := range states {
		b, err := fs.ReadFile(admin, name)
		if err == nil && string(bytes.TrimSpace(b)) == "on" {
			return "on"
		}
	}
	return "off"
}

// kdamondWarning is the line the generator prints before a run on a
// machine where a kdamond is on.
const kdamondWarning = "warning: DAMON (kdamond) samples this machine's memory: under load its passes stalled the club and this generator for tens of milliseconds about twice a second, and the latencies below include such stalls (README, Capacity; turn it off with: echo off > " + damonAdmin + "/kdamonds/N/state)"
