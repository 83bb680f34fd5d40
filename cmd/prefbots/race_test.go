//go:build race

package main

// raceEnabled: the race detector slows the bots ~10×, so the tests
// play shorter pulkas under it.
const raceEnabled = true
